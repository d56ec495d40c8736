import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES, type EventName, type EventPayloads, type MethodName, type RpcResult } from '../../shared/contract';
import { defaultSettings } from '../../shared/settings';
import type { GatewayStatus } from '../../shared/types';
import type { ConfLike } from '../gateway/settings-store';
import { APP_USER_MODEL_ID, startDesktopApp, type DesktopDeps } from './app.main';
import { APP_ENTRY_URL } from './app-url';
import { OPEN_FILES_CHANNEL, OPEN_FILES_READY_CHANNEL } from './channels';
import type { GatewayFactory, GatewayHandle, GatewayOptions } from './gateway-handle';
import {
  appFrame,
  FakeBrowserWindow,
  FakeEvent,
  fakeElectron,
  FakeNotification,
  FakeTray,
  type FakeElectron,
} from './testing/fake-electron';

const ELECTRON_SQLITE = '/app/resources/native/electron-41.7.1-linux-x64/better_sqlite3.node';
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');

const baseStatus: GatewayStatus = {
  version: '0.1.0',
  url: 'http://127.0.0.1:45678',
  backend: 'simulator',
  testMode: false,
  setupCompleted: true,
  publicUrl: null,
  publicUrlSource: null,
  callbacksEnabled: false,
  tunnel: { state: 'off', url: null, error: null },
  jobsInFlight: 0,
  unreadInbound: 0,
  diskProblem: null,
};

class FakeGateway implements GatewayHandle {
  url = 'http://127.0.0.1:45678';
  emitter = new EventEmitter();
  invoked: { method: MethodName; input: unknown }[] = [];
  closeCalls = 0;
  finishClose: () => void = () => undefined;
  closeBehaviour: 'immediate' | 'manual' | 'hang' = 'immediate';
  options: GatewayOptions | null = null;
  events = {
    on: <E extends EventName>(name: E, listener: (payload: EventPayloads[E]) => void) => {
      const untyped = listener as (payload: unknown) => void;
      this.emitter.on(name, untyped);
      return () => void this.emitter.off(name, untyped);
    },
  };
  async invoke(method: MethodName, input: unknown): Promise<RpcResult<unknown>> {
    this.invoked.push({ method, input });
    if (method === 'settings:get') return { ok: true, value: { settings: { ...defaultSettings(), maxFileSizeMb: 1 } } };
    if (method === 'gateway:status') return { ok: true, value: baseStatus };
    return { ok: true, value: { method } };
  }
  uiLoginUrl(): string {
    return `${this.url}/ui/login?code=abc`;
  }
  close(): Promise<void> {
    this.closeCalls += 1;
    if (this.closeBehaviour === 'immediate') return Promise.resolve();
    if (this.closeBehaviour === 'hang') return new Promise(() => undefined);
    return new Promise((resolve) => (this.finishClose = resolve));
  }
  emit(name: EventName, payload: unknown): void {
    this.emitter.emit(name, payload);
  }
}

/** electron-store stand-in: remembers its options, keeps data in memory. */
class FakeElectronStore implements ConfLike {
  static last: { name: string; cwd: string } | null = null;
  store: Record<string, unknown> = {};
  readonly path: string;
  constructor(options: { name: string; cwd: string; clearInvalidConfig: boolean }) {
    FakeElectronStore.last = options;
    this.path = join(options.cwd, `${options.name}.json`);
  }
}

let dir: string;
let electron: FakeElectron;
let gateway: FakeGateway;
let warnings: string[];

function deps(over: Partial<DesktopDeps> = {}): DesktopDeps {
  const factory: GatewayFactory = async (options) => {
    gateway.options = options;
    return gateway;
  };
  return {
    electron,
    createGateway: factory,
    ElectronStore: FakeElectronStore,
    autoUpdater: () => {
      throw new Error('updater must not load in these tests');
    },
    paths: {
      preload: '/app/dist-electron/preload.cjs',
      renderer: join(dir, 'dist'),
      windowIcon: '/app/icon.png',
      trayIcon: '/app/tray.png',
    },
    sqliteBinding: { kind: 'electron', path: ELECTRON_SQLITE },
    argv: ['/opt/faxbot/faxbot'],
    cwd: dir,
    env: { FAXBOT_DISABLE_AUTO_UPDATE: '1' },
    platform: 'linux',
    log: { info: () => undefined, warn: (m) => void warnings.push(m), error: (m) => void warnings.push(m) },
    shutdownGraceMs: 50,
    ...over,
  };
}

