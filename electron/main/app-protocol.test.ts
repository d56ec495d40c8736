import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler, resolveAppPath } from './app-protocol';
import { uiContentSecurityPolicy } from '../gateway/http/ui-assets';

let base: string;
let root: string;
let handler: (request: Request) => Promise<Response>;
const csp = uiContentSecurityPolicy('http://127.0.0.1:8080');

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'faxbot-proto-'));
  root = join(base, 'dist');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>ui</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'pdf.worker.mjs'), '// worker');
  writeFileSync(join(base, 'secret.txt'), 'outside the build');
  writeFileSync(join(base, 'dist-evil.txt'), 'sibling with a shared prefix');
  symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link.txt'));
  handler = createAppProtocolHandler({ rootDir: root, csp });
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

describe('resolveAppPath', () => {
  it('maps files and client routes', () => {
    expect(resolveAppPath('app://faxbot/assets/app.js')).toEqual({ ok: true, relativePath: 'assets/app.js' });
    expect(resolveAppPath('app://faxbot/')).toEqual({ ok: true, relativePath: 'index.html' });
    expect(resolveAppPath('app://faxbot/jobs/42')).toEqual({ ok: true, relativePath: 'index.html' });
    expect(resolveAppPath('app://faxbot/assets/a%20b.js')).toEqual({ ok: true, relativePath: 'assets/a b.js' });
  });

  it.each([
    'app://faxbot/..%2f..%2fsecret.txt',
    'app://faxbot/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://faxbot/..%5csecret.txt',
    'app://faxbot/assets/app.js%00.png',
    'app://faxbot/%E0%A4%A.js',
    'app://faxbot/C:%5Cwindows%5Cwin.ini',
  ])('refuses %s', (url) => {
    expect(resolveAppPath(url).ok).toBe(false);
  });

  it('refuses other hosts', () => {
    expect(resolveAppPath('app://other/index.html')).toEqual({ ok: false, status: 404 });
    expect(resolveAppPath('not a url')).toEqual({ ok: false, status: 400 });
  });
});

describe('app:// handler', () => {
  it('serves build files with strict headers', async () => {
    const response = await get('app://faxbot/assets/app.js');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('console.log(1)');
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(csp);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await get('app://faxbot/assets/pdf.worker.mjs')).headers.get('content-type')).toMatch(/javascript/);
  });

  it('serves index.html for the entry and client routes', async () => {
    expect(await (await get('app://faxbot/index.html')).text()).toContain('<title>ui</title>');
    expect(await (await get('app://faxbot/inbox')).text()).toContain('<title>ui</title>');
  });

  it('answers GET only', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS']) {
      const response = await get('app://faxbot/index.html', method);
      expect(response.status).toBe(405);
      expect(response.headers.get('content-security-policy')).toBe(csp);
    }
  });

  it.each([
    'app://faxbot/../secret.txt',
    'app://faxbot/%2e%2e/secret.txt',
    'app://faxbot/..%2fsecret.txt',
    'app://faxbot/..%2fdist-evil.txt',
    'app://faxbot/assets/link.txt',
    'app://faxbot/missing.js',
    'app://evil/index.html',
  ])('never serves anything outside the build: %s', async (url) => {
    const response = await get(url);
    expect(response.status).not.toBe(200);
    const text = await response.text();
    expect(text).not.toContain('outside the build');
    expect(text).not.toContain('shared prefix');
  });
});

describe('uiContentSecurityPolicy', () => {
  it('locks scripts to the build and names only the gateway origin', () => {
    expect(csp).toContain(`default-src 'none'`);
    expect(csp).toContain(`script-src 'self' 'wasm-unsafe-eval'`);
    expect(csp).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*/);
    expect(csp).toContain(`object-src 'none'`);
    expect(csp).toContain(`frame-ancestors 'none'`);
    expect(csp).toContain("connect-src 'self' http://127.0.0.1:8080;");
  });

  it('cannot be widened through the gateway URL', () => {
    expect(uiContentSecurityPolicy("http://127.0.0.1:8080/x'; script-src *")).not.toContain('script-src *');
    expect(() => uiContentSecurityPolicy('javascript:alert(1)')).toThrow();
  });
});
