import { afterEach, describe, expect, it } from 'vitest';
import { faxForm, memorySettingsStore, startTestGateway, type TestGateway } from '../testing/harness';

const ADMIN_KEY = 'bootstrap_admin_for_admin_api';
const admin = { 'x-api-key': ADMIN_KEY };
const authEnv = { API_KEY: ADMIN_KEY, REQUIRE_API_KEY: 'true' };

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.close();
  gw = null;
});

async function keyWith(scopes: string[]): Promise<Record<string, string>> {
  const res = await gw!.json('POST', '/admin/api-keys', { name: 'script', scopes }, admin);
  return { 'x-api-key': res.body.token as string };
}

async function sendTxt(to = '+15551239876'): Promise<string> {
  const res = await gw!.post('/fax', faxForm(to, { name: 'memo.txt', bytes: 'admin api test' }), admin);
  expect(res.status).toBe(202);
  return res.body.id as string;
}

const ROUTES: ['GET' | 'POST' | 'PUT', string, unknown?][] = [
  ['GET', '/admin/settings'],
  ['PUT', '/admin/settings', { inbound_enabled: false }],
  ['POST', '/admin/settings/validate', { backend: 'simulator' }],
  ['GET', '/admin/settings/export'],
  ['GET', '/admin/db-status'],
  ['GET', '/admin/logs/tail'],
  ['POST', '/admin/inbound/simulate', {}],
  ['GET', '/admin/fax-jobs/0123456789abcdef0123456789abcdef'],
  ['GET', '/admin/fax-jobs/0123456789abcdef0123456789abcdef/pdf'],
  ['POST', '/admin/fax-jobs/0123456789abcdef0123456789abcdef/refresh', {}],
  ['POST', '/admin/restart', {}],
];

