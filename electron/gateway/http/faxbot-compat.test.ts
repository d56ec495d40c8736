import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { faxForm, startTestGateway, type TestGateway } from '../testing/harness';
import { greyPng } from '../testing/images';

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.close();
  gw = null;
});

async function twoPagePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([612, 792]).drawText('Page one');
  doc.addPage([612, 792]).drawText('Page two');
  return doc.save();
}

const admin = { 'x-api-key': 'bootstrap_admin_only' };
const authEnv = { API_KEY: 'bootstrap_admin_only', REQUIRE_API_KEY: 'true' };

async function createKey(scopes: string[]): Promise<string> {
  const res = await gw!.json('POST', '/admin/api-keys', { name: 'dev', owner: 'tester', scopes }, admin);
  expect(res.status).toBe(200);
  return res.body.token as string;
}

describe('Faxbot compatibility: health and sending (faxbot-compat.md §8 test_api.py)', () => {
  it('GET /health answers {"status":"ok"} without auth', async () => {
    gw = await startTestGateway({ env: authEnv });
    const res = await gw.get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('rejects a bad number with 400 and a readable detail', async () => {
    gw = await startTestGateway();
    const res = await gw.post('/fax', faxForm('abc', { name: 'test.txt', bytes: 'hello' }));
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/'to'/);
  });

  it('accepts a TXT with 202 and Faxbot field names, and GET /fax/{id} returns the same job', async () => {
    gw = await startTestGateway();
    const res = await gw.post('/fax', faxForm('+15551230001', { name: 'test.txt', bytes: 'hello world' }));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      to: '+15551230001',
      status: 'queued',
      backend: 'simulator',
      error: null,
      provider_sid: null,
      test_mode: true,
    });
    expect(res.body.id).toMatch(/^[0-9a-f]{32}$/);
    expect(res.body.created_at).toMatch(/Z$/);
    const got = await gw.get(`/fax/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(res.body.id);
  });

  it('normalises national numbers with the default region instead of prefixing a bare +', async () => {
    gw = await startTestGateway();
    const res = await gw.post('/fax', faxForm('(555) 123-0001', { name: 'a.txt', bytes: 'hi' }));
    expect(res.status).toBe(202);
    expect(res.body.to_e164).toBe('+15551230001');
  });

  it('reads the form in any part order (curl -F file=@x -F to=...)', async () => {
    gw = await startTestGateway();
    const form = new FormData();
    form.append('file', new Blob(['file first']), 'first.txt');
    form.append('to', '+15551230001');
    const res = await gw.post('/fax', form);
    expect(res.status).toBe(202);
  });
});

describe('Faxbot compatibility: API keys and scopes (test_api_keys.py, test_api_scopes.py)', () => {
  it('creates a key shown once, sends and reads with it, lists it, and a revoked key gets 401', async () => {
    gw = await startTestGateway({ env: { ...authEnv, FAX_DISABLED: 'true' } });
    const token = await createKey(['fax:send', 'fax:read']);
    expect(token).toMatch(/^fbk_live_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const sent = await gw.post('/fax', faxForm('+15551234567', { name: 'example.txt', bytes: 'hello world' }), { 'x-api-key': token });
    expect(sent.status).toBe(202);
    expect(['queued', 'in_progress', 'SUCCESS']).toContain(sent.body.status);
    expect((await gw.get(`/fax/${sent.body.id}`, { 'x-api-key': token })).body.id).toBe(sent.body.id);
    const keyId = token.split('_')[2];
    const list = await gw.json('GET', '/admin/api-keys', undefined, admin);
    expect(list.body.map((k: { key_id: string }) => k.key_id)).toContain(keyId);
    expect(JSON.stringify(list.body)).not.toContain(token.split('_').slice(3).join('_'));
    expect((await gw.json('DELETE', `/admin/api-keys/${keyId}`, undefined, admin)).status).toBe(200);
    const after = await gw.get(`/fax/${sent.body.id}`, { 'x-api-key': token });
    expect(after.status).toBe(401);
    expect(after.body).toEqual({ detail: 'Invalid or missing API key' });
  });

  it('rotation keeps the key id, replaces the secret, and the old token stops working', async () => {
    gw = await startTestGateway({ env: authEnv });
    const token = await createKey(['fax:read']);
    const keyId = token.split('_')[2];
    const rotated = await gw.json('POST', `/admin/api-keys/${keyId}/rotate`, undefined, admin);
    expect(rotated.body.key_id).toBe(keyId);
    expect(rotated.body.token).not.toBe(token);
    expect((await gw.get('/fax/nope', { 'x-api-key': token })).status).toBe(401);
    expect((await gw.get('/fax/nope', { 'x-api-key': rotated.body.token })).status).toBe(404);
  });

  it("enforces scopes with 403 and Faxbot's detail text", async () => {
    gw = await startTestGateway({ env: authEnv });
    const reader = await createKey(['fax:read']);
    const sender = await createKey(['fax:send']);
    const denied = await gw.post('/fax', faxForm('+15551230001', { name: 'a.txt', bytes: 'x' }), { 'x-api-key': reader });
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toBe('Insufficient scope: fax:send required');
    const sent = await gw.post('/fax', faxForm('+15551230001', { name: 'a.txt', bytes: 'x' }), { 'x-api-key': sender });
    expect(sent.status).toBe(202);
    expect((await gw.get(`/fax/${sent.body.id}`, { 'x-api-key': sender })).status).toBe(403);
    expect((await gw.get(`/fax/${sent.body.id}`, { 'x-api-key': reader })).status).toBe(200);
  });

  it('admin routes always need an admin: 401 without a key, even in dev mode, and for a non-admin key', async () => {
    gw = await startTestGateway();
    expect((await gw.json('GET', '/admin/api-keys')).status).toBe(401);
  });

  it('401 without a key when auth is required', async () => {
    gw = await startTestGateway({ env: authEnv });
    const res = await gw.post('/fax', faxForm('+15551230001', { name: 'a.txt', bytes: 'x' }));
    expect(res.status).toBe(401);
  });

  it("rate limits per key with 429 and a Retry-After header (test_rate_limit.py, without Faxbot's lost header)", async () => {
    gw = await startTestGateway({ env: { ...authEnv, MAX_REQUESTS_PER_MINUTE: '2' } });
    const token = await createKey(['fax:send', 'fax:read']);
    const send = () => gw!.post('/fax', faxForm('+15551230001', { name: 'a.txt', bytes: 'x' }), { 'x-api-key': token });
    expect((await send()).status).toBe(202);
    expect((await send()).status).toBe(202);
    const third = await send();
    expect(third.status).toBe(429);
    expect(third.body.detail).toBe('Rate limit exceeded');
    const retryAfter = Number(third.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it("answers the Node SDK's GET /plugins probe as Faxbot does: 401 without admin, an empty list for an admin", async () => {
    gw = await startTestGateway({ env: authEnv });
    const anonymous = await gw.get('/plugins');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ detail: 'Admin authentication failed' });
    expect((await gw.get('/plugins', { 'x-api-key': await createKey(['fax:send']) })).status).toBe(401);
    const admin = await gw.get('/plugins', { 'x-api-key': 'bootstrap_admin_only' });
    expect(admin.status).toBe(200);
    expect(admin.body).toEqual({ items: [] });
  });
});

describe('uploads: limits and types decided from bytes', () => {
  it('413 over MAX_FILE_SIZE_MB, with nothing left on disk', async () => {
    gw = await startTestGateway({ env: { MAX_FILE_SIZE_MB: '1' } });
    const res = await gw.post('/fax', faxForm('+15551230001', { name: 'big.txt', bytes: 'a'.repeat(1024 * 1024 + 10) }));
    expect(res.status).toBe(413);
    expect(res.body.detail).toBe('File exceeds 1 MB limit');
    expect(existsSync(join(gw.dataDir, 'jobs')) ? readdirSync(join(gw.dataDir, 'jobs')) : []).toEqual([]);
    expect((gw.core.db.prepare('SELECT COUNT(*) AS n FROM jobs').get() as { n: number }).n).toBe(0);
  });

  it('415 for a GIF named .pdf; a text file named .pdf is sniffed as text and accepted', async () => {
    gw = await startTestGateway();
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1');
    const res = await gw.post('/fax', faxForm('+15551230001', { name: 'scan.pdf', bytes: gif }));
    expect(res.status).toBe(415);
    expect(res.body.detail).toMatch(/Only PDF, TXT, JPEG, PNG and TIFF/);
    const text = await gw.post('/fax', faxForm('+15551230001', { name: 'notes.pdf', bytes: 'plain words' }));
    expect(text.status).toBe(202);
  });

  it('a PNG scan is accepted and faxed as one PDF page; a broken one is a 400 with a reason', async () => {
    gw = await startTestGateway();
    const res = await gw.post('/fax', faxForm('+15551230001', { name: 'scan.png', bytes: greyPng(300, 400, 90) }));
    expect(res.status).toBe(202);
    const row = gw.core.db.prepare('SELECT source_kind, pages FROM jobs WHERE id = ?').get(res.body.id);
    expect(row).toEqual({ source_kind: 'pdf', pages: 1 });
    const broken = await gw.post('/fax', faxForm('+15551230001', { name: 'scan.png', bytes: greyPng(30, 30, 0).subarray(0, 50) }));
    expect(broken.status).toBe(400);
    expect(broken.body.detail).toBe('This PNG image cannot be read. Open it, save it again, and retry.');
  });

  it('415 for Latin-1 text; 400 for an empty file and for a corrupt PDF', async () => {
    gw = await startTestGateway();
    const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]);
    expect((await gw.post('/fax', faxForm('+15551230001', { name: 'a.txt', bytes: latin1 }))).status).toBe(415);
    const empty = await gw.post('/fax', faxForm('+15551230001', { name: 'a.txt', bytes: '' }));
    expect(empty.status).toBe(400);
    expect(empty.body.detail).toMatch(/empty/);
    const corrupt = await gw.post('/fax', faxForm('+15551230001', { name: 'a.pdf', bytes: '%PDF-1.7\n1 0 obj garbage' }));
    expect(corrupt.status).toBe(400);
    expect(corrupt.body.detail).toMatch(/PDF/);
  });

  it('a filename with slashes is only a name (Faxbot answered 500)', async () => {
    gw = await startTestGateway();
    const res = await gw.post('/fax', faxForm('+15551230001', { name: '../../etc/passwd.txt', bytes: 'x' }));
    expect(res.status).toBe(202);
    expect(res.body.file_name).toBe('passwd.txt');
  });

  it('400 when the form lacks to or file, 415 when it is not multipart', async () => {
    gw = await startTestGateway();
    expect((await gw.post('/fax', faxForm(null, { name: 'a.txt', bytes: 'x' }))).status).toBe(400);
    expect((await gw.post('/fax', faxForm('+15551230001', null))).status).toBe(400);
    expect((await gw.json('POST', '/fax', { to: '+15551230001' })).status).toBe(415);
  });
});

describe('dev mode protection', () => {
  it('refuses a cross-site browser form post to an open gateway', async () => {
    gw = await startTestGateway();
    const res = await gw.post('/fax', faxForm('+15551230001', { name: 'a.txt', bytes: 'x' }), { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
  });

  it('refuses keyless calls that carry a public Host header (tunnel traffic arrives from 127.0.0.1)', async () => {
    gw = await startTestGateway();
    const res = await gw.post('/fax', faxForm('+15551230001', { name: 'a.txt', bytes: 'x' }), { host: 'abc123.loca.lt' });
    expect(res.status).toBe(401);
    expect(res.body.detail).toMatch(/only from this computer/);
    expect((await gw.get('/fax/anything', { host: 'abc123.loca.lt' })).status).toBe(401);
  });
});

describe('media tokens: GET /fax/{id}/pdf?token=', () => {
  it('serves the PDF for a valid token, 403 for a wrong or expired one, and can be re-minted', async () => {
    let now = Date.parse('2026-11-23T10:00:00Z');
    gw = await startTestGateway({ now: () => now, startWorkers: false });
    const sent = await gw.post('/fax', faxForm('+15551230001', { name: 'two.pdf', bytes: await twoPagePdf(), type: 'application/pdf' }));
    expect(sent.status).toBe(202);
    expect(sent.body.pages).toBe(2);
    const minted = await gw.invoke('jobs:mintMediaLink', { id: sent.body.id });
    if (!minted.ok) throw new Error('mint failed');
    const { url } = minted.value as { url: string };
    const token = new URL(url).searchParams.get('token') as string;
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const ok = await gw.get(`/fax/${sent.body.id}/pdf?token=${token}`);
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('application/pdf');
    expect(ok.headers['cache-control']).toMatch(/no-store/);
    expect(ok.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const wrong = await gw.get(`/fax/${sent.body.id}/pdf?token=${token.slice(0, -2)}AA`);
    expect(wrong.status).toBe(403);
    expect(wrong.body.detail).toBe('Invalid token');
    expect((await gw.get(`/fax/${sent.body.id}/pdf`)).status).toBe(400);
    expect((await gw.get(`/fax/nope/pdf?token=${token}`)).status).toBe(404);
    now += 61 * 60_000;
    const expired = await gw.get(`/fax/${sent.body.id}/pdf?token=${token}`);
    expect(expired.status).toBe(403);
    expect(expired.body.detail).toBe('Token expired');
    const again = await gw.invoke('jobs:mintMediaLink', { id: sent.body.id });
    const token2 = new URL((again as { value: { url: string } }).value.url).searchParams.get('token');
    expect((await gw.get(`/fax/${sent.body.id}/pdf?token=${token2}`)).status).toBe(200);
    const stored = gw.core.db.prepare('SELECT token_hash FROM media_tokens').all() as { token_hash: string }[];
    expect(stored.map((r) => r.token_hash)).not.toContain(token);
  });
});
