import { isAppUrl } from './app-url';

/** Permissions the UI may get: copying a freshly created API key to the clipboard. Nothing else. */
const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** Deny by default: unknown permissions, unknown origins and missing origins are all refused. */
export function isPermissionGranted(permission: string, requestingUrl: string | undefined): boolean {
  return GRANTED_PERMISSIONS.has(permission) && requestingUrl !== undefined && isAppUrl(requestingUrl);
}
