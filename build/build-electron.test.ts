import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain .mjs build script without type declarations
import { electronBuildOptions, EXTERNAL } from './build-electron.mjs';

/**
 * Boots the real bundled main process (and with it the real gateway) in plain Node, with the
 * `electron` module replaced by a fake at require time: proves the bundle loads, the gateway
 * starts, app:// serves the UI, the IPC gate answers, a secret stays out of every plain file, and
 * quitting closes cleanly.
 */
const FAKE_ELECTRON_RUNNER = String.raw`
const Module = require('node:module');
const { EventEmitter } = require('node:events');
const [, , mainPath, appDir, userData] = process.argv;
const report = (o) => process.stdout.write('@@' + JSON.stringify(o) + '\n');
const handlers = new Map();
let protocolHandler = null;
let windows = 0;
const app = Object.assign(new EventEmitter(), {
  isPackaged: true,
  getPath: () => userData, setPath() {}, getAppPath: () => appDir, getVersion: () => '0.1.0', getName: () => 'faxbot-desktop',
  requestSingleInstanceLock: () => true, whenReady: () => Promise.resolve(),
  quit() {
    const event = { prevented: false, preventDefault() { this.prevented = true; } };
    app.emit('before-quit', event);
    if (!event.prevented) { report({ quit: true }); process.exit(0); }
  },
  exit(code) { report({ exit: code }); process.exit(code); },
});
class BrowserWindow extends EventEmitter {
  constructor(options) { super(); windows += 1; this.options = options; this.webContents = Object.assign(new EventEmitter(), { send() {}, isDestroyed: () => false }); }
  loadURL() { return Promise.resolve(); } show() {} hide() {} focus() {} restore() {}
  isMinimized() { return false; } isDestroyed() { return false; }
}
const xor = (buf) => Buffer.from(buf.map((b) => b ^ 0x5a));
const fake = {
  app, BrowserWindow,
  ipcMain: { handle: (channel, h) => handlers.set(channel, h), on() {} },
  protocol: { registerSchemesAsPrivileged() {}, handle: (scheme, h) => { protocolHandler = h; } },
  session: { defaultSession: { setPermissionRequestHandler() {}, setPermissionCheckHandler() {}, setDevicePermissionHandler() {} } },
  shell: { openExternal: async () => {} },
  dialog: { showErrorBox: (title, message) => report({ errorBox: title + ': ' + message }), showOpenDialog: async () => ({ canceled: true, filePaths: [] }) },
  Menu: { buildFromTemplate: (items) => ({ items }), setApplicationMenu() {} },
  Tray: class { setToolTip() {} setContextMenu() {} setTitle() {} on() {} destroy() {} },
  Notification: class { static isSupported() { return false; } },
  safeStorage: { isEncryptionAvailable: () => true, getSelectedStorageBackend: () => 'gnome_libsecret', encryptString: (s) => xor(Buffer.from(s)), decryptString: (b) => xor(b).toString() },
};
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'electron' ? fake : load.call(this, request, ...rest); };
process.argv = [process.execPath];
require(mainPath);
const trusted = { senderFrame: { url: 'app://faxbot/index.html', parent: null } };
(async () => {
  for (let i = 0; i < 400 && windows === 0; i += 1) await new Promise((r) => setTimeout(r, 25));
  const page = await protocolHandler(new Request('app://faxbot/index.html'));
  const escape = await protocolHandler(new Request('app://faxbot/..%2f..%2fpackage.json'));
  const status = await handlers.get('gateway:status')(trusted, {});
  const forbidden = await handlers.get('gateway:status')({ senderFrame: { url: 'https://evil.example/', parent: null } }, {});
  const invalid = await handlers.get('jobs:list')(trusted, { limit: 'lots' });
  const setSecret = await handlers.get('settings:setSecret')(trusted, { name: 'phaxio.apiSecret', value: 'sk_live_SUPERSECRET' });
  const health = await fetch(status.value.url + '/health');
  report({ windows, channels: handlers.size, page: page.status, body: await page.text(), csp: page.headers.get('content-security-policy'),
    escape: escape.status, status, forbidden, invalid, secretView: setSecret.ok && setSecret.value.secrets['phaxio.apiSecret'], health: health.status });
  app.quit();
})().catch((error) => { report({ failed: String(error && error.stack || error) }); process.exit(2); });
`;

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faxbot-bundle-'));
  await Promise.all(
    (electronBuildOptions(join(dir, 'dist-electron')) as Parameters<typeof build>[0][]).map((o) => build({ ...o, logLevel: 'silent' })),
  );
  mkdirSync(join(dir, 'app', 'dist', 'renderer'), { recursive: true });
  writeFileSync(join(dir, 'app', 'dist', 'renderer', 'index.html'), '<!doctype html><title>Faxbot Desktop</title>');
  writeFileSync(join(dir, 'runner.cjs'), FAKE_ELECTRON_RUNNER);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function allFiles(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? allFiles(path) : [path];
  });
}

describe('the Electron bundle', () => {
  it('keeps Electron and native modules external', () => {
    const main = readFileSync(join(dir, 'dist-electron', 'main.cjs'), 'utf8');
    // A package or one of its subpaths (the MCP SDK is required as @modelcontextprotocol/sdk/server/mcp.js and friends).
    for (const name of EXTERNAL as string[]) expect(main).toMatch(new RegExp(`require\\("${name.replace(/[/.]/g, '\\$&')}(/[^"]+)?"\\)`));
    const preload = readFileSync(join(dir, 'dist-electron', 'preload.cjs'), 'utf8');
    expect(preload).toMatch(/require\("electron"\)/);
    expect(preload).not.toMatch(/require\("(node:)?(fs|child_process|path)"\)/);
  });

  it('boots the real gateway behind a faked Electron, serves the UI, gates IPC, keeps secrets out of plain files, and quits cleanly', async () => {
    const userData = join(dir, 'userData');
    const child = spawn(process.execPath, [join(dir, 'runner.cjs'), join(dir, 'dist-electron', 'main.cjs'), join(dir, 'app'), userData], {
      // The bundle sits in a temp dir; its external modules come from the project's node_modules.
      env: { ...process.env, NODE_PATH: join(import.meta.dirname, '..', 'node_modules'), PORT: '0', FAXBOT_DISABLE_AUTO_UPDATE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const reports = stdout
      .split('\n')
      .filter((l) => l.startsWith('@@'))
      .map((l) => JSON.parse(l.slice(2)));
    const result = reports.find((r) => 'windows' in r);
    expect(result, `${stdout}\n${stderr}`).toBeDefined();
    expect(code).toBe(0);
    expect(reports.at(-1)).toEqual({ quit: true });

    expect(result.windows).toBe(1);
    expect(result.page).toBe(200);
    expect(result.body).toContain('<title>Faxbot Desktop</title>');
    expect(result.csp).toContain(`script-src 'self'`);
    expect(result.escape).not.toBe(200);
    expect(result.status.ok).toBe(true);
    expect(result.status.value.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(result.forbidden).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(result.invalid).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(result.secretView).toEqual({ configured: true, source: 'keychain' });
    expect(result.health).toBe(200);

    expect(statSync(join(userData, 'secrets.safe-storage.json')).isFile()).toBe(true);
    for (const file of allFiles(userData)) {
      expect(readFileSync(file).includes('sk_live_SUPERSECRET'), file).toBe(false);
    }
    expect(stdout + stderr).not.toContain('sk_live_SUPERSECRET');
  }, 60_000);
});
