import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { MAGIC_NUMBERS } from '../../../../e2e/emulators/common';
import { startSinchEmulator, type EmulatedSinchFax, type SinchEmulator, type SinchEmulatorOptions } from '../../../../e2e/emulators/sinch';
import { makePdf } from '../../../../e2e/emulators/test-receiver';
import { EnvSecretStore } from '../../secrets/env';
import { MemorySecretStore } from '../../secrets/memory';
import { faxForm, startTestGateway, type TestGateway } from '../../testing/harness';
import { createSinchFactory, SinchProvider, type SinchOptions } from './provider';

const KEY_ID = 'key-id-1';
const KEY_SECRET = 'key-secret-1';
const PROJECT = 'project-1';
const fastRetry = { busyDelaySeconds: 1, noAnswerDelaySeconds: 1, lineErrorDelaySeconds: 1, providerDelaySeconds: 1, maxAttempts: 3 };

let gw: TestGateway | null = null;
let emu: SinchEmulator | null = null;
afterEach(async () => {
  await gw?.close();
  await emu?.close();
  expect(emu?.errors() ?? []).toEqual([]);
  gw = null;
  emu = null;
});

interface Setup {
  env?: Record<string, string>;
  sinch?: SinchOptions;
  emulator?: Partial<SinchEmulatorOptions>;
  publicUrl?: boolean;
  now?: () => number;
  startWorkers?: boolean;
}

/**
 * Workaround (reported): the harness's MemorySecretStore ignores env secrets, while production wraps
 * the keychain in EnvSecretStore; so SINCH_API_KEY etc. reach the gateway through the same wrapper here.
 */
function gateway(env: Record<string, string>, extra: Parameters<typeof startTestGateway>[0] = {}): Promise<TestGateway> {
  return startTestGateway({ env, secretStore: new EnvSecretStore(new MemorySecretStore(), env), settings: { retry: fastRetry }, ...extra });
}

/** Sinch emulator + gateway with FAX_BACKEND=sinch; fast polling only where a test relies on it. */
async function setup(opts: Setup = {}): Promise<{ gw: TestGateway; emu: SinchEmulator }> {
  emu = await startSinchEmulator({
    keyId: KEY_ID,
    keySecret: KEY_SECRET,
    projectId: PROJECT,
    stepDelayMs: 20,
    retrySchedule: [50, 100, 200],
    ...opts.emulator,
  });
  const env = {
    FAX_BACKEND: 'sinch',
    SINCH_BASE_URL: emu.url,
    SINCH_AUTH_URL: emu.authUrl,
    SINCH_PROJECT_ID: PROJECT,
    SINCH_API_KEY: KEY_ID,
    SINCH_API_SECRET: KEY_SECRET,
    ...opts.env,
  };
  gw = await gateway(env, {
    providerFactories: { sinch: createSinchFactory({ pollWithoutCallbacksMs: 50, pollWithCallbacksMs: 600_000, ...opts.sinch }) },
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.startWorkers === false ? { startWorkers: false } : {}),
  });
  if (opts.publicUrl) {
    const res = await gw.invoke('settings:update', { patch: { publicApiUrl: gw.url, enforcePublicHttps: false } });
    expect(res.ok).toBe(true);
  }
  return { gw, emu };
}

async function send(to: string, pages = 2): Promise<string> {
  const res = await gw!.post('/fax', faxForm(to, { name: 'memo.pdf', bytes: await makePdf(pages), type: 'application/pdf' }));
  expect(res.status).toBe(202);
  return res.body.id as string;
}

function faxesOf(jobId: string): EmulatedSinchFax[] {
  return emu!.faxes().filter((f) => f.fax.labels?.faxbot_job === jobId);
}

function provider(): SinchProvider {
  const p = gw!.core.providers.forBackend('sinch');
  if (!(p instanceof SinchProvider)) throw new Error('no sinch provider');
  return p;
}

async function postCallback(url: string, body: object | FormData, auth?: string) {
  const u = new URL(url);
  const creds = u.username
    ? `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`
    : undefined;
  u.username = '';
  u.password = '';
  const encoded = body instanceof FormData ? new Response(body) : null;
  const res = await request(u.toString(), {
    method: 'POST',
    headers: {
      'content-type': encoded ? (encoded.headers.get('content-type') as string) : 'application/json',
      ...((auth ?? creds) ? { authorization: (auth ?? creds) as string } : {}),
    },
    body: encoded ? Buffer.from(await encoded.arrayBuffer()) : JSON.stringify(body),
  });
  return { status: res.statusCode, body: (await res.body.json()) as { status?: string; detail?: string } };
}

