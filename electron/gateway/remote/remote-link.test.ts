import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import type { JobView, RemoteStatus } from '../../../shared/types';
import { MemorySecretStore } from '../secrets/memory';
import { startTestGateway, type TestGateway } from '../testing/harness';
import { WINDOW_SCOPES } from '../security/rpc-access';
import { checkServerUrl } from './remote-link';

const ADMIN = 'office-admin-key-for-tests';
const open: TestGateway[] = [];
afterEach(async () => {
  for (const gw of open.splice(0)) await gw.close();
});

async function started(...args: Parameters<typeof startTestGateway>): Promise<TestGateway> {
  const gw = await startTestGateway(...args);
  open.push(gw);
  return gw;
}

async function value<T>(promise: Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(`${result.error?.code}: ${result.error?.message}`);
  return result.value as T;
}

/** An office server with one person's key (the scopes a window needs unless told otherwise). */
async function officeServer(scopes: string[] = [...WINDOW_SCOPES], name = 'Alice Front Desk') {
  const server = await started({ env: { API_KEY: ADMIN } });
  const created = await value<{ token: string; key: { keyId: string } }>(server.invoke('keys:create', { name, scopes }));
  return { server, token: created.token, keyId: created.key.keyId };
}

async function signedIn(gw: TestGateway): Promise<string> {
  const res = await request(gw.uiLoginUrl());
  return String(res.headers['set-cookie']).split(';')[0] as string;
}

const memo = { name: 'memo.txt', contentBase64: Buffer.from('Quarterly figures attached.\n').toString('base64') };

async function until<T>(read: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = read();
    if (seen !== undefined) return seen;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('a desktop window connected to an office server', () => {
  it('sends through the server with its own key: the job is the server’s, attributed to the key, and its progress streams back', async () => {
    const { server, token, keyId } = await officeServer();
    const lines: string[] = [];
    const desktop = await started({ log: (line: string) => void lines.push(line) });
    const status = await value<RemoteStatus>(desktop.invoke('remote:connect', { url: server.url, apiKey: token }));
    expect(status).toMatchObject({
      mode: 'remote',
      url: server.url,
      serverName: new URL(server.url).host,
      keyId,
      keyName: 'Alice Front Desk',
    });

    const seen: JobView[] = [];
    desktop.events.on('job:updated', (job) => seen.push(job));
    // The window's own door (/rpc with its browser session), exactly as the renderer calls it.
    const cookie = await signedIn(desktop);
    const sent = await desktop.json('POST', '/rpc/jobs:send', { to: '+12025550143', documents: [memo] }, { cookie });
    expect(sent.status).toBe(200);
    const job = sent.body.value as JobView;
    expect(job).toMatchObject({ apiKeyId: keyId, sentBy: 'Alice Front Desk' });
    expect(await server.core.jobs.get(job.id)).toMatchObject({ apiKeyId: keyId, sentBy: 'Alice Front Desk' });
    await expect(desktop.core.jobs.row(job.id)).rejects.toThrow(/not found/);
    await until(() => seen.find((j) => j.id === job.id && j.status === 'delivered'), 'the delivered event through the server stream');
    expect((await server.core.audit.recent(50, 'job_created')).find((e) => e.job_id === job.id)).toMatchObject({
      key_id: keyId,
      sender: 'Alice Front Desk',
    });

    // "Who sent it?": the window's filter, the REST filter and the sender list agree.
    const mine = await value<{ items: JobView[] }>(desktop.invoke('jobs:list', { sender: 'alice front desk' }));
    expect(mine.items.map((j) => j.id)).toEqual([job.id]);
    expect((await value<{ items: JobView[] }>(desktop.invoke('jobs:list', { sender: 'Bob' }))).items).toEqual([]);
    expect(await value(desktop.invoke('jobs:senders', {}))).toEqual([{ keyId, name: 'Alice Front Desk' }]);
    const rest = await server.get(`/fax?sender=${keyId}`, { 'x-api-key': token });
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({ total: 1, items: [{ id: job.id, api_key_id: keyId, sent_by: 'Alice Front Desk' }] });
    const csv = await value<{ text: string }>(desktop.invoke('jobs:exportCsv', { sender: keyId }));
    expect(csv.text.split('\r\n')[0]).toMatch(/,sent_by$/);
    expect(csv.text).toContain('Alice Front Desk');

    // The key never reaches a log line, on either side of the link.
    expect(lines.join('\n')).not.toContain(token.slice(-20));
  });

  it('keeps the choice across a restart (key in the secret store, not in the data folder)', async () => {
    const { server, token } = await officeServer();
    const secretStore = new MemorySecretStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'fbd-remote-'));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await started({ secretStore, dataDir });
    await value(first.invoke('remote:connect', { url: server.url, apiKey: token }));
    await first.close();
    open.splice(open.indexOf(first), 1);
    const again = await started({ secretStore, dataDir });
    expect(await value(again.invoke('remote:status', {}))).toMatchObject({ mode: 'remote', url: server.url });
    expect(await value(again.invoke('gateway:status', {}))).toMatchObject({ url: server.url });
    expect(readFileSync(`${dataDir}/office-server.json`, 'utf8')).not.toContain(token);
    expect(await value(again.invoke('remote:disconnect', {}))).toMatchObject({ mode: 'local' });
    expect(await value(again.invoke('gateway:status', {}))).toMatchObject({ url: again.url });
    expect(await secretStore.get('remote.apiKey')).toBeNull();
  });

  it('refuses a wrong key, a key without a window’s scopes, plain http to another computer and an unreachable server, each with a sentence', async () => {
    const { server, token } = await officeServer(['fax:send', 'fax:read']);
    const desktop = await started();
    const connect = (url: string, apiKey: string) => desktop.invoke('remote:connect', { url, apiKey });
    expect(await connect(server.url, `${token.slice(0, -4)}AAAA`)).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: expect.stringMatching(/did not accept this API key/) },
    });
    expect(await connect(server.url, token)).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringMatching(/missing inbound:list, inbound:read/) },
    });
    expect(await connect('http://fax.example.com', token)).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: expect.stringMatching(/Use an https:\/\/ address/) },
    });
    expect(await connect(`http://127.0.0.1:${await closedPort()}`, token)).toMatchObject({
      ok: false,
      error: { code: 'unavailable', message: expect.stringMatching(/Cannot reach the office server .* nothing is listening/) },
    });
    expect(await connect(`${server.url}/nowhere`, token)).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: expect.stringMatching(/not a Faxbot gateway/) },
    });
    expect(await value(desktop.invoke('remote:status', {}))).toMatchObject({ mode: 'local' });
  });

  it('says so when the server goes away, and when the key is revoked', async () => {
    const { server, token, keyId } = await officeServer();
    const desktop = await started();
    const changes: RemoteStatus[] = [];
    desktop.events.on('remote:changed', (status) => changes.push(status));
    await value(desktop.invoke('remote:connect', { url: server.url, apiKey: token }));
    await until(() => changes.find((c) => c.state === 'connected'), 'the event stream to connect');

    await value(server.invoke('keys:revoke', { keyId }));
    expect(await desktop.invoke('jobs:list', {})).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringMatching(/no longer accepts this computer’s API key/) },
    });
    expect(await value(desktop.invoke('remote:status', {}))).toMatchObject({ state: 'key_rejected' });

    const fresh = await value<{ token: string }>(server.invoke('keys:create', { name: 'Alice again', scopes: [...WINDOW_SCOPES] }));
    await value(desktop.invoke('remote:connect', { url: server.url, apiKey: fresh.token }));
    await server.close();
    open.splice(open.indexOf(server), 1);
    expect(await desktop.invoke('gateway:status', {})).toMatchObject({
      ok: false,
      error: { code: 'unavailable', message: expect.stringMatching(/Cannot reach the office server/) },
    });
    const offline = await until(() => changes.find((c) => c.state === 'offline'), 'the offline state');
    expect(offline.problem).toMatch(/is not answering/);
  });
});

