import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { faxForm, startTestGateway, type TestGateway } from '../testing/harness';

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.close();
  gw = null;
});

async function login(gateway: TestGateway): Promise<string> {
  const res = await request(gateway.uiLoginUrl());
  expect(res.statusCode).toBe(302);
  const cookie = String(res.headers['set-cookie']).split(';')[0] as string;
  expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
  return cookie;
}

describe('browser door: /rpc and /events behind a session', () => {
  it('refuses /rpc without a session, accepts it after the one-time link, and the link works only once', async () => {
    gw = await startTestGateway();
    expect((await gw.json('POST', '/rpc/gateway:status', {})).status).toBe(401);
    const link = gw.uiLoginUrl();
    const first = await request(link);
    expect(first.statusCode).toBe(302);
    const again = await request(link);
    // Reopened without a session: the window's sign-in page explains (never raw JSON).
    expect(again.statusCode).toBe(302);
    expect(again.headers.location).toBe('/?signin=link-used');
    expect(again.headers['set-cookie']).toBeUndefined();
    const cookie = String(first.headers['set-cookie']).split(';')[0] as string;
    // Reopened in the browser that used it: straight into the window.
    const reopened = await request(link, { headers: { cookie } });
    expect(reopened.statusCode).toBe(302);
    expect(reopened.headers.location).toBe('/');
    const status = await gw.json('POST', '/rpc/gateway:status', {}, { cookie });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      ok: true,
      value: { backend: 'simulator', testMode: true, publicUrl: null, callbacksEnabled: false },
    });
  });

  it('a session outlives a gateway restart on the same data folder; signing out ends it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fbd-ui-'));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    gw = await startTestGateway({ dataDir });
    const cookie = await login(gw);
    await gw.close();
    gw = await startTestGateway({ dataDir });
    expect((await gw.json('POST', '/rpc/gateway:status', {}, { cookie })).status).toBe(200);
    expect((await gw.json('POST', '/rpc/gateway:status', {}, { cookie: 'fbd_session=forged' })).status).toBe(401);
    expect((await gw.json('DELETE', '/ui/session', undefined, { cookie })).status).toBe(200);
    expect((await gw.json('POST', '/rpc/gateway:status', {}, { cookie })).status).toBe(401);
  });

  it('parses every argument: bad input is a 400 with a readable message, unknown methods 404', async () => {
    gw = await startTestGateway();
    const cookie = await login(gw);
    const bad = await gw.json('POST', '/rpc/jobs:list', { limit: 'ten' }, { cookie });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(bad.body.error.message).toBe('Number of results must be a number.');
    expect((await gw.json('POST', '/rpc/nope:nothing', {}, { cookie })).status).toBe(404);
  });

  it('refuses a foreign Host (DNS rebinding) and a cross-site Origin even with a session', async () => {
    gw = await startTestGateway();
    const cookie = await login(gw);
    expect((await gw.json('POST', '/rpc/gateway:status', {}, { cookie, host: 'evil.example' })).status).toBe(403);
    expect((await gw.json('POST', '/rpc/gateway:status', {}, { cookie, origin: 'https://evil.example' })).status).toBe(403);
  });

  it('an admin key can open a session; a non-admin key cannot', async () => {
    gw = await startTestGateway({ env: { API_KEY: 'admin-bootstrap' } });
    expect((await gw.json('POST', '/ui/session', { apiKey: 'wrong' })).status).toBe(401);
    const ok = await gw.json('POST', '/ui/session', { apiKey: 'admin-bootstrap' });
    expect(ok.status).toBe(200);
    expect(String(ok.headers['set-cookie'])).toMatch(/^fbd_session=/);
  });

  it('streams job updates over /events (SSE) as they happen', async () => {
    gw = await startTestGateway();
    const cookie = await login(gw);
    const res = await request(`${gw.url}/events`, { headers: { cookie } });
    expect(res.headers['content-type']).toBe('text/event-stream');
    let seen = '';
    let first = '';
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no delivered event: ${seen}`)), 10_000);
      res.body.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        first ||= seen;
        if (/event: job:updated\ndata: .*"status":"delivered"/.test(seen)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    expect((await gw.post('/fax', faxForm('+15551230001', { name: 'a.txt', bytes: 'live' }))).status).toBe(202);
    await done;
    expect(first).toMatch(/^retry: 2000\n\nevent: gateway:status\ndata: \{.*"backend":"simulator"/);
    res.body.destroy();
  });
});

describe('settings and secrets through the contract', () => {
  it('applies an update live, refuses values set by the environment, and never reads a secret back', async () => {
    gw = await startTestGateway({ env: { MAX_FILE_SIZE_MB: '3' } });
    const cookie = await login(gw);
    const updated = await gw.invoke('settings:update', { patch: { defaultRegion: 'GB', retry: { maxAttempts: 2 } } });
    expect(updated).toMatchObject({
      ok: true,
      value: { settings: { defaultRegion: 'GB', retry: { maxAttempts: 2, busyDelaySeconds: 300 } } },
    });
    const sent = await gw.post('/fax', faxForm('020 7946 0958', { name: 'a.txt', bytes: 'uk' }));
    expect(sent.body.to_e164).toBe('+442079460958');
    const envOwned = await gw.invoke('settings:update', { patch: { maxFileSizeMb: 50 } });
    expect(envOwned).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect((envOwned as { error: { message: string } }).error.message).toMatch(/MAX_FILE_SIZE_MB/);
    const invalid = await gw.invoke('settings:update', { patch: { pdfTokenTtlMinutes: 0 } });
    expect(invalid).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: 'Document link lifetime (minutes) must be at least 1.' },
    });
    const rpc = await gw.json('POST', '/rpc/settings:update', { patch: { retry: { maxAttempts: 0 }, defaultRegion: 'XX' } }, { cookie });
    expect(rpc.status).toBe(400);
    expect(rpc.body.error.message).toBe(
      'Default country must be a two-letter country code from the list, such as US, GB or DE. Attempts per fax must be at least 1.',
    );
    // "UK" as typed is the United Kingdom's ISO code, GB.
    expect(await gw.invoke('settings:update', { patch: { defaultRegion: 'uk' } })).toMatchObject({
      ok: true,
      value: { settings: { defaultRegion: 'GB' } },
    });
    const secret = await gw.invoke('settings:setSecret', { name: 'phaxio.apiSecret', value: 'super-secret-value' });
    expect(secret).toMatchObject({ ok: true, value: { secrets: { 'phaxio.apiSecret': { configured: true } } } });
    expect(JSON.stringify(secret)).not.toContain('super-secret-value');
  });
});