describe('Sinch: sending', () => {
  it('delivers by polling with no public URL (Faxbot never updated Sinch jobs); multipart upload with labels', async () => {
    await setup();
    const id = await send(MAGIC_NUMBERS.success);
    const done = await gw!.waitForJob(id, ['delivered', 'failed']);
    expect(done).toMatchObject({ state: 'delivered', status: 'SUCCESS', pages: 2, attempts: 1, backend: 'sinch' });
    const [sent, ...more] = faxesOf(id);
    expect(more).toEqual([]);
    expect(sent).toMatchObject({ requestEncoding: 'multipart', callbackUrl: null });
    expect(sent?.fax.labels).toEqual({ faxbot_job: id, faxbot_attempt: '1' });
    expect(sent?.batch.uploads).toHaveLength(1);
    expect(done.provider_sid).toBe(sent?.fax.id);
    const lines = await gw!.timeline(id);
    expect(lines).toContain('Accepted by Sinch');
    expect(lines.at(-1)).toBe('Delivered (2 pages)');
  });

  it('falls back to the PHAXIO_* key pair when SINCH_API_KEY/SECRET are unset (Faxbot compatibility)', async () => {
    await setup({ env: { SINCH_API_KEY: '', SINCH_API_SECRET: '', PHAXIO_API_KEY: KEY_ID, PHAXIO_API_SECRET: KEY_SECRET } });
    const done = await gw!.waitForJob(await send(MAGIC_NUMBERS.success), ['delivered', 'failed']);
    expect(done.state).toBe('delivered');
  });

  for (const contentType of ['multipart/form-data', 'application/json'] as const) {
    it(`delivers via the FAX_COMPLETED callback (${contentType}) with per-job Basic credentials`, async () => {
      // Polling is 10 minutes here, so only the callback can finish the job in time.
      await setup({ publicUrl: true, sinch: { callbackContentType: contentType } });
      const id = await send(MAGIC_NUMBERS.success, 3);
      const done = await gw!.waitForJob(id, ['delivered', 'failed']);
      expect(done).toMatchObject({ state: 'delivered', pages: 3 });
      const sent = faxesOf(id)[0]!;
      const cb = new URL(sent.callbackUrl!);
      expect(cb.username).toBe('faxbot');
      expect(cb.password.length).toBeGreaterThan(40);
      expect(`${cb.origin}${cb.pathname}${cb.search}`).toBe(`${gw!.url}/sinch-callback?job_id=${id}`);
      expect(sent.fax.callbackUrlContentType).toBe(contentType);
      expect(sent.fax.callbackUrl).not.toContain(cb.password); // Sinch masks it when read back
      const callbacks = emu!.callbacksSent().filter((c) => c.payload.faxId === sent.fax.id);
      expect(callbacks.map((c) => [c.status, c.payload.encoding])).toEqual([
        [200, contentType === 'application/json' ? 'json' : 'multipart'],
      ]);
    });
  }

  it('busy → retried after the busy delay → delivered, one Sinch fax per attempt', async () => {
    await setup();
    const id = await send(MAGIC_NUMBERS.busyOnceThenSuccess);
    const mid = await gw!.waitForJob(id, ['retry_wait']);
    expect(mid).toMatchObject({ failure_class: 'busy', attempts: 1 });
    expect(mid.error).toBe('The line was busy (Sinch CALL_ERROR 17).');
    const done = await gw!.waitForJob(id, ['delivered', 'failed'], 15_000);
    expect(done).toMatchObject({ state: 'delivered', attempts: 2, error: null, pages: 2 });
    expect(
      faxesOf(id)
        .map((f) => [f.fax.labels?.faxbot_attempt, f.fax.status])
        .sort(),
    ).toEqual([
      ['1', 'FAILURE'],
      ['2', 'COMPLETED'],
    ]);
  });

  it('an invalid number fails at once and is never retried; the reason names no number', async () => {
    await setup();
    const id = await send(MAGIC_NUMBERS.notOperational);
    const done = await gw!.waitForJob(id, ['failed', 'delivered']);
    expect(done).toMatchObject({ state: 'failed', failure_class: 'invalid_number', attempts: 1 });
    expect(done.error).toBe('The number is not a working fax number (Sinch CALL_ERROR 34).');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(faxesOf(id)).toHaveLength(1);
  });

  it('a provider 5xx on send is retried later, and the fax is sent exactly once', async () => {
    await setup();
    emu!.misbehave({ kind: 'serverError', times: 1, status: 503 });
    const id = await send(MAGIC_NUMBERS.success);
    const mid = await gw!.waitForJob(id, ['retry_wait']);
    expect(mid).toMatchObject({ failure_class: 'provider_unavailable', attempts: 1 });
    const done = await gw!.waitForJob(id, ['delivered', 'failed'], 15_000);
    expect(done).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(faxesOf(id)).toHaveLength(1);
  });
});

