import { METHOD_NAMES } from '../../shared/contract';
import { isAppUrl } from './app-url';
import type { IpcMainLike, WebFrameLike } from './electron-api';
import { gatedCall, type Invoke } from './ipc-dispatch';

/** Only the top-level frame of our own UI may call in; iframes (gateway documents) may not. */
export function isTrustedSenderFrame(frame: WebFrameLike | null): boolean {
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}

/**
 * Registers every contract method as an `ipcMain.handle` channel, all through `gatedCall`. This is
 * the only place IPC handlers for methods are registered.
 */
export function registerIpcGate(
  ipcMain: IpcMainLike,
  invoke: Invoke,
  isTrustedSender: (frame: WebFrameLike | null) => boolean,
  onError: (method: string, error: unknown) => void,
): void {
  for (const method of METHOD_NAMES) {
    ipcMain.handle(method, (event, ...args) => gatedCall(method, args, isTrustedSender(event.senderFrame), invoke, onError));
  }
}
