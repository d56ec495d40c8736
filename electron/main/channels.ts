/**
 * IPC channels outside the method/event contract (methods and events use their contract names).
 * Files handed over by the OS travel main → renderer; the renderer says when it listens, so a file
 * that launched the app is not sent before anyone can receive it.
 */
export const OPEN_FILES_CHANNEL = 'app:openFiles';
export const OPEN_FILES_READY_CHANNEL = 'app:openFilesReady';