describe('Sinch: OAuth2', () => {
  it('sends with a bearer token, caches it, and refreshes once on a 401 for an expired token', async () => {
    await setup({ env: { SINCH_AUTH_MODE: 'oauth2' } });
    expect((await gw!.waitForJob(await send(MAGIC_NUMBERS.success), ['delivered', 'failed'])).state).toBe('delivered');
    expect(emu!.tokensIssued()).toBe(1);
    // Sinch's clock passes the token's exp; ours does not, so only the 401 can tell us.
    emu!.advanceClock(3_601_000);
    expect((await gw!.waitForJob(await send(MAGIC_NUMBERS.success), ['delivered', 'failed'])).state).toBe('delivered');
    expect(emu!.tokensIssued()).toBe(2);
  });

  it('refreshes ahead of exp by our own clock, and a wrong secret fails as an auth error without retry', async () => {
    let skew = 0;
    await setup({ env: { SINCH_AUTH_MODE: 'oauth2' }, now: () => Date.now() + skew });
    expect((await provider().checkCredentials(AbortSignal.timeout(5000))).state).toBe('pass');
    expect(emu!.tokensIssued()).toBe(1);
    skew = 3_600_000 - 30_000; // inside the 60 s refresh window
    expect((await provider().checkCredentials(AbortSignal.timeout(5000))).state).toBe('pass');
    expect(emu!.tokensIssued()).toBe(2);

    await gw!.close();
    gw = await gateway({
      FAX_BACKEND: 'sinch',
      SINCH_AUTH_MODE: 'oauth2',
      SINCH_BASE_URL: emu!.url,
      SINCH_AUTH_URL: emu!.authUrl,
      SINCH_PROJECT_ID: PROJECT,
      SINCH_API_KEY: KEY_ID,
      SINCH_API_SECRET: 'wrong',
    });
    const done = await gw.waitForJob(await send(MAGIC_NUMBERS.success), ['failed', 'delivered']);
    expect(done).toMatchObject({ state: 'failed', failure_class: 'auth', attempts: 1 });
    expect(done.error).toMatch(/access token/);
  });
});

