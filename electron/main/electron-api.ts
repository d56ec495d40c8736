/**
 * The subset of Electron's main-process API this app uses, typed structurally. Electron's own
 * typings ship only with its binary (which cannot be installed on every machine), and typing the
 * boundary ourselves is what lets tests pass fakes for every module. Checked against
 * electron@41.7.1's electron.d.ts.
 */
import type { SafeStorageLike } from '../gateway/secrets/safe-storage';

export interface ElectronEvent {
  preventDefault(): void;
}

export interface WebFrameLike {
  readonly url: string;
  readonly parent: WebFrameLike | null;
}

export interface IpcMainEventLike {
  readonly senderFrame: WebFrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainEventLike, ...args: unknown[]) => unknown): void;
  on(channel: string, listener: (event: IpcMainEventLike, ...args: unknown[]) => void): unknown;
}

export interface WindowOpenDetails {
  url: string;
}

export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  setWindowOpenHandler(handler: (details: WindowOpenDetails) => { action: 'deny' }): void;
  on(event: 'will-navigate' | 'will-redirect', listener: (event: ElectronEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: ElectronEvent) => void): unknown;
  on(event: 'did-navigate', listener: () => void): unknown;
}

export interface BrowserWindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  backgroundColor: string;
  icon?: string;
  webPreferences: {
    preload: string;
    sandbox: boolean;
    contextIsolation: boolean;
    nodeIntegration: boolean;
    nodeIntegrationInWorker: boolean;
    nodeIntegrationInSubFrames: boolean;
    webSecurity: boolean;
    allowRunningInsecureContent: boolean;
    webviewTag: boolean;
    experimentalFeatures: boolean;
    disableBlinkFeatures: string;
    navigateOnDragDrop: boolean;
    safeDialogs: boolean;
    spellcheck: boolean;
  };
}

export interface BrowserWindowLike {
  readonly webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  show(): void;
  hide(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'close', listener: (event: ElectronEvent) => void): unknown;
}

export type BrowserWindowCtor = new (options: BrowserWindowOptions) => BrowserWindowLike;

export interface AppLike {
  readonly isPackaged: boolean;
  getPath(name: 'userData'): string;
  setPath(name: 'userData', path: string): void;
  getAppPath(): string;
  getVersion(): string;
  requestSingleInstanceLock(): boolean;
  setAppUserModelId(id: string): void;
  whenReady(): Promise<void>;
  quit(): void;
  exit(exitCode?: number): void;
  on(event: 'second-instance', listener: (event: ElectronEvent, argv: string[], workingDirectory: string) => void): unknown;
  on(event: 'open-file', listener: (event: ElectronEvent, path: string) => void): unknown;
  on(event: 'before-quit', listener: (event: ElectronEvent) => void): unknown;
  on(event: 'web-contents-created', listener: (event: ElectronEvent, contents: WebContentsLike) => void): unknown;
  on(event: 'activate' | 'window-all-closed', listener: () => void): unknown;
}

export interface PermissionRequestHandler {
  (webContents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }): void;
}

export interface SessionLike {
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void;
  setPermissionCheckHandler(handler: ((webContents: unknown, permission: string, requestingOrigin: string) => boolean) | null): void;
  setDevicePermissionHandler(handler: ((details: unknown) => boolean) | null): void;
}

export interface CustomSchemeLike {
  scheme: string;
  privileges: { standard: boolean; secure: boolean; supportFetchAPI: boolean; stream: boolean };
}

export interface ProtocolLike {
  registerSchemesAsPrivileged(schemes: CustomSchemeLike[]): void;
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void;
}

export interface ShellLike {
  openExternal(url: string): Promise<void>;
}

export interface DialogLike {
  showErrorBox(title: string, content: string): void;
  showOpenDialog(options: {
    title: string;
    properties: ('openFile' | 'multiSelections')[];
    filters: { name: string; extensions: string[] }[];
  }): Promise<{ canceled: boolean; filePaths: string[] }>;
}

export type MenuRole =
  | 'about'
  | 'services'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'quit'
  | 'close'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'selectAll'
  | 'reload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'minimize'
  | 'zoom'
  | 'front'
  | 'appMenu'
  | 'windowMenu';

export interface MenuItemOptions {
  label?: string;
  role?: MenuRole;
  type?: 'normal' | 'separator' | 'submenu';
  accelerator?: string;
  enabled?: boolean;
  click?: () => void;
  submenu?: MenuItemOptions[];
}

export interface MenuLike {
  readonly items: unknown[];
}

export interface MenuStatic {
  buildFromTemplate(template: MenuItemOptions[]): MenuLike;
  setApplicationMenu(menu: MenuLike | null): void;
}

export interface TrayLike {
  setToolTip(toolTip: string): void;
  setContextMenu(menu: MenuLike | null): void;
  setTitle(title: string): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

/** Takes an image path; a name ending in `Template` makes it a macOS template image. */
export type TrayCtor = new (image: string) => TrayLike;

export interface NotificationLike {
  show(): void;
  on(event: 'click', listener: () => void): unknown;
}

export interface NotificationCtor {
  new (options: { title: string; body: string; icon?: string; silent?: boolean }): NotificationLike;
  isSupported(): boolean;
}

export interface ElectronSafeStorage extends SafeStorageLike {
  /** Linux only in practice; 'basic_text' means a hard-coded key, i.e. no real protection. */
  getSelectedStorageBackend(): string;
}

/** Everything the composition root takes from `require('electron')`. */
export interface ElectronMain {
  app: AppLike;
  BrowserWindow: BrowserWindowCtor;
  ipcMain: IpcMainLike;
  protocol: ProtocolLike;
  session: { defaultSession: SessionLike };
  shell: ShellLike;
  dialog: DialogLike;
  Menu: MenuStatic;
  Tray: TrayCtor;
  Notification: NotificationCtor;
  safeStorage: ElectronSafeStorage;
}

/** The subset of electron-updater's `autoUpdater` we wire. */
export interface AutoUpdaterLike {
  checkForUpdatesAndNotify(): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}
