import { RestClient } from '@signalwire/compatibility-api';
import twilio from 'twilio';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startSignalWireEmulator, type SignalWireEmulator, type SignalWireEmulatorOptions } from '../../../../e2e/emulators/signalwire';
import { makePdf } from '../../../../e2e/emulators/test-receiver';
import { EnvSecretStore } from '../../secrets/env';
import { MemorySecretStore } from '../../secrets/memory';
import { faxForm, startTestGateway, type TestGateway } from '../../testing/harness';
import type { FaxProvider } from '../types';
import { MEDIA_FETCH_ERROR } from './status';

const PROJECT = 'b3877c40-da60-4998-90ad-b792e98472ac';
const TOKEN = 'PT_gateway_api_token';
const KEY = 'PSK_gateway_signing_key';
const FROM = '+15550109999';
const fastRetry = { busyDelaySeconds: 1, noAnswerDelaySeconds: 1, lineErrorDelaySeconds: 1, providerDelaySeconds: 1, maxAttempts: 3 };

let gw: TestGateway | null = null;
let emu: SignalWireEmulator | null = null;
afterEach(async () => {
  await gw?.close();
  await emu?.close();
  gw = null;
  emu = null;
});

interface Setup {
  emulator?: Partial<SignalWireEmulatorOptions>;
  env?: Record<string, string>;
  settings?: Record<string, unknown>;
  /** The public URL to set once listening; default the gateway's own loopback URL; null = none. */
  publicUrl?: ((gateway: TestGateway) => string) | null;
  now?: () => number;
}

async function setup(options: Setup = {}): Promise<{ gw: TestGateway; emu: SignalWireEmulator }> {
  emu = await startSignalWireEmulator({ projectId: PROJECT, apiToken: TOKEN, signingKey: KEY, ...options.emulator });
  const env: Record<string, string> = {
    FAX_BACKEND: 'signalwire',
    SIGNALWIRE_SPACE_URL: emu.url,
    SIGNALWIRE_PROJECT_ID: PROJECT,
    SIGNALWIRE_API_TOKEN: TOKEN,
    SIGNALWIRE_WEBHOOK_SIGNING_KEY: KEY,
    SIGNALWIRE_FAX_FROM_E164: FROM,
    ENFORCE_PUBLIC_HTTPS: 'false',
    ...options.env,
  };
  for (const [name, value] of Object.entries(env)) if (value === '') delete env[name];
  gw = await startTestGateway({
    env,
    // Workaround: the harness's MemorySecretStore ignores env secrets; production wraps the keychain in EnvSecretStore.
    secretStore: new EnvSecretStore(new MemorySecretStore(), env),
    settings: { retry: fastRetry, ...options.settings },
    ...(options.now ? { now: options.now } : {}),
  });
  const publicUrl = options.publicUrl === undefined ? gw.url : options.publicUrl?.(gw);
  if (publicUrl) {
    const res = await gw.invoke('settings:update', { patch: { publicApiUrl: publicUrl } });
    expect(res.ok).toBe(true);
  }
  await gw.core.providers.refresh();
  return { gw, emu };
}

async function sendPdf(to: string, pages = 2): Promise<string> {
  const res = await gw!.post('/fax', faxForm(to, { name: 'memo.pdf', bytes: await makePdf(pages), type: 'application/pdf' }));
  expect(res.status).toBe(202);
  return res.body.id as string;
}

function provider(): FaxProvider {
  const p = gw!.core.providers.forBackend('signalwire');
  if (!p) throw new Error(`no signalwire provider: ${gw!.core.providers.problem('signalwire')}`);
  return p;
}

function faxesTo(to: string) {
  return emu!.faxes().filter((f) => f.direction === 'outbound' && f.to === to);
}

