import type { BrowserWindowCtor, BrowserWindowLike } from './electron-api';

/**
 * The one app window. Security settings are spelled out (even where they are Electron's defaults) so
 * a reader, a scanner and a test can see them: sandboxed renderer, isolated preload, no Node.
 * Shown only once the first paint is ready, so there is no white flash.
 */
export function createMainWindow(BrowserWindow: BrowserWindowCtor, paths: { preload: string; icon: string }): BrowserWindowLike {
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 880,
    minHeight: 600,
    show: false,
    title: 'Faxbot Desktop',
    backgroundColor: '#f6f7f9',
    icon: paths.icon,
    webPreferences: {
      preload: paths.preload,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      // Middle-click would otherwise try to open a new window (denied anyway); don't even raise it.
      disableBlinkFeatures: 'Auxclick',
      // Dropping a file onto the window must reach the page's drop handler, never navigate to the file.
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: true,
    },
  });
  win.once('ready-to-show', () => win.show());
  return win;
}
