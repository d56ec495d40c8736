#!/usr/bin/env node
// Checks that our structural Electron types (electron/main/electron-api.ts, the preload's
// IpcRendererLike, the electron-store and electron-updater adapters) accept the real modules of the
// pinned Electron. Electron's typings ship with its binary, which cannot be installed everywhere, so
// this fetches just the npm tarball (no install scripts) into a temp dir and type-checks against it.
// Run after changing electron-api.ts or the Electron pin: node scripts/check-electron-types.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).optionalDependencies.electron;
const dir = mkdtempSync(join(tmpdir(), 'faxbot-electron-types-'));
try {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const tarball = execFileSync(npm, ['pack', `electron@${version}`, '--silent', '--pack-destination', dir], { encoding: 'utf8' }).trim();
  execFileSync('tar', ['xzf', join(dir, tarball), '-C', dir]);
  writeFileSync(
    join(dir, 'check.ts'),
    `import * as electron from 'electron';
import ElectronStore from 'electron-store';
import electronUpdater from 'electron-updater';
import type { ElectronMain, AutoUpdaterLike } from '${root}/electron/main/electron-api';
import type { ElectronStoreCtor } from '${root}/electron/main/settings-store.main';
import type { IpcRendererLike } from '${root}/electron/preload/bridge';
export const main: ElectronMain = electron;
export const store: ElectronStoreCtor = ElectronStore;
export const updater: AutoUpdaterLike = electronUpdater.autoUpdater;
export const ipcRenderer: IpcRendererLike = electron.ipcRenderer;
export const contextBridge: { exposeInMainWorld(apiKey: string, api: unknown): void } = electron.contextBridge;
`,
  );
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: 'ESNext',
        moduleResolution: 'Bundler',
        target: 'ES2022',
        lib: ['ES2023', 'DOM'],
        types: ['node'],
        typeRoots: [join(root, 'node_modules/@types')],
        noEmit: true,
        skipLibCheck: true,
        esModuleInterop: true,
        paths: {
          electron: [join(dir, 'package/electron.d.ts')],
          'electron-store': [join(root, 'node_modules/electron-store')],
          'electron-updater': [join(root, 'node_modules/electron-updater')],
          '*': [join(root, 'node_modules/*')],
        },
      },
      files: ['check.ts', join(dir, 'package/electron.d.ts')],
    }),
  );
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { stdio: 'inherit' });
    console.log(`electron-api.ts matches electron@${version}'s typings`);
  } catch {
    console.error(`our Electron types no longer match electron@${version}: see the errors above`);
    process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