/** POSTs a form to the gateway as SignalWire would, with the given signature headers. */
async function postForm(path: string, params: Record<string, string>, headers: Record<string, string>, rawBody?: string) {
  const res = await request(`${gw!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: rawBody ?? new URLSearchParams(params).toString(),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? (JSON.parse(text) as { detail?: string; ok?: boolean }) : null };
}

async function waitForProviderSid(id: string) {
  await gw!.waitForJob(id, ['sending']);
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const job = (await gw!.get(`/fax/${id}`)).body;
    if (job.provider_sid) return job;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('no provider id recorded');
}

describe('SignalWire: sending through the emulator', () => {
  it('send → delivered: SignalWire fetches our tokenised MediaUrl and a signed StatusCallback completes the job', async () => {
    await setup();
    const to = '+15550100000';
    const id = await sendPdf(to);
    const done = await gw!.waitForJob(id, ['delivered', 'failed']);
    expect(done).toMatchObject({ state: 'delivered', status: 'SUCCESS', pages: 2, attempts: 1, backend: 'signalwire', test_mode: false });
    const [fax] = faxesTo(to);
    expect(done.provider_sid).toBe(fax!.sid);
    expect(fax!.mediaUrl).toMatch(new RegExp(`^${gw!.url}/fax/${id}/pdf\\?token=[A-Za-z0-9_-]{43}&attempt=1$`));
    expect(fax!.mediaFetchStatus).toBe(200);
    expect(fax).toMatchObject({
      from: FROM,
      quality: 'fine',
      statusCallback: `${gw!.url}/signalwire-callback?job_id=${id}`,
      history: ['queued', 'processing', 'sending', 'delivered'],
    });
    const callbacks = emu!.callbacksSent().filter((c) => c.kind === 'status');
    // A 503 is possible only if the callback beat the recording of the fax id; SignalWire then redelivers.
    expect(callbacks.at(-1)).toMatchObject({ status: 200, params: { FaxStatus: 'delivered' } });
    expect(callbacks.slice(0, -1).every((c) => c.status === 503)).toBe(true);
    // The callback (not the 30 s poller) applied the outcome.
    const audit = await gw!.invoke('audit:tail', { limit: 50, event: 'provider_callback' });
    expect(JSON.stringify(audit)).toContain('applied');
    expect((await gw!.timeline(id)).at(-1)).toBe('Delivered (2 pages)');
  });

  it('asks SignalWire for the resolution chosen for the fax (Quality standard or fine)', async () => {
    await setup();
    const to = '+15550100001';
    const form = faxForm(to, { name: 'memo.pdf', bytes: await makePdf(1), type: 'application/pdf' });
    form.append('resolution', 'standard');
    const res = await gw!.post('/fax', form);
    expect(res.status).toBe(202);
    await gw!.waitForJob(res.body.id as string, ['delivered', 'failed']);
    expect(faxesTo(to).map((f) => f.quality)).toEqual(['standard']);
  });

  it('send → busy → retry → delivered, one fax per attempt', async () => {
    await setup();
    const to = '+15550100117';
    const id = await sendPdf(to);
    const mid = await gw!.waitForJob(id, ['retry_wait']);
    expect(mid).toMatchObject({ failure_class: 'busy', attempts: 1, error: 'The line was busy.' });
    const done = await gw!.waitForJob(id, ['delivered', 'failed'], 15_000);
    expect(done).toMatchObject({ state: 'delivered', attempts: 2, error: null });
    const faxes = faxesTo(to);
    expect(faxes.map((f) => f.status).sort()).toEqual(['busy', 'delivered']);
    expect(faxes.map((f) => new URL(f.mediaUrl).searchParams.get('attempt')).sort()).toEqual(['1', '2']);
  });

  it('an invalid number fails at once and is never retried', async () => {
    await setup();
    const to = '+15550100034';
    const id = await sendPdf(to);
    const done = await gw!.waitForJob(id, ['failed', 'delivered']);
    expect(done).toMatchObject({ state: 'failed', failure_class: 'invalid_number', attempts: 1 });
    expect(done.error).toBe('The number is not a working fax number (SignalWire: Number not operational, code 15005).');
    await new Promise((r) => setTimeout(r, 1500));
    expect(faxesTo(to)).toHaveLength(1);
  });

  it('an expired media token fails the attempt as ours, and the next attempt succeeds with a new link', async () => {
    let offset = 0;
    await setup({ now: () => Date.now() + offset });
    emu!.misbehave({ kind: 'contentFetchDelay', times: 1, ms: 400 });
    const to = '+15550100001';
    const id = await sendPdf(to);
    await emu!.waitFor(() => emu!.faxes().some((f) => f.status === 'processing'), 5000);
    await gw!.waitForJob(id, ['sending']);
    offset = 2 * 60 * 60_000; // past the 60 min token TTL while SignalWire is still about to fetch
    const mid = await gw!.waitForJob(id, ['retry_wait', 'failed']);
    expect(mid).toMatchObject({ state: 'retry_wait', failure_class: 'provider_unavailable', error: MEDIA_FETCH_ERROR });
    const done = await gw!.waitForJob(id, ['delivered', 'failed'], 15_000);
    expect(done).toMatchObject({ state: 'delivered', attempts: 2 });
    const faxes = faxesTo(to).sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime());
    expect(faxes.map((f) => [f.mediaFetchStatus, f.errorCode])).toEqual([
      [403, 15002],
      [200, null],
    ]);
    expect(new URL(faxes[0]!.mediaUrl).searchParams.get('token')).not.toBe(new URL(faxes[1]!.mediaUrl).searchParams.get('token'));
  });

  it('with no public URL the job fails at once with the reason, and nothing is submitted', async () => {
    await setup({ publicUrl: null });
    const id = await sendPdf('+15550100002');
    const done = await gw!.waitForJob(id, ['failed', 'delivered']);
    expect(done).toMatchObject({ state: 'failed', failure_class: 'rejected', attempts: 0 });
    expect(done.error).toBe('SignalWire fetches the document from a public URL, and none is set.');
    expect(emu!.faxes()).toHaveLength(0);
  });

  it('a provider 5xx is retried later without a duplicate fax', async () => {
    await setup();
    emu!.misbehave({ kind: 'serverError', times: 1, status: 503 });
    const to = '+15550100003';
    const id = await sendPdf(to);
    const mid = await gw!.waitForJob(id, ['retry_wait', 'failed']);
    expect(mid).toMatchObject({ state: 'retry_wait', failure_class: 'provider_unavailable' });
    const done = await gw!.waitForJob(id, ['delivered', 'failed'], 15_000);
    expect(done).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(faxesTo(to)).toHaveLength(1);
  });

  it('a lost answer (fax created, response dropped) is reconciled by lookup, never sent twice', async () => {
    await setup({ emulator: { stepDelayMs: 200 } });
    emu!.misbehave({ kind: 'dropResponse', times: 1 });
    const to = '+15550100004';
    const id = await sendPdf(to);
    const done = await gw!.waitForJob(id, ['delivered', 'failed'], 15_000);
    expect(done).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(faxesTo(to)).toHaveLength(1);
    const lines = await gw!.timeline(id);
    expect(lines).toContain('Confirmed with SignalWire after an interruption');
  });

  it('duplicate and stale (sending after delivered) callbacks are no-ops', async () => {
    await setup();
    emu!.misbehave({ kind: 'duplicateCallback', times: 1 });
    emu!.misbehave({ kind: 'staleCallbackAfterTerminal', times: 1 });
    const id = await sendPdf('+15550100005');
    await gw!.waitForJob(id, ['delivered']);
    // Each was eventually answered 200 (one that beat the recording of the fax id got a 503 and was redelivered).
    const answered = () =>
      emu!
        .callbacksSent()
        .filter((c) => c.kind === 'status' && c.status === 200)
        .map((c) => `${c.label}:${c.params.FaxStatus}`);
    await emu!.waitFor(() => answered().length === 3, 5000);
    expect(answered().sort()).toEqual(['duplicate:delivered', 'original:delivered', 'stale:sending']);
    expect((await gw!.get(`/fax/${id}`)).body).toMatchObject({ state: 'delivered', pages: 2 });
    expect((await gw!.timeline(id)).filter((l) => l.startsWith('Delivered'))).toHaveLength(1);
  });
});

describe('SignalWire: provider operations', () => {
  it('poll reads the Fax resource, and lookup attributes listed faxes to the exact attempt', async () => {
    await setup();
    const to = '+15550100006';
    const id = await sendPdf(to);
    const done = await gw!.waitForJob(id, ['delivered']);
    const p = provider();
    const signal = AbortSignal.timeout(5000);
    const facts = { toE164: to, jobCreatedAt: (await gw!.core.jobs.row(id)).created_at };
    expect(await p.poll!(done.provider_sid, signal)).toMatchObject({ providerId: done.provider_sid, phase: 'delivered', pages: 2 });
    expect(await p.lookup!({ jobId: id, attempt: 1, idempotencyKey: `${id}-1`, ...facts }, signal)).toEqual({
      providerId: done.provider_sid,
      rawStatus: 'delivered',
    });
    // Attempt 2 never reached SignalWire, and every listed fax to the number is accounted for.
    expect(await p.lookup!({ jobId: id, attempt: 2, idempotencyKey: `${id}-2`, ...facts }, signal)).toBeNull();
    // A fax to the same number that is not ours makes "never received" uncertain: lookup defers.
    const auth = `Basic ${Buffer.from(`${PROJECT}:${TOKEN}`).toString('base64')}`;
    const foreign = await request(`${emu!.url}/api/laml/2010-04-01/Accounts/${PROJECT}/Faxes.json`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: to, From: FROM, MediaUrl: `${emu!.url}/elsewhere.pdf` }).toString(),
    });
    expect(foreign.statusCode).toBe(201);
    await foreign.body.dump();
    await expect(p.lookup!({ jobId: id, attempt: 2, idempotencyKey: `${id}-2`, ...facts }, signal)).rejects.toThrow(/cannot be matched/);
  });

  it('credential check: pass, warn without a signing key, fail with a wrong token', async () => {
    await setup();
    expect(await provider().checkCredentials!(AbortSignal.timeout(5000))).toMatchObject({ state: 'pass' });
    await gw!.close();
    await emu!.close();
    await setup({ env: { SIGNALWIRE_WEBHOOK_SIGNING_KEY: '' } });
    const warn = await provider().checkCredentials!(AbortSignal.timeout(5000));
    expect(warn).toMatchObject({ state: 'warn', fix: expect.stringMatching(/SIGNALWIRE_WEBHOOK_SIGNING_KEY/) });
    await gw!.close();
    await emu!.close();
    await setup({ env: { SIGNALWIRE_API_TOKEN: 'wrong' } });
    const bad = await provider().checkCredentials!(AbortSignal.timeout(5000));
    expect(bad).toMatchObject({ state: 'fail', fix: expect.stringMatching(/Project ID and an API token/) });
    expect(bad.detail).not.toContain('wrong');
  });

  it('a missing setting keeps the backend off with a plain reason', async () => {
    await setup({ env: { SIGNALWIRE_FAX_FROM_E164: '' } });
    expect(gw!.core.providers.forBackend('signalwire')).toBeNull();
    expect(gw!.core.providers.problem('signalwire')).toMatch(/SIGNALWIRE_FAX_FROM_E164 is not set/);
  });
});

describe('SignalWire: StatusCallback verification', () => {
  /** A job that stays `sending` (SignalWire waits a minute), with its fax id recorded. */
  async function sendingJob(to: string) {
    const id = await sendPdf(to);
    const job = await waitForProviderSid(id);
    return { id, sid: job.provider_sid as string };
  }

  const params = (sid: string, to: string, status: string, extra: Record<string, string> = {}): Record<string, string> => ({
    AccountSid: PROJECT,
    ApiVersion: 'v1',
    FaxSid: sid,
    From: FROM,
    To: to,
    FaxStatus: status,
    NumPages: '2',
    ErrorCode: '',
    ErrorMessage: '',
    ...extra,
  });

  it('refuses forged callbacks (bad, missing, any byte changed, local URL, wrong key) and leaves the job alone', async () => {
    // The public URL differs from the local one, as behind a tunnel.
    await setup({ publicUrl: (g) => `http://localhost:${g.port}`, emulator: { stepDelayMs: 60_000 } });
    const to = '+15550100010';
    const { id, sid } = await sendingJob(to);
    const path = `/signalwire-callback?job_id=${id}`;
    const publicUrl = `http://localhost:${gw!.port}${path}`;
    const p = params(sid, to, 'failed', { ErrorCode: '15005', ErrorMessage: 'Number not operational' });
    const good = twilio.getExpectedTwilioSignature(KEY, publicUrl, p);
    const before = await gw!.timeline(id);
    const refused = async (res: Promise<{ status: number; body: { detail?: string } | null }>) => {
      const r = await res;
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ detail: 'Invalid signature' });
    };

    await refused(postForm(path, p, {}));
    await refused(postForm(path, p, { 'x-signalwire-signature': 'not-a-signature' }));
    await refused(postForm(path, p, { 'x-signalwire-signature': twilio.getExpectedTwilioSignature(KEY, `${gw!.url}${path}`, p) }));
    await refused(postForm(path, p, { 'x-signalwire-signature': twilio.getExpectedTwilioSignature('PSK_other', publicUrl, p) }));
    await refused(postForm(`/signalwire-callback?job_id=${id}x`, p, { 'x-signalwire-signature': good }));
    for (let i = 0; i < good.length; i++) {
      const changed = good.slice(0, i) + (good[i] === 'A' ? 'B' : 'A') + good.slice(i + 1);
      await refused(postForm(path, p, { 'x-signalwire-signature': changed }));
    }
    const body = new URLSearchParams(p).toString();
    for (let i = 0; i < body.length; i++) {
      const changed = body.slice(0, i) + (body[i] === 'A' ? 'B' : 'A') + body.slice(i + 1);
      await refused(postForm(path, p, { 'x-signalwire-signature': good }, changed));
    }
    await refused(postForm(path, p, { 'x-signalwire-signature': good }, `${body}&Extra=1`));

    expect((await gw!.get(`/fax/${id}`)).body).toMatchObject({ state: 'sending', provider_sid: sid, failure_class: null });
    expect(await gw!.timeline(id)).toEqual(before);
  });

  it('refuses a callback the emulator sent with a tampered signature', async () => {
    await setup();
    emu!.misbehave({ kind: 'badSignature', times: 1 });
    const id = await sendPdf('+15550100015');
    await emu!.waitFor(() => emu!.callbacksSent().some((c) => c.kind === 'status' && c.status !== null), 5000);
    expect(emu!.callbacksSent().map((c) => [c.label, c.status])).toEqual([['badSignature', 401]]);
    expect((await gw!.get(`/fax/${id}`)).body.state).toBe('sending');
  });

  it('accepts a callback signed by the official SDK over the public URL; duplicates, stale updates and a FaxSid mismatch are no-ops', async () => {
    await setup({ publicUrl: (g) => `http://localhost:${g.port}`, emulator: { stepDelayMs: 60_000 } });
    const to = '+15550100011';
    const { id, sid } = await sendingJob(to);
    const path = `/signalwire-callback?job_id=${id}`;
    const publicUrl = `http://localhost:${gw!.port}${path}`;
    const signed = (p: Record<string, string>) => {
      const signature = twilio.getExpectedTwilioSignature(KEY, publicUrl, p);
      // The SignalWire SDK agrees with twilio's helper on the same string.
      expect(RestClient.validateRequest(KEY, signature, publicUrl, p)).toBe(true);
      return { 'x-twilio-signature': signature };
    };

    const otherSid = '00000000-0000-4000-8000-000000000000';
    const mismatch = params(otherSid, to, 'delivered');
    expect(await postForm(path, mismatch, signed(mismatch))).toEqual({ status: 200, body: { status: 'ok' } });
    expect((await gw!.get(`/fax/${id}`)).body).toMatchObject({ state: 'sending', provider_sid: sid });

    const delivered = params(sid, to, 'delivered', { NumPages: '2' });
    expect(await postForm(path, delivered, signed(delivered))).toEqual({ status: 200, body: { status: 'ok' } });
    expect((await gw!.get(`/fax/${id}`)).body).toMatchObject({ state: 'delivered', pages: 2, provider_sid: sid });
    const after = await gw!.timeline(id);

    expect((await postForm(path, delivered, signed(delivered))).status).toBe(200);
    const stale = params(sid, to, 'sending');
    expect((await postForm(path, stale, signed(stale))).status).toBe(200);
    const late = params(sid, to, 'failed', { ErrorCode: '15005' });
    expect((await postForm(path, late, signed(late))).status).toBe(200);
    expect((await gw!.get(`/fax/${id}`)).body).toMatchObject({ state: 'delivered', pages: 2, error: null });
    expect(await gw!.timeline(id)).toEqual(after);
  });

  it('accepts a GET callback (fields in the signed query) and finds the job by FaxSid without job_id', async () => {
    await setup({ emulator: { stepDelayMs: 60_000 } });
    const to = '+15550100012';
    const { id, sid } = await sendingJob(to);
    const query = new URLSearchParams(params(sid, to, 'busy')).toString();
    const path = `/signalwire-callback?${query}`;
    const signature = twilio.getExpectedTwilioSignature(KEY, `${gw!.url}${path}`, {});
    const res = await request(`${gw!.url}${path}`, { headers: { 'x-signalwire-signature': signature } });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    expect((await gw!.get(`/fax/${id}`)).body).toMatchObject({ state: 'retry_wait', failure_class: 'busy' });
  });

  it('verifies against SIGNALWIRE_STATUS_CALLBACK_URL when the admin set one', async () => {
    await setup();
    const override = `http://localhost:${gw!.port}/signalwire-callback`;
    expect((await gw!.invoke('settings:update', { patch: { signalwire: { statusCallbackUrl: override } } })).ok).toBe(true);
    await gw!.core.providers.refresh();
    const to = '+15550100013';
    const id = await sendPdf(to);
    expect(await gw!.waitForJob(id, ['delivered', 'failed'])).toMatchObject({ state: 'delivered' });
    expect(faxesTo(to)[0]!.statusCallback).toBe(`${override}?job_id=${id}`);
    expect(
      emu!
        .callbacksSent()
        .filter((c) => c.kind === 'status')
        .at(-1)?.status,
    ).toBe(200);
  });

  it('refuses every webhook while no signing key is configured, telling the admin what to set', async () => {
    await setup({ env: { SIGNALWIRE_WEBHOOK_SIGNING_KEY: '' }, emulator: { stepDelayMs: 60_000 } });
    const to = '+15550100014';
    const { id, sid } = await sendingJob(to);
    const path = `/signalwire-callback?job_id=${id}`;
    const p = params(sid, to, 'delivered');
    const res = await postForm(path, p, { 'x-signalwire-signature': twilio.getExpectedTwilioSignature(KEY, `${gw!.url}${path}`, p) });
    expect(res.status).toBe(401);
    expect(res.body?.detail).toMatch(/SIGNALWIRE_WEBHOOK_SIGNING_KEY/);
    expect((await postForm('/signalwire-inbound', { FaxSid: sid }, {})).status).toBe(401);
    expect((await gw!.get(`/fax/${id}`)).body.state).toBe('sending');
  });

  it('answers hostile requests with 4xx, never 5xx', async () => {
    await setup({ emulator: { stepDelayMs: 60_000 } });
    const path = '/signalwire-callback?job_id=x';
    const url = `${gw!.url}${path}`;
    const send = async (body: string | Buffer, headers: Record<string, string>) => {
      const res = await request(url, { method: 'POST', headers, body });
      await res.body.dump();
      return res.statusCode;
    };
    expect(await send('x'.repeat(100_000), { 'content-type': 'application/x-www-form-urlencoded' })).toBe(413);
    expect(await send('{"FaxSid":"x"}', { 'content-type': 'application/json' })).toBe(415);
    expect(await send(Buffer.from([0xff, 0x00, 0x25, 0x25]), { 'content-type': 'application/x-www-form-urlencoded' })).toBe(401);
    expect(await send('a=%zz&&==&', { 'content-type': 'application/x-www-form-urlencoded' })).toBe(401);
    const junk = { FaxSid: '../../etc/passwd', FaxStatus: 'delivered' };
    expect((await postForm(path, junk, { 'x-signalwire-signature': twilio.getExpectedTwilioSignature(KEY, url, junk) })).status).toBe(400);
    const unknownJob = { FaxSid: 'abc', FaxStatus: 'delivered' };
    expect(
      (await postForm(path, unknownJob, { 'x-signalwire-signature': twilio.getExpectedTwilioSignature(KEY, url, unknownJob) })).status,
    ).toBe(200);
  });
});

