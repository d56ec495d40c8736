import { APP_ENTRY_URL } from './app-url';
import type { BrowserWindowCtor, BrowserWindowLike } from './electron-api';
import type { OpenFilesQueue } from './file-intake';
import { errorName, type Logger } from './logger';
import { createMainWindow } from './window.main';

export interface WindowStep {
  /** Brings the window up (creating it if it was closed); does nothing until the gateway runs. */
  show(): void;
  /** Called once the gateway is running: from then on show() opens the window. */
  enable(): void;
  /** Sends to the page if a window is open. */
  send(channel: string, payload: unknown): void;
}

export interface WindowStepDeps {
  BrowserWindow: BrowserWindowCtor;
  paths: { preload: string; icon: string };
  /** Files waiting for the page; a reload makes the page deaf until it subscribes again. */
  queue: OpenFilesQueue;
  /** True when closing should hide to the tray (a tray exists and the app is not quitting). */
  hideOnClose: () => boolean;
  log: Logger;
}

/** The one app window, created on demand and hidden (not closed) while the tray keeps the gateway running. */
export function setupWindow(deps: WindowStepDeps): WindowStep {
  let win: BrowserWindowLike | null = null;
  let enabled = false;

  const open = (): BrowserWindowLike => {
    const created = createMainWindow(deps.BrowserWindow, deps.paths);
    created.on('close', (event) => {
      // Closing the window keeps the gateway running in the tray: it still receives faxes and serves scripts.
      if (deps.hideOnClose()) {
        event.preventDefault();
        created.hide();
      }
    });
    // A main-frame navigation (a reload) drops the page's listeners until it subscribes again.
    created.webContents.on('did-navigate', () => deps.queue.deaf());
    created.loadURL(APP_ENTRY_URL).catch((error: unknown) => deps.log.error(`[window] UI failed to load: ${errorName(error)}`));
    return created;
  };

  return {
    show() {
      if (!enabled) return;
      if (win === null || win.isDestroyed()) win = open();
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    },
    enable() {
      enabled = true;
    },
    send(channel, payload) {
      if (win && !win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(channel, payload);
    },
  };
}
