import { join, resolve } from 'node:path';
import { EVENT_NAMES, type EventName, type EventPayloads } from '../../shared/contract';
import type { Settings } from '../../shared/settings';
import type { GatewayStatus, SettingsView } from '../../shared/types';
import { createAppProtocolHandler } from './app-protocol';
import { APP_ENTRY_URL, APP_SCHEME, isAllowedExternalUrl } from './app-url';
import { OPEN_FILES_CHANNEL, OPEN_FILES_READY_CHANNEL } from './channels';
import { contentSecurityPolicy } from './csp';
import type { AutoUpdaterLike, BrowserWindowLike, ElectronMain, TrayLike } from './electron-api';
import { defaultPrintDir } from '../gateway/print/spool';
import { filePathsFromArgv, OpenFilesQueue, readIntakeFiles } from './file-intake';
import type { GatewayFactory, GatewayHandle } from './gateway-handle';
import { isTrustedSenderFrame, registerIpcGate } from './ipc-gate.main';
import { applicationMenu, DOCS_URL, ISSUES_URL, trayMenu, type MenuActions } from './menu';
import { FaxNotifier, type NotificationContent } from './notifications';
import { createElectronSecretStore } from './secret-store.main';
import { hardenSession, hardenWebContents } from './security.main';
import { createElectronSettingsStore, type ElectronStoreCtor } from './settings-store.main';
import { trayView, type GatewayPhase } from './tray-status';
import { wireAutoUpdates } from './updater.main';
import { createMainWindow } from './window.main';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface DesktopDeps {
  electron: ElectronMain;
  createGateway: GatewayFactory;
  ElectronStore: ElectronStoreCtor;
  /** Lazy: electron-updater sets itself up on first access, which only packaged builds should do. */
  autoUpdater: () => AutoUpdaterLike;
  paths: { preload: string; renderer: string; windowIcon: string; trayIcon: string };
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

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/**
 * The composition root. Everything that must happen before `ready` (single-instance lock, the app://
 * scheme's privileges, open-file/second-instance listeners, web-contents hardening) happens
 * synchronously on call; the rest after `ready`. Returns null when another instance owns the lock
 * (our argv has then been handed to it) or the gateway could not start.
 */
export async function startDesktopApp(deps: DesktopDeps): Promise<DesktopApp | null> {
  const { electron, env, log, platform } = deps;
  const { app, protocol, shell } = electron;

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
  const notifier = new FaxNotifier(() => settings?.ui.notifyOnDelivered ?? false);
  const argvSkip = app.isPackaged ? 1 : 2;
  let settings: Settings | null = null;
  let gateway: GatewayHandle | null = null;
  let externalOrigins: string[] = [];
  let win: BrowserWindowLike | null = null;
  let tray: TrayLike | null = null;
  let phase: GatewayPhase = 'starting';
  let status: GatewayStatus | null = null;
  let quitting = false;
  let stopUpdates = (): void => undefined;
  // Electron drops click handlers of notifications that were garbage-collected; keep the last few alive.
  const liveNotifications: unknown[] = [];

  const notify = (content: NotificationContent) => {
    if (!electron.Notification.isSupported()) return;
    const notification = new electron.Notification({ title: content.title, body: content.body, icon: deps.paths.windowIcon });
    notification.on('click', showWindow);
    notification.show();
    liveNotifications.push(notification);
    if (liveNotifications.length > 10) liveNotifications.shift();
  };

  function showWindow(): void {
    if (phase !== 'running') return;
    if (win === null || win.isDestroyed()) win = openWindow();
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  function openWindow(): BrowserWindowLike {
    const created = createMainWindow(electron.BrowserWindow, { preload: deps.paths.preload, icon: deps.paths.windowIcon });
    created.on('close', (event) => {
      // Closing the window keeps the gateway running in the tray: it still receives faxes and serves scripts.
      if (!quitting && tray !== null) {
        event.preventDefault();
        created.hide();
      }
    });
    // A main-frame navigation (a reload) drops the page's listeners until it subscribes again.
    created.webContents.on('did-navigate', () => queue.deaf());
    created.loadURL(APP_ENTRY_URL).catch((error: unknown) => log.error(`[window] UI failed to load: ${errorName(error)}`));
    return created;
  }

  const openExternal = (url: string) => {
    if (isAllowedExternalUrl(url, externalOrigins)) void shell.openExternal(url).catch(() => log.warn('[shell] openExternal failed'));
    else log.warn('[security] refused openExternal');
  };

  let gatewayStarted: (started: GatewayHandle) => void = () => undefined;
  const gatewayReady = new Promise<GatewayHandle>((resolve) => (gatewayStarted = resolve));

  const intake = async (paths: readonly string[]) => {
    if (paths.length === 0) return;
    const maxBytes = (settings?.maxFileSizeMb ?? 10) * MB;
    const { files, rejected } = await readIntakeFiles(paths, maxBytes);
    log.info(`[intake] ${files.length} accepted, ${rejected.length} refused`);
    await ready;
    for (const { name, reason } of rejected) notify({ title: 'Could not open document', body: `${name} ${reason}` });
    if (files.length > 0) {
      // One intake with the printer and the hot folder: the documents wait as print jobs (on Send,
      // and in GET /print-jobs) until a person adds a number; a window reload cannot lose them.
      const added = await (await gatewayReady).invoke('printJobs:add', { documents: files });
      if (!added.ok) notify({ title: 'Could not open document', body: added.error.message });
    }
    showWindow();
    // An empty batch opens Send, where the waiting documents are listed.
    queue.push([]);
  };

  const actions: MenuActions & { toggleTunnel(): void } = {
    newFax: () => {
      showWindow();
      // An empty batch asks the UI to open Send with nothing attached.
      queue.push([]);
    },
    openDocument: () => {
      void electron.dialog
        .showOpenDialog({
          title: 'Choose documents to fax',
          properties: ['openFile', 'multiSelections'],
          filters: [{ name: 'Documents', extensions: ['pdf', 'txt'] }],
        })
        .then((result) => (result.canceled ? undefined : intake(result.filePaths)));
    },
    openInBrowser: () => {
      if (gateway) openExternal(gateway.uiLoginUrl());
    },
    openDocs: () => openExternal(DOCS_URL),
    reportIssue: () => openExternal(ISSUES_URL),
    showWindow,
    quit: () => app.quit(),
    toggleTunnel: () => {
      if (!gateway) return;
      void gateway.invoke(status?.tunnel.state === 'up' ? 'tunnel:stop' : 'tunnel:start', {}).then((result) => {
        if (!result.ok) notify({ title: 'Tunnel', body: result.error.message });
      });
    },
  };

  const updateTray = () => {
    if (tray === null) return;
    const view = trayView(phase, status);
    tray.setToolTip(view.tooltip);
    if (platform === 'darwin') tray.setTitle(view.title);
    tray.setContextMenu(electron.Menu.buildFromTemplate(trayMenu(view.lines, status?.tunnel.state === 'up', actions)));
  };

  app.on('open-file', (event, path) => {
    event.preventDefault();
    void intake([path]);
  });
  app.on('second-instance', (_event, argv, workingDirectory) => {
    showWindow();
    void intake(filePathsFromArgv(argv, { cwd: workingDirectory, skip: argvSkip }));
  });
  app.on('web-contents-created', (_event, contents) =>
    hardenWebContents(
      contents,
      shell,
      () => externalOrigins,
      (what) => log.warn(`[security] refused ${what}`),
    ),
  );
  app.on('activate', showWindow);
  app.on('window-all-closed', () => {
    if (tray === null) app.quit();
  });

  let stoppedResolve: () => void = () => undefined;
  const stopped = new Promise<void>((done) => (stoppedResolve = done));
  let shutdown: Promise<void> | null = null;
  let shutDown = false;
  app.on('before-quit', (event) => {
    quitting = true;
    if (shutDown) return;
    event.preventDefault();
    shutdown ??= (async () => {
      phase = 'stopping';
      updateTray();
      stopUpdates();
      if (gateway) {
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<void>((done) => (timer = setTimeout(done, deps.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS)));
        await Promise.race([gateway.close().catch((error: unknown) => log.error(`[shutdown] ${errorName(error)}`)), grace]);
        clearTimeout(timer);
      }
      tray?.destroy();
      tray = null;
      shutDown = true;
      app.quit();
      stoppedResolve();
    })();
  });

  void intake(filePathsFromArgv(deps.argv, { cwd: deps.cwd, skip: argvSkip }));

  await ready;
  hardenSession(electron.session.defaultSession);
  const userData = app.getPath('userData');
  try {
    gateway = await deps.createGateway({
      dataDir: join(userData, 'data'),
      env,
      secretStore: createElectronSecretStore(electron.safeStorage, userData, env, platform, log.warn),
      settingsStore: createElectronSettingsStore(deps.ElectronStore, userData),
      printDir: defaultPrintDir(env),
      desktop: deps.desktop,
    });
  } catch (error) {
    phase = 'failed';
    electron.dialog.showErrorBox('Faxbot Desktop could not start', error instanceof Error ? error.message : String(error));
    app.exit(1);
    return null;
  }
  const gw = gateway;
  gatewayStarted(gw);
  externalOrigins = [new URL(gw.url).origin];

  protocol.handle(APP_SCHEME, createAppProtocolHandler({ rootDir: deps.paths.renderer, csp: contentSecurityPolicy(gw.url) }));
  registerIpcGate(
    electron.ipcMain,
    (method, input) => gw.invoke(method, input),
    isTrustedSenderFrame,
    (method, error) => log.error(`[ipc] ${method} failed: ${errorName(error)}`),
  );
  electron.ipcMain.on(OPEN_FILES_READY_CHANNEL, (event) => {
    if (!isTrustedSenderFrame(event.senderFrame)) return;
    queue.listening((files) => {
      if (win && !win.isDestroyed()) win.webContents.send(OPEN_FILES_CHANNEL, files);
    });
  });

  const forward = <E extends EventName>(name: E) =>
    gw.events.on(name, (payload: EventPayloads[E]) => {
      if (win && !win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(name, payload);
    });
  for (const name of EVENT_NAMES) forward(name);

  const refreshSettings = async () => {
    const result = await gw.invoke('settings:get', {});
    if (result.ok) settings = (result.value as SettingsView).settings;
  };
  gw.events.on('settings:changed', () => void refreshSettings());
  gw.events.on('job:updated', (job) => {
    const content = notifier.forJob(job);
    if (content) notify(content);
  });
  gw.events.on('inbound:received', (fax) => {
    const content = notifier.forInbound(fax);
    if (content) notify(content);
  });
  gw.events.on('gateway:status', (next) => {
    status = next;
    updateTray();
  });

  try {
    tray = new electron.Tray(deps.paths.trayIcon);
    tray.on('click', showWindow);
  } catch (error) {
    log.warn(`[tray] unavailable (${errorName(error)}): closing the window will quit`);
  }
  electron.Menu.setApplicationMenu(electron.Menu.buildFromTemplate(applicationMenu(platform, actions, app.isPackaged)));

  phase = 'running';
  await refreshSettings();
  const initial = await gw.invoke('gateway:status', {});
  if (initial.ok) status = initial.value as GatewayStatus;
  updateTray();
  showWindow();
  stopUpdates = wireAutoUpdates(deps.autoUpdater, { isPackaged: app.isPackaged, env, warn: log.warn });
  log.info(`[app] gateway listening on ${gw.url}`);

  return { stopped };
}
