/**
 * Preload (bundled to dist-electron/preload.cjs; runs sandboxed). Exposes `window.fax` and nothing
 * else.
 */
import { createFaxBridge, type IpcRendererLike } from './bridge';

// Electron's typings ship only with its binary; these are the two members we use.
const { contextBridge, ipcRenderer } = require('electron') as {
  contextBridge: { exposeInMainWorld(apiKey: string, api: unknown): void };
  ipcRenderer: IpcRendererLike;
};

contextBridge.exposeInMainWorld('fax', createFaxBridge(ipcRenderer));