async function call(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, headers: Record<string, string> = {}) {
  const { request } = await import('undici');
  const res = await request(`${gw!.url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text, headers: res.headers };
}

describe("Faxbot's admin API", () => {
  it('refuses every route without the bootstrap key or keys:manage (a "*" key is not admin), with Faxbot headers', async () => {
    // Failed admin attempts are rate limited per address (30 a minute): each route is tried a minute after the last.
    let clock = Date.now();
    gw = await startTestGateway({ env: authEnv, now: () => clock });
    const star = await keyWith(['*']);
    const sender = await keyWith(['fax:send', 'fax:read']);
    for (const [index, [method, path, body]] of ROUTES.entries()) {
      clock += 61_000;
      const tries = index === 0 ? [{}, star, sender, { 'x-api-key': 'fbk_live_000000000000_nope' }] : [{}, star];
      for (const headers of tries) {
        const res = await call(method, path, body, headers);
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.body).toEqual({ detail: 'Admin authentication failed' });
        expect(res.headers['x-frame-options']).toBe('DENY');
      }
    }
    const manager = await keyWith(['keys:manage']);
    expect((await call('GET', '/admin/settings', undefined, manager)).status).toBe(200);
    // Faxbot's console reads where MCP answers from /admin/config.
    expect((await call('GET', '/admin/config', undefined, manager)).body.mcp).toMatchObject({
      http_path: '/mcp/http',
      sse_path: '/mcp/sse',
    });
  });

  it('GET/PUT /admin/settings persist through the settings store and keep secrets write-only', async () => {
    const store = memorySettingsStore({ simulator: { stepDelayMs: 40 } });
    gw = await startTestGateway({ env: authEnv, settingsStore: store });
    const before = await call('GET', '/admin/settings', undefined, admin);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      backend: { type: 'simulator', disabled: true },
      phaxio: { api_key: '', api_secret: '', configured: false },
      inbound: { enabled: true },
      limits: { max_file_size_mb: 10 },
      security: { require_api_key: true },
    });

    const put = await call(
      'PUT',
      '/admin/settings',
      {
        inbound_enabled: false,
        max_file_size_mb: 20,
        phaxio_api_key: 'key-abcdefghij',
        phaxio_api_secret: 'top-secret-value-1234',
        sinch_project_id: null,
      },
      admin,
    );
    expect(put.status).toBe(200);
    expect(put.body._meta).toEqual({ backend_changed: false, storage_changed: false, restart_recommended: false });
    expect(put.body.inbound.enabled).toBe(false);
    expect(put.body.limits.max_file_size_mb).toBe(20);
    expect(put.body.phaxio).toMatchObject({ api_key: '********', api_secret: '********' });
    expect(store.saved).toMatchObject({ inboundEnabled: false, maxFileSizeMb: 20 });
    // Applied live: inbound routes now answer Faxbot's 404.
    expect((await gw.get('/inbound', admin)).body).toEqual({ detail: 'Inbound not enabled' });

    const exported = await call('GET', '/admin/settings/export', undefined, admin);
    expect(exported.body.env_content).toContain('FAX_BACKEND=simulator');
    expect(exported.body.env_content).toContain('INBOUND_ENABLED=false');
    expect(exported.body.env_content).toContain('# PHAXIO_API_SECRET is set here');
    for (const secret of ['top-secret', '1234', 'key-abc', 'abcdefghij']) {
      expect(JSON.stringify(exported.body)).not.toContain(secret);
      expect(JSON.stringify((await call('GET', '/admin/settings', undefined, admin)).body)).not.toContain(secret);
    }

    const bad: [unknown, RegExp][] = [
      [{ documo_api_key: 'x', feature_v3_plugins: true }, /^Unknown or unsupported settings: documo_api_key, feature_v3_plugins$/],
      [{ max_file_size_mb: 'lots' }, /MAX_FILE_SIZE_MB must be a whole number/],
      [{ backend: 'fax-o-matic' }, /FAX_BACKEND must be one of/],
      [{ max_file_size_mb: 1000 }, /^Largest file accepted \(MB\) must be at most/],
      [['not', 'an', 'object'], /^The request must be a group of values\.$/],
    ];
    for (const [body, detail] of bad) {
      const res = await call('PUT', '/admin/settings', body, admin);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.detail).toMatch(detail);
    }
  });

  it('refuses to change a setting the environment pins, with the variable named', async () => {
    gw = await startTestGateway({ env: { ...authEnv, MAX_FILE_SIZE_MB: '5' } });
    const res = await call('PUT', '/admin/settings', { max_file_size_mb: 20 }, admin);
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe('Largest file accepted (MB) is set by MAX_FILE_SIZE_MB and cannot be changed here.');
  });

  it('POST /admin/settings/validate runs the setup checks for a backend', async () => {
    gw = await startTestGateway({ env: authEnv });
    const res = await call('POST', '/admin/settings/validate', { backend: 'phaxio' }, admin);
    expect(res.status).toBe(200);
    expect(res.body.backend).toBe('phaxio');
    expect(res.body.test_fax).toBeNull();
    expect(Object.values(res.body.checks)).toContain(false);
    expect(res.body.details.length).toBe(Object.keys(res.body.checks).length);
    const bad = await call('POST', '/admin/settings/validate', { backend: 'documo' }, admin);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/^Backend must be one of: simulator, phaxio/);
  });

  it('GET /admin/db-status counts rows in the SQLite store', async () => {
    gw = await startTestGateway({ env: authEnv });
    await sendTxt();
    await keyWith(['fax:read']);
    const res = await call('GET', '/admin/db-status', undefined, admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      engine: 'sqlite',
      connected: true,
      error: null,
      counts: { fax_jobs: 1, api_keys: 1, inbound_fax: 0 },
    });
    expect(res.body.sqlite.exists).toBe(true);
    expect(res.body.sqlite.size_bytes).toBeGreaterThan(0);
  });

  it('GET /admin/logs/tail reads the audit file, filtered, without numbers', async () => {
    gw = await startTestGateway({ env: authEnv });
    const id = await sendTxt('+15551234567');
    const res = await call('GET', '/admin/logs/tail?event=job_created&lines=10', undefined, admin);
    expect(res.status).toBe(200);
    expect(res.body.source).toMatch(/audit\.jsonl$/);
    expect(res.body.items.map((i: { job_id: string }) => i.job_id)).toEqual([id]);
    expect(res.body.items[0].raw).toContain('"event":"job_created"');
    expect(JSON.stringify(res.body)).not.toContain('5551234567');
    expect((await call('GET', '/admin/logs/tail?q=no-such-thing', undefined, admin)).body.count).toBe(0);
    expect((await call('GET', '/admin/logs/tail?lines=0', undefined, admin)).status).toBe(400);
  });

  it('POST /admin/inbound/simulate works in test mode only', async () => {
    gw = await startTestGateway({ env: authEnv });
    const res = await call('POST', '/admin/inbound/simulate', { fr: '+15557654321' }, admin);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect((await gw.get(`/inbound/${res.body.id}`, admin)).body).toMatchObject({ id: res.body.id, fr: '+15557654321' });
    expect((await call('POST', '/admin/inbound/simulate', { pages: 3 }, admin)).body.detail).toBe('Unknown field: pages.');
    await gw.close();
    gw = await startTestGateway({ env: { ...authEnv, FAX_BACKEND: 'phaxio' } });
    const live = await call('POST', '/admin/inbound/simulate', {}, admin);
    expect(live.status).toBe(400);
    expect(live.body.detail).toBe('Simulated inbound faxes are only available in test mode');
  });

  it('GET /admin/fax-jobs/{id} masks the number; /pdf downloads the fax; /refresh asks the provider', async () => {
    gw = await startTestGateway({ env: authEnv, settings: { simulator: { stepDelayMs: 400 } } });
    const id = await sendTxt('+15551234567');
    const item = await call('GET', `/admin/fax-jobs/${id}`, undefined, admin);
    expect(item.status).toBe(200);
    expect(item.body).toMatchObject({ id, to_number: '****4567', file_name: 'memo.txt', status: expect.any(String) });
    expect(JSON.stringify(item.body)).not.toContain('5551234567');
    expect((await call('GET', '/admin/fax-jobs/nope', undefined, admin)).body).toEqual({ detail: 'Job not found' });

    const pdf = await gw.get(`/admin/fax-jobs/${id}/pdf`, admin);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');

    await gw.waitForJob(id, ['sending'], 5000, admin);
    const refreshed = await call('POST', `/admin/fax-jobs/${id}/refresh`, {}, admin);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ id, to: '+15551234567' });
    await gw.waitForJob(id, ['delivered'], 5000, admin);
    const done = await call('POST', `/admin/fax-jobs/${id}/refresh`, {}, admin);
    expect(done.status).toBe(400);
    expect(done.body.detail).toMatch(/^Refresh not supported for this job/);
  });

  it('POST /admin/restart reloads settings without dropping queued or in-flight faxes', async () => {
    const store = memorySettingsStore({ simulator: { stepDelayMs: 150 } });
    gw = await startTestGateway({ env: authEnv, settingsStore: store });
    const ids = [await sendTxt('+15551230011'), await sendTxt('+15551230012')];
    // Edited behind the gateway's back (by hand, another tool): the restart picks it up.
    store.write({ ...(store.read() as object), maxFileSizeMb: 3 } as never);
    const res = await call('POST', '/admin/restart', {}, admin);
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect((await call('GET', '/admin/settings', undefined, admin)).body.limits.max_file_size_mb).toBe(3);
    for (const id of ids) expect((await gw.waitForJob(id, ['delivered'], 10_000, admin)).status).toBe('SUCCESS');
  });
});