describe('Sinch: callbacks are authenticated, idempotent and ordered', () => {
  it('duplicate and stale (out-of-order) callbacks change nothing after delivery', async () => {
    await setup({ publicUrl: true });
    emu!.misbehave({ kind: 'duplicateCallback', times: 1 });
    emu!.misbehave({ kind: 'staleCallbackAfterTerminal', times: 1 });
    const id = await send(MAGIC_NUMBERS.success);
    await gw!.waitForJob(id, ['delivered', 'failed']);
    const faxId = faxesOf(id)[0]!.fax.id;
    // A delivery is logged when it starts; wait until all three have been answered.
    await emu!.waitFor(() => emu!.callbacksSent().filter((c) => c.payload.faxId === faxId && c.status !== null).length === 3, 3000);
    expect(emu!.callbacksSent().map((c) => [c.label, c.status])).toEqual([
      ['original', 200],
      ['duplicate', 200],
      ['stale', 200],
    ]);
    const job = (await gw!.get(`/fax/${id}`)).body;
    expect(job).toMatchObject({ state: 'delivered', pages: 2 });
    expect((await gw!.timeline(id)).filter((l) => l.startsWith('Delivered'))).toHaveLength(1);
  });

  it("refuses missing or wrong credentials (401) and ignores a callback whose fax id is not the job's", async () => {
    // Sinch is slow here, so the job sits in `sending` while we post forged callbacks.
    await setup({ publicUrl: true, emulator: { stepDelayMs: 1500 } });
    const id = await send(MAGIC_NUMBERS.success);
    await emu!.waitFor(() => faxesOf(id).length === 1, 3000);
    const sent = faxesOf(id)[0]!;
    await emu!.waitFor(async () => (await gw!.get(`/fax/${id}`)).body.provider_sid === sent.fax.id, 3000);
    const forged = {
      event: 'FAX_COMPLETED',
      eventTime: '2024-01-01T00:00:00Z',
      fax: { ...sent.fax, id: 'SOMEONE-ELSES-FAX', status: 'FAILURE', errorType: 'CALL_ERROR', errorCode: 17 },
    };
    const bare = `${gw!.url}/sinch-callback?job_id=${id}`;
    expect((await postCallback(bare, forged)).status).toBe(401);
    expect((await postCallback(bare, forged, `Basic ${Buffer.from('faxbot:guess').toString('base64')}`)).status).toBe(401);
    // Another job's valid credentials do not open this job.
    const other = new URL(sent.callbackUrl!);
    other.searchParams.set('job_id', 'another-job');
    expect((await postCallback(other.toString(), forged)).status).toBe(401);

    const form = new FormData();
    form.append('event', 'FAX_COMPLETED');
    form.append('eventTime', '2024-01-01T00:00:00Z');
    form.append('fax', JSON.stringify(forged.fax));
    const ignored = await postCallback(sent.callbackUrl!, form);
    // Acknowledged (Sinch stops retrying) and audited, but another fax cannot move this job.
    expect(ignored).toEqual({ status: 200, body: { status: 'ok' } });
    const audit = await gw!.invoke('audit:tail', { limit: 50, event: 'provider_callback_ignored' });
    expect(audit).toMatchObject({ ok: true, value: [{ backend: 'sinch', job_id: id, reason: 'provider_id_mismatch' }] });
    expect((await gw!.get(`/fax/${id}`)).body.state).toBe('sending');
    expect((await postCallback(sent.callbackUrl!, { hostile: true })).body).toEqual({ status: 'ignored' });
    expect((await postCallback(sent.callbackUrl!, { event: 'FAX_COMPLETED', fax: '{not json' })).status).toBe(400);

    const done = await gw!.waitForJob(id, ['delivered', 'failed'], 10_000);
    expect(done.state).toBe('delivered');
  });
});

describe('Sinch: reconciliation and credentials', () => {
  it('a lost answer to the send is reconciled by labels: the fax is recorded, never sent twice', async () => {
    await setup();
    emu!.misbehave({ kind: 'dropResponse', times: 1 });
    const id = await send(MAGIC_NUMBERS.success);
    const done = await gw!.waitForJob(id, ['delivered', 'failed'], 10_000);
    expect(done).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(faxesOf(id)).toHaveLength(1);
    const lines = await gw!.timeline(id);
    expect(lines.some((l) => /No clear answer from Sinch/.test(l))).toBe(true);
    expect(lines.some((l) => /Confirmed with Sinch after an interruption/.test(l))).toBe(true);
  });

  it('an attempt interrupted before Sinch received it is sent once after restart', async () => {
    await setup({ startWorkers: false });
    const id = await send(MAGIC_NUMBERS.success);
    gw!.core.db
      .prepare(
        "UPDATE jobs SET status = 'sending', attempts = 1, submit_state = 'submitting', lease_owner = 'dead-process', lease_expires_at = ? WHERE id = ?",
      )
      .run(Date.now() + 60_000, id);
    gw!.core.outbox.start();
    const done = await gw!.waitForJob(id, ['delivered', 'failed'], 10_000);
    expect(done).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(faxesOf(id).map((f) => f.fax.labels?.faxbot_attempt)).toEqual(['1']);
  });

  it('checks credentials with a cheap authenticated call: pass, then fail with a fix', async () => {
    await setup();
    expect(await provider().checkCredentials(AbortSignal.timeout(5000))).toMatchObject({ state: 'pass' });
    await gw!.close();
    gw = await gateway({
      FAX_BACKEND: 'sinch',
      SINCH_BASE_URL: emu!.url,
      SINCH_PROJECT_ID: PROJECT,
      SINCH_API_KEY: KEY_ID,
      SINCH_API_SECRET: 'wrong',
    });
    const failed = await provider().checkCredentials(AbortSignal.timeout(5000));
    expect(failed).toMatchObject({ state: 'fail', detail: expect.stringMatching(/rejected/) });
    expect(failed.fix).toMatch(/Access keys/);
    expect(JSON.stringify(failed)).not.toContain('wrong');
  });

  it('says what is missing when the project id or keys are not set', async () => {
    gw = await gateway({ FAX_BACKEND: 'sinch' });
    expect(gw.core.providers.problem('sinch')).toBe('SINCH_PROJECT_ID, SINCH_API_KEY, SINCH_API_SECRET are not set');
  });
});
