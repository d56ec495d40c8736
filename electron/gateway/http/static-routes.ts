import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

/** Same policy the Electron window uses; the UI needs only itself (blob: for pdf.js workers and previews). */
export const UI_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-src 'self' blob:; object-src 'none'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Resolves a URL path inside the build folder, or null if it would escape it. */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = resolve(join(root, decoded));
  return full === root || full.startsWith(root + sep) ? full : null;
}

/** Serves the built renderer at / in headless (browser) mode; unknown paths fall back to the app shell. */
export function registerStaticRoutes(app: FastifyInstance, rendererDir: string): void {
  const root = resolve(rendererDir);
  const send = async (path: string) => ({ body: await readFile(path), type: TYPES[extname(path)] ?? 'application/octet-stream' });
  app.get('/*', async (request, reply) => {
    const target = resolveInside(root, request.url);
    if (!target) return reply.code(404).send({ detail: 'Not Found' });
    let file;
    try {
      file = await send(target === root ? join(root, 'index.html') : target);
    } catch {
      if (extname(target)) return reply.code(404).send({ detail: 'Not Found' });
      try {
        file = await send(join(root, 'index.html'));
      } catch {
        return reply.code(404).send({ detail: 'The window has not been built yet: run npm run build:renderer' });
      }
    }
    return reply
      .type(file.type)
      .headers({
        'content-security-policy': UI_CSP,
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'cache-control': 'no-cache',
      })
      .send(file.body);
  });
}
