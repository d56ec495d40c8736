import { join, resolve } from 'node:path';
import { EVENT_NAMES, type EventName, type EventPayloads } from '../../shared/contract';
import type { Settings } from '../../shared/settings';
import type { GatewayStatus, SettingsView } from '../../shared/types';
import { uiContentSecurityPolicy } from '../gateway/http/ui-assets';
import { createAppProtocolHandler } from './app-protocol';
import { APP_SCHEME } from './app-url';
import type { AutoUpdaterLike, ElectronMain } from './electron-api';
import { ExternalLinks } from './external-links.main';
import { defaultPrintDir } from '../gateway/print/spool';
import { FAX_FILE_EXTENSIONS } from '../gateway/documents/sniff';
import { OpenFilesQueue } from './file-intake';
import type { GatewayFactory, GatewayHandle } from './gateway-handle';
import { isTrustedSenderFrame, registerIpcGate } from './ipc-gate.main';
import { errorName, type Logger } from './logger';
import { applicationMenu, DOCS_URL, ISSUES_URL, type MenuActions } from './menu';
import type { SqliteBinding } from './native-binding';
import { createElectronSecretStore } from './secret-store.main';
import { hardenSession, hardenWebContents } from './security.main';
import { createElectronSettingsStore, type ElectronStoreCtor } from './settings-store.main';
import { setupFileIntake } from './setup-file-intake.main';
import { setupNotifications } from './setup-notifications.main';
import { setupShutdown } from './setup-shutdown.main';
import { setupTray } from './setup-tray.main';
import { setupWindow } from './setup-window.main';
import { wireAutoUpdates } from './updater.main';

export type { Logger } from './logger';

export interface DesktopDeps {
  electron: ElectronMain;
  createGateway: GatewayFactory;
  ElectronStore: ElectronStoreCtor;
  /** Lazy: electron-updater sets itself up on first access, which only packaged builds should do. */
  autoUpdater: () => AutoUpdaterLike;
  paths: { preload: string; renderer: string; windowIcon: string; trayIcon: string };
  /** better-sqlite3's addon for this Electron (selectSqliteBinding in native-binding.ts). */
  sqliteBinding: SqliteBinding;
  argv: readonly string[];
  cwd: string;
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  log: Logger;
  /** For the Send To / PDF Services entries Settings can add (gateway print/desktop-routes.ts). */
  desktop?: { productName: string; appExecutable: string; printIntakeDir: string };
  /** How long quitting waits for the gateway to finish in-flight work; leases cover the rest. */
  shutdownGraceMs?: number;
}

export interface DesktopApp {
  /** Resolves once the gateway has closed (or the grace period ran out) and quit was handed to Electron. */
  stopped: Promise<void>;
}

/** electron-builder's appId: Windows shows notifications only for an app that names it. */
export const APP_USER_MODEL_ID = 'io.faxbot.desktop';

const MB = 1024 * 1024;
const DEFAULT_SHUTDOWN_GRACE_MS = 15_000;

/** The gateway's settings as last read, for the steps that follow them (file size cap, delivery notices). */
class LiveSettings {
  current: Settings | null = null;
  async refresh(gateway: GatewayHandle): Promise<void> {
    const result = await gateway.invoke('settings:get', {});
    if (result.ok) this.current = (result.value as SettingsView).settings;
  }
}

/**
 * The composition root, as ordered setup steps (each a module taking what it needs and owning its
 * own state): before `ready`, the single-instance lock, the app:// scheme, file intake listeners,
 * web-contents hardening and shutdown; after it, the gateway, then window, notifications, tray and
 * menus. Returns null when another instance owns the lock (our argv has then been handed to it) or
 * the gateway could not start.
 */
