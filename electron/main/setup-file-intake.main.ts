import { OPEN_FILES_CHANNEL, OPEN_FILES_READY_CHANNEL } from './channels';
import type { AppLike, IpcMainLike } from './electron-api';
import { filePathsFromArgv, OpenFilesQueue, readIntakeFiles, type IntakeFile } from './file-intake';
import { isTrustedSenderFrame } from './ipc-gate.main';
import type { Logger } from './logger';
import type { NotificationContent } from './notifications';

export interface FileIntakeStep {
  /** Reads the documents (size-capped), queues them for the Send screen and shows the window. */
  intake(paths: readonly string[]): Promise<void>;
  /** Once the window exists: hands queued files to the page whenever it says it listens. */
  connectWindow(ipcMain: IpcMainLike, send: (channel: string, payload: unknown) => void): void;
}

export interface FileIntakeStepDeps {
  app: Pick<AppLike, 'on' | 'isPackaged'>;
  queue: OpenFilesQueue;
  argv: readonly string[];
  cwd: string;
  /** Resolves when Electron is ready: files arriving earlier wait for it. */
  ready: Promise<void>;
  maxBytes: () => number;
  /** Hands readable documents to the gateway's one intake (they wait as print jobs); a sentence when refused. */
  hold: (files: IntakeFile[]) => Promise<string | null>;
  notify: (content: NotificationContent) => void;
  showWindow: () => void;
  log: Logger;
}

/**
 * Documents from every way in (launch arguments, a second launch, macOS open-file, the Open menu)
 * reach the Send screen the same way. Listeners are registered on call, before `ready`, so no
 * launch event is missed.
 */
export function setupFileIntake(deps: FileIntakeStepDeps): FileIntakeStep {
  // Packaged: argv[0] is the app; development: electron and the app path come first.
  const argvSkip = deps.app.isPackaged ? 1 : 2;
  const intake = async (paths: readonly string[]) => {
    if (paths.length === 0) return;
    const { files, rejected } = await readIntakeFiles(paths, deps.maxBytes());
    deps.log.info(`[intake] ${files.length} accepted, ${rejected.length} refused`);
    await deps.ready;
    for (const { name, reason } of rejected) deps.notify({ title: 'Could not open document', body: `${name} ${reason}` });
    if (files.length > 0) {
      // One intake with the printer and the hot folder: the documents wait as print jobs (on Send,
      // and in GET /print-jobs) until a person adds a number; a window reload cannot lose them.
      const refused = await deps.hold(files);
      if (refused !== null) deps.notify({ title: 'Could not open document', body: refused });
    }
    deps.showWindow();
    // An empty batch opens Send, where the waiting documents are listed.
    deps.queue.push([]);
  };

  deps.app.on('open-file', (event, path) => {
    event.preventDefault();
    void intake([path]);
  });
  deps.app.on('second-instance', (_event, argv, workingDirectory) => {
    deps.showWindow();
    void intake(filePathsFromArgv(argv, { cwd: workingDirectory, skip: argvSkip }));
  });
  void intake(filePathsFromArgv(deps.argv, { cwd: deps.cwd, skip: argvSkip }));

  return {
    intake,
    connectWindow(ipcMain, send) {
      ipcMain.on(OPEN_FILES_READY_CHANNEL, (event) => {
        if (!isTrustedSenderFrame(event.senderFrame)) return;
        deps.queue.listening((files) => send(OPEN_FILES_CHANNEL, files));
      });
    },
  };
}
