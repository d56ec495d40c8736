import { isAllowedExternalUrl } from './app-url';
import type { SessionLike, ShellLike, WebContentsLike } from './electron-api';
import { isPermissionGranted } from './permission-policy';

/** Permission requests and checks go through one deny-by-default policy; device pickers are always refused. */
export function hardenSession(session: SessionLike): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionGranted(permission, details.requestingUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isPermissionGranted(permission, requestingOrigin));
  session.setDevicePermissionHandler(() => false);
}

/**
 * Applied to every webContents the app creates: no navigation away from the UI, no new windows, no
 * <webview>; a link that would navigate or open a window goes to the system browser only if
 * allow-listed.
 * `externalOrigins` is read per call because the gateway's port is known only after it starts.
 */
export function hardenWebContents(
  contents: WebContentsLike,
  shell: ShellLike,
  externalOrigins: () => readonly string[],
  onRefused: (what: string) => void,
): void {
  const openOutside = (url: string, what: string) => {
    if (isAllowedExternalUrl(url, externalOrigins())) shell.openExternal(url).catch(() => onRefused('openExternal'));
    else onRefused(what);
  };
  const block = (what: string) => (event: { preventDefault(): void }, url: string) => {
    event.preventDefault();
    openOutside(url, what);
  };
  contents.on('will-navigate', block('navigation'));
  contents.on('will-redirect', block('redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    onRefused('webview');
  });
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url, 'window.open');
    return { action: 'deny' };
  });
}