export async function startDesktopApp(deps: DesktopDeps): Promise<DesktopApp | null> {
  const { electron, env, log, platform } = deps;
  const { app, protocol } = electron;

  // Lets e2e runs and side-by-side profiles keep their own data and their own instance lock.
  if (env.FAXBOT_USER_DATA_DIR) app.setPath('userData', resolve(env.FAXBOT_USER_DATA_DIR));
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  if (platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);

  const ready = app.whenReady();
  const queue = new OpenFilesQueue();
  const settings = new LiveSettings();
  const links = new ExternalLinks(electron.shell, log);
  /** Set once, when the gateway is up: the one thing the steps learn later. */
  let running: { gateway: GatewayHandle; stopUpdates: () => void } | null = null;
  let gatewayStarted: (gateway: GatewayHandle) => void = () => undefined;
  const gatewayUp = new Promise<GatewayHandle>((resolve) => (gatewayStarted = resolve));

  const shutdown = setupShutdown({
    app,
    gateway: () => running?.gateway ?? null,
    graceMs: deps.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS,
    onStopping: () => {
      tray.setPhase('stopping');
      running?.stopUpdates();
    },
    onStopped: () => tray.destroy(),
    log,
  });
  const window = setupWindow({
    BrowserWindow: electron.BrowserWindow,
    paths: { preload: deps.paths.preload, icon: deps.paths.windowIcon },
    queue,
    hideOnClose: () => !shutdown.quitting() && tray.present,
    log,
  });
  const notifications = setupNotifications({ Notification: electron.Notification, icon: deps.paths.windowIcon, onClick: window.show });
  const fileIntake = setupFileIntake({
    app,
    queue,
    argv: deps.argv,
    cwd: deps.cwd,
    ready,
    maxBytes: () => (settings.current?.maxFileSizeMb ?? 10) * MB,
    hold: async (files) => {
      const added = await (await gatewayUp).invoke('printJobs:add', { documents: files });
      return added.ok ? null : added.error.message;
    },
    notify: notifications.notify,
    showWindow: window.show,
    log,
  });
  const actions: MenuActions & { toggleTunnel(): void } = {
    newFax: () => {
      window.show();
      // An empty batch asks the UI to open Send with nothing attached.
      queue.push([]);
    },
    openDocument: () => {
      void electron.dialog
        .showOpenDialog({
          title: 'Choose documents to fax',
          properties: ['openFile', 'multiSelections'],
          filters: [{ name: 'Documents and images', extensions: [...FAX_FILE_EXTENSIONS] }],
        })
        .then((result) => (result.canceled ? undefined : fileIntake.intake(result.filePaths)));
    },
    openInBrowser: () => {
      if (running) links.open(running.gateway.uiLoginUrl());
    },
    openDocs: () => links.open(DOCS_URL),
    reportIssue: () => links.open(ISSUES_URL),
    showWindow: window.show,
    quit: () => app.quit(),
    toggleTunnel: () => {
      if (!running) return;
      void running.gateway.invoke(tray.status?.tunnel.state === 'up' ? 'tunnel:stop' : 'tunnel:start', {}).then((result) => {
        if (!result.ok) notifications.notify({ title: 'Tunnel', body: result.error.message });
      });
    },
  };
  const tray = setupTray({ electron, platform, icon: deps.paths.trayIcon, actions, log });

  app.on('web-contents-created', (_event, contents) =>
    hardenWebContents(
      contents,
      electron.shell,
      () => links.origins(),
      (what) => log.warn(`[security] refused ${what}`),
    ),
  );
  app.on('activate', window.show);
  app.on('window-all-closed', () => {
    if (!tray.present) app.quit();
  });

  await ready;
  hardenSession(electron.session.defaultSession);
  const gateway = await startGateway(deps);
  if (gateway === null) {
    tray.setPhase('failed');
    return null;
  }
  gatewayStarted(gateway);
  links.allowOrigin(new URL(gateway.url).origin);
  protocol.handle(APP_SCHEME, createAppProtocolHandler({ rootDir: deps.paths.renderer, csp: uiContentSecurityPolicy(gateway.url) }));
  registerIpcGate(
    electron.ipcMain,
    (method, input) => gateway.invoke(method, input),
    isTrustedSenderFrame,
    (method, error) => log.error(`[ipc] ${method} failed: ${errorName(error)}`),
  );
  fileIntake.connectWindow(electron.ipcMain, window.send);
  const forward = <E extends EventName>(name: E) => gateway.events.on(name, (payload: EventPayloads[E]) => window.send(name, payload));
  for (const name of EVENT_NAMES) forward(name);
  gateway.events.on('settings:changed', () => void settings.refresh(gateway));
  notifications.watch(gateway.events, () => settings.current?.ui.notifyOnDelivered ?? false);
  gateway.events.on('gateway:status', (status) => tray.setStatus(status));

  tray.show();
  electron.Menu.setApplicationMenu(electron.Menu.buildFromTemplate(applicationMenu(platform, actions, app.isPackaged)));
  await settings.refresh(gateway);
  const initial = await gateway.invoke('gateway:status', {});
  if (initial.ok) tray.setStatus(initial.value as GatewayStatus);
  tray.setPhase('running');
  window.enable();
  window.show();
  running = { gateway, stopUpdates: wireAutoUpdates(deps.autoUpdater, { isPackaged: app.isPackaged, env, warn: log.warn }) };
  log.info(`[app] gateway listening on ${gateway.url}`);
  return { stopped: shutdown.stopped };
}

/** The in-process gateway with Electron's secret and settings stores and its own SQLite build; null (after telling the user) when it cannot start. */
async function startGateway(deps: DesktopDeps): Promise<GatewayHandle | null> {
  const { electron, env, log, platform } = deps;
  const fail = (message: string) => {
    electron.dialog.showErrorBox('Faxbot Desktop could not start', message);
    electron.app.exit(1);
    return null;
  };
  if (deps.sqliteBinding.kind === 'missing') {
    log.error(`[app] ${deps.sqliteBinding.message}`);
    return fail(deps.sqliteBinding.message);
  }
  const userData = electron.app.getPath('userData');
  try {
    return await deps.createGateway({
      dataDir: join(userData, 'data'),
      env,
      secretStore: createElectronSecretStore(electron.safeStorage, userData, env, platform, log.warn),
      settingsStore: createElectronSettingsStore(deps.ElectronStore, userData),
      ...(deps.sqliteBinding.kind === 'electron' ? { sqliteBinding: deps.sqliteBinding.path } : {}),
      // The window talks over IPC: a busy REST port must not keep it from opening.
      fallbackWhenPortBusy: true,
      printDir: defaultPrintDir(env),
      desktop: deps.desktop,
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}
