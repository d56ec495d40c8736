import { readUiFile, resolveUiPath, uiHeaders, type UiPath } from '../gateway/http/ui-assets';
import { APP_HOST, APP_SCHEME } from './app-url';

/** Maps an app:// URL to a path relative to the build directory (resolveUiPath), or refuses it. */
export function resolveAppPath(requestUrl: string): UiPath {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 400 };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.hostname !== APP_HOST || url.port !== '' || url.username !== '') {
    return { ok: false, status: 404 };
  }
  return resolveUiPath(url.pathname);
}

export interface AppProtocolOptions {
  /** The renderer build directory (vite's output). */
  rootDir: string;
  /** Sent on every response: uiContentSecurityPolicy(gateway URL). */
  csp: string;
}

/** The `protocol.handle('app', …)` handler: GET only, files confined to the build directory, strict headers on every answer. */
export function createAppProtocolHandler(options: AppProtocolOptions): (request: Request) => Promise<Response> {
  const headers = uiHeaders(options.csp);
  const refusal = (status: number) => new Response(null, { status, headers });
  return async (request) => {
    if (request.method !== 'GET') return refusal(405);
    const resolved = resolveAppPath(request.url);
    if (!resolved.ok) return refusal(resolved.status);
    const file = await readUiFile(options.rootDir, resolved.relativePath);
    if (!file) return refusal(404);
    return new Response(new Uint8Array(file.body), { status: 200, headers: { ...headers, 'Content-Type': file.type } });
  };
}