describe('SignalWire: inbound faxes (LaML flow)', () => {
  const admin = { 'x-api-key': 'bootstrap_admin_only' };

  it('answers <Receive>, fetches the media with Basic auth, stores it once, and it is readable by key and by link', async () => {
    await setup({ env: { API_KEY: 'bootstrap_admin_only', REQUIRE_API_KEY: 'true' }, emulator: { protectMedia: true } });
    const pdf = await makePdf(3);
    emu!.misbehave({ kind: 'duplicateCallback', times: 1 });
    const result = await emu!.sendInbound({ laMlUrl: `${gw!.url}/signalwire-inbound`, from: '+15550101234', to: FROM, pdf });
    const expected = new RestClient.LaML.FaxResponse();
    expected.receive({ action: `${gw!.url}/signalwire-inbound/received`, mediaType: 'application/pdf' });
    expect(result.xml).toBe(expected.toString());
    expect(result.actionStatus).toBe(200);
    const actions = emu!.callbacksSent().filter((c) => c.kind === 'action');
    expect(actions.map((c) => [c.label, c.status])).toEqual([
      ['original', 200],
      ['duplicate', 200],
    ]);

    const rows = gw!.core.inbound.list({ limit: 10, includeArchived: true }).items;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ backend: 'signalwire', from: '+15550101234', to: FROM, pages: 3, providerId: actions[0]!.faxSid });
    const inboundId = rows[0]!.id;

    const key = await gw!.json('POST', '/admin/api-keys', { name: 'reader', owner: 'tester', scopes: ['inbound:read'] }, admin);
    expect(key.status).toBe(200);
    const byKey = await gw!.get(`/inbound/${inboundId}/pdf`, { 'x-api-key': key.body.token });
    expect(byKey.status).toBe(200);
    expect(byKey.bytes.equals(Buffer.from(pdf))).toBe(true);
    expect((await gw!.get(`/inbound/${inboundId}/pdf`)).status).toBe(403);

    const link = await gw!.invoke('inbound:documentLink', { id: inboundId });
    if (!link.ok) throw new Error(link.error.message);
    const byLink = await gw!.get(
      new URL((link.value as { url: string }).url).pathname + new URL((link.value as { url: string }).url).search,
    );
    expect(byLink.status).toBe(200);
    expect(byLink.bytes.equals(Buffer.from(pdf))).toBe(true);
  });

  it('answers <Reject/> when inbound is off, and a failed reception stores nothing', async () => {
    await setup();
    const pdf = await makePdf(1);
    const failed = await emu!.sendInbound({ laMlUrl: `${gw!.url}/signalwire-inbound`, from: '+15550101235', to: FROM, pdf, fail: true });
    expect(failed.actionStatus).toBe(200);
    expect(gw!.core.inbound.list({ limit: 10, includeArchived: true }).items).toHaveLength(0);
    expect((await gw!.invoke('settings:update', { patch: { inboundEnabled: false } })).ok).toBe(true);
    const rejected = await emu!.sendInbound({ laMlUrl: `${gw!.url}/signalwire-inbound`, from: '+15550101236', to: FROM, pdf });
    expect(rejected.xml).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Reject/></Response>');
    expect(
      emu!
        .faxes()
        .filter((f) => f.direction === 'inbound')
        .map((f) => f.status),
    ).toEqual(['failed', 'canceled']);
  });

  it('never sends our credentials to a MediaUrl outside the SignalWire space', async () => {
    await setup();
    const url = `${gw!.url}/signalwire-inbound/received`;
    const p = {
      AccountSid: PROJECT,
      FaxSid: '11111111-2222-4333-8444-555555555555',
      FaxStatus: 'received',
      From: '+15550101237',
      To: FROM,
      NumPages: '1',
      MediaUrl: 'http://127.0.0.1:9/steal.pdf',
    };
    const res = await postForm('/signalwire-inbound/received', p, {
      'x-signalwire-signature': twilio.getExpectedTwilioSignature(KEY, url, p),
    });
    expect(res).toEqual({ status: 400, body: { detail: 'MediaUrl is not on the SignalWire space' } });
    expect(gw!.core.inbound.list({ limit: 10, includeArchived: true }).items).toHaveLength(0);
  });
});
