import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, faxForm, type TestGateway } from '../testing/harness';
import { AUTH_FAILURES_PER_MINUTE } from './auth';

const ADMIN_KEY = 'bootstrap-admin-key-auth-failures';
const ADMIN = { 'x-api-key': ADMIN_KEY };

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.close();
  gw = null;
});

async function createKey(g: TestGateway, body: unknown = { scopes: ['fax:send', 'fax:read'] }) {
  const res = await g.json('POST', '/admin/api-keys', body, ADMIN);
  expect(res.status).toBe(200);
  return res.body as { key_id: string; token: string };
}

const auditRows = (g: TestGateway) => (g.core.db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n;

describe('failed authentication is rate limited per client and per key id', () => {
  it('a flood of bad keys turns into 429 with Retry-After, a few audit rows, and a right key still works', async () => {
    gw = await startTestGateway({ env: { API_KEY: ADMIN_KEY } });
    const good = await createKey(gw);
    const rowsBefore = auditRows(gw);
    const statuses: number[] = [];
    let retryAfter: unknown;
    for (let i = 0; i < 200; i += 1) {
      const res = await gw.get('/fax/x', { 'x-api-key': `fbk_live_${String(i).padStart(12, '0')}_wrongwrongwrongwrongwrong` });
      statuses.push(res.status);
      if (res.status === 429) retryAfter ??= res.headers['retry-after'];
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(AUTH_FAILURES_PER_MINUTE.client);
    expect(statuses.filter((s) => s === 429)).toHaveLength(200 - AUTH_FAILURES_PER_MINUTE.client);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // Identical failures coalesce: one row per kind now, a "repeated: N" row when the minute ends.
    expect(auditRows(gw) - rowsBefore).toBeLessThanOrEqual(4);
    const mine = await gw.post('/fax', faxForm('+15551230001', { name: 'a.txt', bytes: 'hello' }), { 'x-api-key': good.token });
    expect(mine.status).toBe(202);
  });

  it('wrong secrets for a real key id are limited per key id; the real secret still passes', async () => {
    gw = await startTestGateway({ env: { API_KEY: ADMIN_KEY } });
    const good = await createKey(gw);
    const wrong = `fbk_live_${good.key_id}_${'x'.repeat(43)}`;
    const statuses: number[] = [];
    for (let i = 0; i < AUTH_FAILURES_PER_MINUTE.keyId + 3; i += 1) statuses.push((await gw.get('/fax/x', { 'x-api-key': wrong })).status);
    expect(statuses.slice(0, AUTH_FAILURES_PER_MINUTE.keyId)).toEqual(Array(AUTH_FAILURES_PER_MINUTE.keyId).fill(401));
    expect(statuses.slice(AUTH_FAILURES_PER_MINUTE.keyId)).toEqual([429, 429, 429]);
    expect((await gw.get('/fax/x', { 'x-api-key': good.token })).status).toBe(404);
  });

  it('more failed sign-ins than the budget do not lock a local admin out of /ui/session', async () => {
    gw = await startTestGateway({ env: { API_KEY: ADMIN_KEY } });
    const host = { host: '127.0.0.1' };
    const statuses = new Set<number>();
    for (let i = 0; i < AUTH_FAILURES_PER_MINUTE.client + 5; i += 1)
      statuses.add((await gw.json('POST', '/ui/session', { apiKey: `wrong-${i}` }, host)).status);
    expect([...statuses].sort()).toEqual([401, 429]);
    const signIn = await gw.json('POST', '/ui/session', { apiKey: ADMIN_KEY }, host);
    expect(signIn.status).toBe(200);
    expect(signIn.body).toEqual({ authenticated: true });
  });
});

describe('API keys', () => {
  it('are stored as an HMAC, never scrypt, and verify', async () => {
    gw = await startTestGateway({ env: { API_KEY: ADMIN_KEY } });
    const key = await createKey(gw);
    const row = gw.core.db.prepare('SELECT key_hash FROM api_keys WHERE key_id = ?').get(key.key_id) as { key_hash: string };
    expect(row.key_hash).toMatch(/^hmac-sha256\$[\w-]{43}$/);
    // fbk_live_<keyId>_<secret>: the base64url secret may itself contain '_'.
    const secret = key.token.split('_').slice(3).join('_');
    expect(secret.length).toBeGreaterThanOrEqual(43);
    expect(row.key_hash).not.toContain(secret);
    expect((await gw.get('/fax/x', { 'x-api-key': key.token })).status).toBe(404);
  });

  it('refuses to rotate a revoked key', async () => {
    gw = await startTestGateway({ env: { API_KEY: ADMIN_KEY } });
    const key = await createKey(gw);
    expect((await gw.json('DELETE', `/admin/api-keys/${key.key_id}`, undefined, ADMIN)).status).toBe(200);
    const rotated = await gw.json('POST', `/admin/api-keys/${key.key_id}/rotate`, undefined, ADMIN);
    expect(rotated.status).toBe(409);
    expect(rotated.body).toEqual({ detail: 'This key is revoked and cannot be rotated; create a new key instead' });
  });

  it('refuses keys that are already expired or carry unknown scopes', async () => {
    gw = await startTestGateway({ env: { API_KEY: ADMIN_KEY } });
    const expired = await gw.json('POST', '/admin/api-keys', { scopes: ['fax:send'], expires_at: '2001-01-01T00:00:00Z' }, ADMIN);
    expect(expired.status).toBe(400);
    expect(expired.body.detail).toBe('expires_at must be in the future');
    const unknown = await gw.json('POST', '/admin/api-keys', { scopes: ['fax:send', 'fax:delete-everything'] }, ADMIN);
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toMatch(/^Unknown scope fax:delete-everything \(known: \*, fax:send/);
    expect(await gw.core.keys.list()).toEqual([]);
  });
});
