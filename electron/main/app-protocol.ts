import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './app-url';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.bcmap': 'application/octet-stream',
  '.pfb': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
};

export type ResolvedPath = { ok: true; relativePath: string } | { ok: false; status: 400 | 404 };

/**
 * Maps an app:// URL to a path relative to the build directory, or refuses it. Each segment is
 * decoded on its own so `%2F`, `%5C`, `%00` and encoded dot-segments cannot climb out; `/` and
 * extension-less paths (client-side routes) serve index.html.
 */
export function resolveAppPath(requestUrl: string): ResolvedPath {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 400 };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.hostname !== APP_HOST || url.port !== '' || url.username !== '') {
    return { ok: false, status: 404 };
  }
  const segments: string[] = [];
  for (const raw of url.pathname.split('/').filter((s) => s !== '')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { ok: false, status: 400 };
    }
    if (segment === '.' || segment === '..' || /[\\/\u0000-\u001f:]/.test(segment)) return { ok: false, status: 400 };
    segments.push(segment);
  }
  const last = segments.at(-1);
  if (last === undefined || extname(last) === '') return { ok: true, relativePath: 'index.html' };
  return { ok: true, relativePath: segments.join('/') };
}

export interface AppProtocolOptions {
  /** The renderer build directory (vite's output). */
  rootDir: string;
  /** Sent on every response; see csp.ts. */
  csp: string;
}

function refusal(status: number, csp: string): Response {
  return new Response(null, { status, headers: { 'Content-Security-Policy': csp } });
}

/**
 * The `protocol.handle('app', …)` handler: GET only, files confined to the build directory (after
 * resolving symlinks), strict headers on every answer.
 */
export function createAppProtocolHandler(options: AppProtocolOptions): (request: Request) => Promise<Response> {
  const root = resolve(options.rootDir);
  return async (request) => {
    if (request.method !== 'GET') return refusal(405, options.csp);
    const resolved = resolveAppPath(request.url);
    if (!resolved.ok) return refusal(resolved.status, options.csp);
    const candidate = resolve(join(root, resolved.relativePath));
    if (!candidate.startsWith(root + sep)) return refusal(403, options.csp);
    let file: string;
    try {
      file = await realpath(candidate);
      const rootReal = await realpath(root);
      if (!file.startsWith(rootReal + sep) || !(await stat(file)).isFile()) return refusal(404, options.csp);
    } catch {
      return refusal(404, options.csp);
    }
    const body = await readFile(file);
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: {
        'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Security-Policy': options.csp,
        'X-Content-Type-Options': 'nosniff',
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Resource-Policy': 'same-origin',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-cache',
      },
    });
  };
}
