import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

/**
 * The one policy for serving the built UI, used by both doors: the Electron window's app://
 * handler (electron/main/app-protocol.ts) and the headless gateway's static routes
 * (static-routes.ts). Same CSP, same MIME table, same path guard, same headers.
 */

/**
 * The UI's Content-Security-Policy. Scripts and styles only from the build; 'wasm-unsafe-eval' lets
 * pdf.js compile its image decoders (it does not allow JS eval). `gatewayUrl` is the gateway the
 * window talks to (previews, media links); null when the gateway itself serves the UI ('self').
 */
export function uiContentSecurityPolicy(gatewayUrl: string | null): string {
  let gatewayOrigin = "'self'";
  if (gatewayUrl !== null) {
    const gateway = new URL(gatewayUrl);
    if (gateway.protocol !== 'http:' && gateway.protocol !== 'https:') throw new Error('gateway URL must be http(s)');
    // URL.origin is scheme://host[:port]: no spaces, quotes or semicolons can reach the policy.
    gatewayOrigin = gateway.origin;
  }
  const withSelf = gatewayUrl === null ? "'self'" : `'self' ${gatewayOrigin}`;
  return [
    `default-src 'none'`,
    `script-src 'self' 'wasm-unsafe-eval'`,
    `style-src 'self'`,
    `img-src ${withSelf} data: blob:`,
    `font-src 'self' data:`,
    `connect-src ${withSelf}`,
    `frame-src ${gatewayOrigin}`,
    `worker-src 'self' blob:`,
    `media-src 'none'`,
    `object-src 'none'`,
    `base-uri 'none'`,
    `form-action 'none'`,
    `frame-ancestors 'none'`,
  ].join('; ');
}

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

export function uiContentType(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** Headers on every UI answer, refusals included. */
export function uiHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
}

export type UiPath = { ok: true; relativePath: string } | { ok: false; status: 400 | 404 };

/**
 * The path guard: maps a URL path (still percent-encoded, no query) to a path relative to the build,
 * or refuses it. Each segment is decoded on its own so `%2F`, `%5C`, `%00` and encoded dot-segments
 * cannot climb out; `/` and extension-less paths (client-side routes) serve index.html.
 */
export function resolveUiPath(pathname: string): UiPath {
  const segments: string[] = [];
  for (const raw of pathname.split('/').filter((s) => s !== '')) {
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

/** Reads a guarded path from the build, following symlinks only if they stay inside it; null when absent. */
export async function readUiFile(rootDir: string, relativePath: string): Promise<{ body: Buffer; type: string } | null> {
  const root = resolve(rootDir);
  const candidate = resolve(join(root, relativePath));
  if (!candidate.startsWith(root + sep)) return null;
  try {
    const [file, rootReal] = await Promise.all([realpath(candidate), realpath(root)]);
    if (!file.startsWith(rootReal + sep) || !(await stat(file)).isFile()) return null;
    return { body: await readFile(file), type: uiContentType(file) };
  } catch {
    return null;
  }
}