describe('the office server’s window door (/rpc and /events with an API key)', () => {
  it('answers a key from any address with what its scopes allow, and 403 {detail} otherwise', async () => {
    const { server, token } = await officeServer(['fax:read']);
    const asKey = { 'x-api-key': token, host: 'fax.example.com' };
    expect((await server.json('POST', '/rpc/jobs:list', {}, asKey)).status).toBe(200);
    const send = await server.json('POST', '/rpc/jobs:send', { to: '+12025550143', documents: [memo] }, asKey);
    expect(send).toMatchObject({ status: 403, body: { detail: 'Insufficient scope: fax:send required' } });
    const admin = await server.json('POST', '/rpc/keys:list', {}, asKey);
    expect(admin).toMatchObject({ status: 403, body: { detail: expect.stringMatching(/admin key/) } });
    const local = await server.json('POST', '/rpc/remote:connect', { url: 'https://x.example', apiKey: 'k' }, { 'x-api-key': ADMIN });
    expect(local).toMatchObject({ status: 403, body: { detail: expect.stringMatching(/own Faxbot window/) } });
    expect((await server.json('POST', '/rpc/jobs:list', {}, { 'x-api-key': 'fbk_live_nope_nope' })).status).toBe(401);
    // Without a key, the session door still answers on loopback names only (DNS rebinding).
    expect((await server.json('POST', '/rpc/jobs:list', {}, { host: 'fax.example.com' })).status).toBe(403);
  });
});

describe('an office server address', () => {
  it('needs https unless the server is on this computer, and keeps a reverse proxy’s path prefix', () => {
    expect(checkServerUrl('https://fax.example.com/')).toBe('https://fax.example.com');
    expect(checkServerUrl(' https://proxy.example.com/faxbot/ ')).toBe('https://proxy.example.com/faxbot');
    expect(checkServerUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(checkServerUrl('http://localhost:8080')).toBe('http://localhost:8080');
    expect(checkServerUrl('http://[::1]:8080')).toBe('http://[::1]:8080');
    expect(() => checkServerUrl('http://192.168.1.20:8080')).toThrow(/Use an https:\/\/ address/);
    expect(() => checkServerUrl('http://fax.local')).toThrow(/Use an https:\/\/ address/);
    expect(() => checkServerUrl('ftp://fax.example.com')).toThrow(/must start with https:\/\//);
    expect(() => checkServerUrl('https://admin:pw@fax.example.com')).toThrow(/user name and password/);
    expect(() => checkServerUrl('https://fax.example.com/?key=1')).toThrow(/query/);
    expect(() => checkServerUrl('fax.example.com')).toThrow(/full address/);
  });
});