async function start(over: Partial<DesktopDeps> = {}) {
  const started = startDesktopApp(deps(over));
  electron.app.fireReady();
  const desktop = await started;
  if (!desktop) throw new Error('app did not start');
  return desktop;
}

const mainWindow = () => FakeBrowserWindow.created[0] as FakeBrowserWindow;
const sentOn = (channel: string) =>
  mainWindow()
    .webContents.sent.filter((s) => s.channel === channel)
    .map((s) => s.args[0]);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'faxbot-app-'));
  mkdirSync(join(dir, 'dist'));
  writeFileSync(join(dir, 'dist', 'index.html'), '<!doctype html><title>Faxbot</title>');
  writeFileSync(join(dir, 'letter.pdf'), PDF);
  electron = fakeElectron(join(dir, 'userData'));
  gateway = new FakeGateway();
  warnings = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('startDesktopApp', () => {
  it('quits at once when another instance holds the lock', async () => {
    electron.app.lockAvailable = false;
    const result = await startDesktopApp(deps());
    expect(result).toBeNull();
    expect(electron.app.quitCalls).toBe(1);
    expect(gateway.options).toBeNull();
    expect(electron.protocol.privileged).toEqual([]);
  });

  it('registers the app:// scheme and file listeners before ready', () => {
    void startDesktopApp(deps());
    expect(electron.protocol.privileged).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
    ]);
    for (const event of ['open-file', 'second-instance', 'web-contents-created', 'before-quit']) {
      expect(electron.app.listenerCount(event)).toBe(1);
    }
    expect(gateway.options).toBeNull();
  });

  it('honours FAXBOT_USER_DATA_DIR for isolated profiles', async () => {
    await start({ env: { FAXBOT_DISABLE_AUTO_UPDATE: '1', FAXBOT_USER_DATA_DIR: join(dir, 'profile') } });
    expect(gateway.options?.dataDir).toBe(join(dir, 'profile', 'data'));
  });

  it('starts the gateway in-process with keychain secrets and electron-store settings', async () => {
    await start();
    expect(gateway.options?.dataDir).toBe(join(dir, 'userData', 'data'));
    expect(gateway.options?.secretStore?.kind).toBe('safeStorage');
    expect(FakeElectronStore.last).toMatchObject({ name: 'settings', cwd: join(dir, 'userData') });
    expect(gateway.options?.settingsStore?.path).toBe(join(dir, 'userData', 'settings.json'));
    expect(electron.session.defaultSession.requestHandler).not.toBeNull();
  });

  it("opens the database with Electron's own better-sqlite3 build and keeps the window up when the REST port is busy", async () => {
    await start();
    expect(gateway.options?.sqliteBinding).toBe(ELECTRON_SQLITE);
    expect(gateway.options?.fallbackWhenPortBusy).toBe(true);
  });

  it('refuses to start without an Electron build of the database module, saying how to get one', async () => {
    const showErrorBox = vi.fn();
    electron.dialog.showErrorBox = showErrorBox;
    const message = 'The database module has no build for Electron 41.7.1 (linux-x64). Fix: run "npm run native:electron".';
    const started = startDesktopApp(deps({ sqliteBinding: { kind: 'missing', message } }));
    electron.app.fireReady();
    expect(await started).toBeNull();
    expect(showErrorBox).toHaveBeenCalledWith('Faxbot Desktop could not start', message);
    expect(electron.app.exitCode).toBe(1);
    expect(gateway.options).toBeNull();
    expect(FakeBrowserWindow.created).toHaveLength(0);
  });

  it('serves the UI over app:// with the CSP naming the gateway', async () => {
    await start();
    const handler = electron.protocol.handlers.get('app');
    const response = await handler?.(new Request('app://faxbot/index.html'));
    expect(response?.status).toBe(200);
    expect(response?.headers.get('content-security-policy')).toContain("connect-src 'self' http://127.0.0.1:45678");
    expect((await handler?.(new Request('app://faxbot/index.html', { method: 'POST' })))?.status).toBe(405);
  });

  it('opens one secure window on the app:// entry and shows it', async () => {
    await start();
    expect(FakeBrowserWindow.created).toHaveLength(1);
    expect(mainWindow().loaded).toEqual([APP_ENTRY_URL]);
    expect(mainWindow().options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(mainWindow().visible).toBe(true);
  });

  it('gates IPC: every contract method, sender checked, input parsed', async () => {
    await start();
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual([...METHOD_NAMES].sort());
    gateway.invoked = [];
    expect(await electron.ipcMain.invoke('jobs:list', appFrame(), { status: ['queued'] })).toEqual({
      ok: true,
      value: { method: 'jobs:list' },
    });
    expect(gateway.invoked).toEqual([{ method: 'jobs:list', input: { status: ['queued'], limit: 50 } }]);
    const foreign = { url: 'http://127.0.0.1:45678/ui', parent: null };
    expect(await electron.ipcMain.invoke('keys:list', foreign, {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(gateway.invoked).toHaveLength(1);
  });

  it('forwards gateway events to the window', async () => {
    await start();
    gateway.emit('keys:changed', { keyId: 'k1' });
    expect(sentOn('keys:changed')).toEqual([{ keyId: 'k1' }]);
  });

  it('notifies about failed and inbound faxes once each', async () => {
    await start();
    const failed = { id: 'j1', to: '+15551234567', toE164: '+15551234567', status: 'failed', error: 'Busy', pages: 1 };
    gateway.emit('job:updated', failed);
    gateway.emit('job:updated', failed);
    gateway.emit('job:updated', { ...failed, id: 'j2', status: 'delivered' });
    gateway.emit('inbound:received', { id: 'i1', from: '+15550000000', pages: 2 });
    expect(FakeNotification.shown).toEqual([
      { title: 'Fax to ****4567 failed', body: 'Busy' },
      { title: 'New fax received', body: 'From ****0000 · 2 pages' },
    ]);
  });

  it('shows gateway, tunnel and jobs in flight in the tray', async () => {
    await start();
    const tray = FakeTray.created[0] as FakeTray;
    expect(tray.menu.slice(0, 3).map((i) => i.label)).toEqual([
      'Gateway: up at http://127.0.0.1:45678',
      'Tunnel: off',
      'Jobs in flight: 0',
    ]);
    gateway.emit('gateway:status', { ...baseStatus, jobsInFlight: 2, tunnel: { state: 'up', url: 'https://a.loca.lt', error: null } });
    expect(tray.menu.slice(1, 3).map((i) => i.label)).toEqual(['Tunnel: up (https://a.loca.lt)', 'Jobs in flight: 2']);
    expect(tray.tooltip).toBe('Faxbot Desktop: 2 in flight, 0 unread');
    tray.menu.find((i) => i.label === 'Stop Tunnel')?.click?.();
    expect(gateway.invoked.at(-1)).toEqual({ method: 'tunnel:stop', input: {} });
  });

  it('sets an application menu whose links go through the allow-list', async () => {
    await start();
    const file = electron.applicationMenu?.find((m) => m.label === 'File');
    file?.submenu?.find((i) => i.label === 'Open in Web Browser')?.click?.();
    const help = electron.applicationMenu?.find((m) => m.label === 'Help');
    help?.submenu?.find((i) => i.label === 'Report an Issue')?.click?.();
    await vi.waitFor(() => expect(electron.shell.opened).toHaveLength(2));
    expect(electron.shell.opened).toEqual(['http://127.0.0.1:45678/ui/login?code=abc', 'https://github.com/DMontgomery40/Faxbot/issues']);
  });

  it('adds a file from the launch argv as a print job, and opens Send once the window listens', async () => {
    await start({ argv: ['/opt/faxbot/faxbot', 'letter.pdf'] });
    await vi.waitFor(() =>
      expect(gateway.invoked).toContainEqual({
        method: 'printJobs:add',
        input: { documents: [{ name: 'letter.pdf', contentBase64: PDF.toString('base64') }] },
      }),
    );
    expect(sentOn(OPEN_FILES_CHANNEL)).toEqual([]);
    electron.ipcMain.listeners.get(OPEN_FILES_READY_CHANNEL)?.({ senderFrame: appFrame() });
    await vi.waitFor(() => expect(sentOn(OPEN_FILES_CHANNEL)).toEqual([[]]));
  });

  it('takes files from a second launch and from open-file, and ignores readiness from a foreign frame', async () => {
    await start();
    electron.ipcMain.listeners.get(OPEN_FILES_READY_CHANNEL)?.({ senderFrame: { url: 'https://evil.example/', parent: null } });
    electron.app.emit('second-instance', new FakeEvent(), ['/opt/faxbot/faxbot', '--some-chromium-switch', 'letter.pdf'], dir);
    const openFile = new FakeEvent();
    electron.app.emit('open-file', openFile, join(dir, 'letter.pdf'));
    expect(openFile.defaultPrevented).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sentOn(OPEN_FILES_CHANNEL)).toEqual([]);
    electron.ipcMain.listeners.get(OPEN_FILES_READY_CHANNEL)?.({ senderFrame: appFrame() });
    await vi.waitFor(() => expect(sentOn(OPEN_FILES_CHANNEL)).toHaveLength(2));
    expect(gateway.invoked.filter((call) => call.method === 'printJobs:add')).toHaveLength(2);
  });

  it('holds files again after the page reloads, until it re-subscribes', async () => {
    await start();
    const ready = () => electron.ipcMain.listeners.get(OPEN_FILES_READY_CHANNEL)?.({ senderFrame: appFrame() });
    ready();
    mainWindow().webContents.emit('did-navigate');
    electron.app.emit('second-instance', new FakeEvent(), ['/opt/faxbot/faxbot', 'letter.pdf'], dir);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sentOn(OPEN_FILES_CHANNEL)).toEqual([]);
    ready();
    expect(sentOn(OPEN_FILES_CHANNEL)).toHaveLength(1);
  });

  it('names its AppUserModelID on Windows so notifications show', async () => {
    await start({ platform: 'win32' });
    expect(electron.app.appUserModelId).toBe(APP_USER_MODEL_ID);
  });

  it('tells the user about a refused file instead of attaching it', async () => {
    writeFileSync(join(dir, 'big.pdf'), Buffer.concat([PDF, Buffer.alloc(2 * 1024 * 1024)]));
    await start();
    electron.app.emit('second-instance', new FakeEvent(), ['/opt/faxbot/faxbot', 'big.pdf'], dir);
    await vi.waitFor(() =>
      expect(FakeNotification.shown).toEqual([{ title: 'Could not open document', body: 'big.pdf is larger than 1 MB' }]),
    );
  });

  it('hides to the tray when the window is closed', async () => {
    await start();
    const close = new FakeEvent();
    mainWindow().emit('close', close);
    expect(close.defaultPrevented).toBe(true);
    expect(mainWindow().visible).toBe(false);
    electron.app.emit('second-instance', new FakeEvent(), ['/opt/faxbot/faxbot'], dir);
    expect(mainWindow().visible).toBe(true);
  });

  it('without a tray (some Linux desktops), closing the window closes it and quits, after closing the gateway', async () => {
    electron.Tray = class {
      constructor() {
        throw new Error('no status notifier host');
      }
    } as unknown as typeof electron.Tray;
    const desktop = await start();
    expect(warnings.some((w) => w.startsWith('[tray] unavailable'))).toBe(true);
    const close = new FakeEvent();
    mainWindow().emit('close', close);
    expect(close.defaultPrevented).toBe(false);
    electron.app.emit('window-all-closed');
    await desktop.stopped;
    expect(gateway.closeCalls).toBe(1);
  });

  it('on quit, waits for the gateway to finish in-flight work before quitting', async () => {
    const desktop = await start();
    gateway.closeBehaviour = 'manual';
    let quit = false;
    electron.app.on('quit', () => (quit = true));
    electron.app.quit();
    expect(quit).toBe(false);
    expect(gateway.closeCalls).toBe(1);
    expect((FakeTray.created[0] as FakeTray).menu[0]?.label).toBe('Gateway: finishing work and stopping…');
    electron.app.quit();
    expect(gateway.closeCalls).toBe(1);
    const close = new FakeEvent();
    mainWindow().emit('close', close);
    expect(close.defaultPrevented).toBe(false);
    gateway.finishClose();
    await desktop.stopped;
    expect(quit).toBe(true);
    expect((FakeTray.created[0] as FakeTray).destroyed).toBe(true);
  });

  it('quits after the grace period if the gateway never finishes (leases expire and are reconciled on restart)', async () => {
    const desktop = await start();
    gateway.closeBehaviour = 'hang';
    let quit = false;
    electron.app.on('quit', () => (quit = true));
    electron.app.quit();
    await desktop.stopped;
    expect(quit).toBe(true);
  });

  it('reports a gateway that cannot start and exits', async () => {
    const showErrorBox = vi.fn();
    electron.dialog.showErrorBox = showErrorBox;
    const started = startDesktopApp(
      deps({
        createGateway: async () => {
          throw new Error('port 8080 is in use');
        },
      }),
    );
    electron.app.fireReady();
    expect(await started).toBeNull();
    expect(showErrorBox).toHaveBeenCalledWith('Faxbot Desktop could not start', 'port 8080 is in use');
    expect(electron.app.exitCode).toBe(1);
    expect(FakeBrowserWindow.created).toHaveLength(0);
  });
});
