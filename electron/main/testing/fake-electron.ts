import { EventEmitter } from 'node:events';
import type {
  BrowserWindowOptions,
  CustomSchemeLike,
  ElectronMain,
  ElectronSafeStorage,
  IpcMainEventLike,
  MenuItemOptions,
  PermissionRequestHandler,
  WebFrameLike,
  WindowOpenDetails,
} from '../electron-api';

/**
 * Electron's main-process API faked at the boundary: plain objects that record what the app asked
 * for and let a test fire the events Electron would. Used only by tests.
 */
export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export class FakeWebContents extends EventEmitter {
  sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler: ((details: WindowOpenDetails) => { action: 'deny' }) | null = null;
  destroyed = false;
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: WindowOpenDetails) => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static created: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loaded: string[] = [];
  visible = false;
  destroyed = false;
  constructor(readonly options: BrowserWindowOptions) {
    super();
    FakeBrowserWindow.created.push(this);
  }
  async loadURL(url: string): Promise<void> {
    this.loaded.push(url);
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {}
  restore(): void {}
  isMinimized(): boolean {
    return false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export class FakeIpcMain {
  handlers = new Map<string, (event: IpcMainEventLike, ...args: unknown[]) => unknown>();
  listeners = new Map<string, (event: IpcMainEventLike, ...args: unknown[]) => void>();
  handle(channel: string, listener: (event: IpcMainEventLike, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  on(channel: string, listener: (event: IpcMainEventLike, ...args: unknown[]) => void): this {
    this.listeners.set(channel, listener);
    return this;
  }
  /** Calls a handler the way ipcRenderer.invoke from `frame` would. */
  invoke(channel: string, frame: WebFrameLike | null, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) return Promise.reject(new Error(`No handler registered for '${channel}'`));
    return Promise.resolve(handler({ senderFrame: frame }, ...args));
  }
}

export const appFrame = (path = '/index.html'): WebFrameLike => ({ url: `app://faxbot${path}`, parent: null });

export class FakeSession {
  requestHandler: PermissionRequestHandler | null = null;
  checkHandler: ((webContents: unknown, permission: string, requestingOrigin: string) => boolean) | null = null;
  deviceHandler: ((details: unknown) => boolean) | null = null;
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: ((webContents: unknown, permission: string, requestingOrigin: string) => boolean) | null): void {
    this.checkHandler = handler;
  }
  setDevicePermissionHandler(handler: ((details: unknown) => boolean) | null): void {
    this.deviceHandler = handler;
  }
}

export class FakeTray extends EventEmitter {
  static created: FakeTray[] = [];
  tooltip = '';
  title = '';
  menu: MenuItemOptions[] = [];
  destroyed = false;
  constructor(readonly image: string) {
    super();
    FakeTray.created.push(this);
  }
  setToolTip(tooltip: string): void {
    this.tooltip = tooltip;
  }
  setTitle(title: string): void {
    this.title = title;
  }
  setContextMenu(menu: { items: unknown[] } | null): void {
    this.menu = (menu?.items ?? []) as MenuItemOptions[];
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export class FakeNotification extends EventEmitter {
  static shown: { title: string; body: string }[] = [];
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  static isSupported(): boolean {
    return true;
  }
  show(): void {
    FakeNotification.shown.push({ title: this.options.title, body: this.options.body });
  }
}

export class FakeApp extends EventEmitter {
  isPackaged = true;
  paths = new Map<string, string>();
  lockAvailable = true;
  quitCalls = 0;
  exitCode: number | null = null;
  private readyResolve: () => void = () => undefined;
  private readonly ready = new Promise<void>((resolve) => (this.readyResolve = resolve));
  constructor(userData: string) {
    super();
    this.paths.set('userData', userData);
  }
  getPath(name: 'userData'): string {
    return this.paths.get(name) as string;
  }
  setPath(name: 'userData', path: string): void {
    this.paths.set(name, path);
  }
  getAppPath(): string {
    return '/app';
  }
  getVersion(): string {
    return '0.1.0';
  }
  requestSingleInstanceLock(): boolean {
    return this.lockAvailable;
  }
  appUserModelId: string | null = null;
  setAppUserModelId(id: string): void {
    this.appUserModelId = id;
  }
  whenReady(): Promise<void> {
    return this.ready;
  }
  fireReady(): void {
    this.readyResolve();
  }
  /** Like Electron: emits before-quit, and quits only if nobody prevented it. */
  quit(): void {
    this.quitCalls += 1;
    const event = new FakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.emit('quit');
  }
  exit(code = 0): void {
    this.exitCode = code;
  }
}

export interface FakeElectron extends ElectronMain {
  app: FakeApp;
  ipcMain: FakeIpcMain;
  session: { defaultSession: FakeSession };
  protocol: ElectronMain['protocol'] & {
    privileged: CustomSchemeLike[];
    handlers: Map<string, (request: Request) => Promise<Response>>;
  };
  shell: ElectronMain['shell'] & { opened: string[] };
  applicationMenu: MenuItemOptions[] | null;
}

export function fakeSafeStorage(available = true, backend = 'gnome_libsecret'): ElectronSafeStorage {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (plain) => Buffer.from(`enc:${Buffer.from(plain).toString('hex')}`),
    decryptString: (blob) => Buffer.from(blob.toString().slice(4), 'hex').toString(),
  };
}

export function fakeElectron(userData: string): FakeElectron {
  FakeBrowserWindow.created = [];
  FakeTray.created = [];
  FakeNotification.shown = [];
  const privileged: CustomSchemeLike[] = [];
  const handlers = new Map<string, (request: Request) => Promise<Response>>();
  const opened: string[] = [];
  const fake: FakeElectron = {
    app: new FakeApp(userData),
    BrowserWindow: FakeBrowserWindow,
    ipcMain: new FakeIpcMain(),
    protocol: {
      privileged,
      handlers,
      registerSchemesAsPrivileged: (schemes) => void privileged.push(...schemes),
      handle: (scheme, handler) => void handlers.set(scheme, handler),
    },
    session: { defaultSession: new FakeSession() },
    shell: { opened, openExternal: async (url) => void opened.push(url) },
    dialog: {
      showErrorBox: () => undefined,
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
    },
    Menu: {
      buildFromTemplate: (template) => ({ items: template }),
      setApplicationMenu: (menu) => {
        fake.applicationMenu = (menu?.items ?? null) as MenuItemOptions[] | null;
      },
    },
    Tray: FakeTray,
    Notification: FakeNotification,
    safeStorage: fakeSafeStorage(),
    applicationMenu: null,
  };
  return fake;
}
