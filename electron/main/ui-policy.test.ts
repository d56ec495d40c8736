import Fastify, { type FastifyInstance } from 'fastify';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler } from './app-protocol';
import { registerStaticRoutes, UI_CSP } from '../gateway/http/static-routes';
import { uiContentSecurityPolicy } from '../gateway/http/ui-assets';

let base: string;
let root: string;
let browser: FastifyInstance;
let windowDoor: (request: Request) => Promise<Response>;
const windowCsp = uiContentSecurityPolicy('http://127.0.0.1:8080');

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'faxbot-ui-'));
  root = join(base, 'dist');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>ui</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'decoder.wasm'), Buffer.from([0, 97, 115, 109]));
  writeFileSync(join(base, 'secret.txt'), 'outside the build');
  symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link.txt'));
  browser = Fastify();
  registerStaticRoutes(browser, root);
  await browser.ready();
  windowDoor = createAppProtocolHandler({ rootDir: root, csp: windowCsp });
});
afterAll(async () => {
  await browser.close();
  rmSync(base, { recursive: true, force: true });
});

/** The same request through both doors: the headless gateway's static routes and the window's app:// handler. */
async function both(
  path: string,
): Promise<{ browser: { status: number; type: string; body: string; headers: Record<string, unknown> }; window: Response }> {
  const response = await browser.inject({ method: 'GET', url: path });
  return {
    browser: {
      status: response.statusCode,
      type: String(response.headers['content-type']),
      body: response.body,
      headers: response.headers,
    },
    window: await windowDoor(new Request(`app://faxbot${path}`)),
  };
}

describe('one policy for the UI, whichever door serves it', () => {
  it('the same CSP, differing only in where the gateway is', () => {
    expect(windowCsp.replace('frame-src http://127.0.0.1:8080', "frame-src 'self'").replaceAll(' http://127.0.0.1:8080', '')).toBe(UI_CSP);
    for (const csp of [UI_CSP, windowCsp]) {
      expect(csp).toContain(`default-src 'none'`);
      expect(csp).toContain(`script-src 'self' 'wasm-unsafe-eval'`);
      expect(csp).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*/);
      expect(csp).toContain(`frame-ancestors 'none'`);
    }
  });

  it('the same files, MIME types and security headers', async () => {
    for (const [path, type] of [
      ['/assets/app.js', 'text/javascript; charset=utf-8'],
      ['/assets/decoder.wasm', 'application/wasm'],
      ['/', 'text/html; charset=utf-8'],
      ['/jobs/42', 'text/html; charset=utf-8'],
    ] as const) {
      const answer = await both(path);
      expect(answer.browser.status, path).toBe(200);
      expect(answer.window.status, path).toBe(200);
      expect(answer.browser.type).toBe(type);
      expect(answer.window.headers.get('content-type')).toBe(type);
      expect(answer.browser.body).toBe(await answer.window.text());
      expect(answer.browser.headers['content-security-policy']).toBe(UI_CSP);
      expect(answer.window.headers.get('content-security-policy')).toBe(windowCsp);
      for (const header of ['x-content-type-options', 'x-frame-options', 'cross-origin-opener-policy', 'referrer-policy']) {
        expect(answer.browser.headers[header], header).toBe(answer.window.headers.get(header));
      }
    }
  });

  it.each(['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%5c..%5csecret.txt', '/assets/link.txt', '/missing.js'])(
    'the same path guard: %s is refused by both',
    async (path) => {
      const answer = await both(path);
      expect(answer.browser.status).toBeGreaterThanOrEqual(400);
      expect(answer.browser.status).toBeLessThan(500);
      expect(answer.window.status).toBe(answer.browser.status);
      expect(answer.browser.body).not.toContain('outside the build');
      expect(JSON.parse(answer.browser.body)).toHaveProperty('detail');
    },
  );
});
