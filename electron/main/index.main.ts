/**
 * Electron entry (bundled to dist-electron/main.cjs by build/build-electron.mjs). Wires the real
 * Electron modules into the composition root; all logic lives in app.main.ts and is tested there.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import ElectronStore from 'electron-store';
import { createGateway } from '../gateway/server';
import { startDesktopApp } from './app.main';
import type { AutoUpdaterLike, ElectronMain } from './electron-api';
import { NATIVE_DIR, selectSqliteBinding } from './native-binding';

// Electron's typings ship only with its binary; electron-api.ts types the subset we use.
const electron = require('electron') as ElectronMain;

const appDir = electron.app.getAppPath();
// Electron adds process.resourcesPath; its typings ship only with the binary.
const { resourcesPath } = process as { resourcesPath?: string };
const iconDir = join(appDir, 'build', 'icons');

const log = {
  info: (message: string) => console.log(message),
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => electron.app.quit());

// `faxbot-desktop mcp`: the stdio MCP server for assistants, no window (it talks to the running app's gateway).
// The MCP SDK loads only then, not with the window.
const mcpOnly = async () => (await import('../gateway/mcp/stdio-bridge')).runMcpSubcommand(process.env, () => electron.app.quit());
const start = process.argv[electron.app.isPackaged ? 1 : 2] === 'mcp' ? mcpOnly : startDesktopApp;

start({
  electron,
  createGateway,
  ElectronStore,
  autoUpdater: () => (require('electron-updater') as { autoUpdater: AutoUpdaterLike }).autoUpdater,
  paths: {
    preload: join(__dirname, 'preload.cjs'),
    renderer: join(appDir, 'dist', 'renderer'),
    windowIcon: join(iconDir, 'icon.png'),
    trayIcon: join(iconDir, process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png'),
  },
  // Packaged: resources/native (extraResources); development: release/native from `npm run native:electron`.
  sqliteBinding: selectSqliteBinding(
    { electron: process.versions.electron, platform: process.platform, arch: process.arch },
    [...(resourcesPath ? [join(resourcesPath, NATIVE_DIR)] : []), join(appDir, 'release', NATIVE_DIR)],
    existsSync,
  ),
  argv: process.argv,
  cwd: process.cwd(),
  env: process.env,
  platform: process.platform,
  log,
  desktop: {
    // Electron's own additions (app.getName = productName, process.resourcesPath), untyped here.
    productName: (electron.app as unknown as { getName(): string }).getName(),
    appExecutable: process.execPath,
    // extraResources puts build/print-intake at resources/print-intake in a packaged app.
    printIntakeDir: join(
      electron.app.isPackaged ? ((process as { resourcesPath?: string }).resourcesPath ?? appDir) : join(appDir, 'build'),
      'print-intake',
    ),
  },
}).catch((error: unknown) => {
  console.error(`[app] startup failed: ${error instanceof Error ? error.name : typeof error}`);
  electron.app.exit(1);
});
