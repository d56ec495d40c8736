import type { MenuItemOptions } from './electron-api';

export interface MenuActions {
  newFax(): void;
  openDocument(): void;
  openInBrowser(): void;
  openDocs(): void;
  reportIssue(): void;
  showWindow(): void;
  quit(): void;
}

export const DOCS_URL = 'https://github.com/DMontgomery40/Faxbot';
export const ISSUES_URL = 'https://github.com/DMontgomery40/Faxbot/issues';

/** The application menu. Developer tools appear only in unpackaged builds. */
export function applicationMenu(platform: NodeJS.Platform, actions: MenuActions, isPackaged: boolean): MenuItemOptions[] {
  const mac = platform === 'darwin';
  const view: MenuItemOptions[] = [
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  if (!isPackaged) view.unshift({ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' });
  return [
    ...(mac ? [{ role: 'appMenu' } as const] : []),
    {
      label: 'File',
      submenu: [
        { label: 'New Fax', accelerator: 'CmdOrCtrl+N', click: actions.newFax },
        { label: 'Open Document…', accelerator: 'CmdOrCtrl+O', click: actions.openDocument },
        { type: 'separator' },
        { label: 'Open in Web Browser', click: actions.openInBrowser },
        { type: 'separator' },
        mac ? { role: 'close' } : { label: 'Quit', accelerator: 'Ctrl+Q', click: actions.quit },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
    {
      label: 'Help',
      submenu: [
        { label: 'Faxbot Documentation', click: actions.openDocs },
        { label: 'Report an Issue', click: actions.reportIssue },
      ],
    },
  ];
}

/** The tray menu: status rows (disabled), then the few things worth doing from the tray. */
export function trayMenu(
  statusLines: readonly string[],
  tunnelUp: boolean,
  actions: MenuActions & { toggleTunnel(): void },
): MenuItemOptions[] {
  return [
    ...statusLines.map((label): MenuItemOptions => ({ label, enabled: false })),
    { type: 'separator' },
    { label: 'Open Faxbot Desktop', click: actions.showWindow },
    { label: 'New Fax', click: actions.newFax },
    { label: tunnelUp ? 'Stop Tunnel' : 'Start Tunnel', click: actions.toggleTunnel },
    { type: 'separator' },
    { label: 'Quit Faxbot Desktop', click: actions.quit },
  ];
}
