import { afterEach, describe, expect, it } from 'vitest';
import { MAGIC_NUMBERS } from '../../../../e2e/emulators/common';
import type { CheckResult } from '../../../../shared/types';
import { PhaxioProvider } from './provider';
import { sleep, startPhaxioRig, type PhaxioRig } from './test-fixture';

let rig: PhaxioRig | null = null;
afterEach(async () => {
  const emu = rig?.emu;
  await rig?.close();
  rig = null;
  expect(emu?.errors() ?? []).toEqual([]);
});

const PHONE_LIKE = /\d{5,}/;

function phaxio(r: PhaxioRig): PhaxioProvider {
  const provider = r.gw.core.providers.forBackend('phaxio');
  if (!(provider instanceof PhaxioProvider)) throw new Error(`phaxio provider not built: ${r.gw.core.providers.problem('phaxio')}`);
  return provider;
}

/** The state kill -9 leaves between "attempt committed as submitting" and "provider id recorded". */
function interrupt(r: PhaxioRig, id: string): void {
  r.gw.core.db
    .prepare(
      "UPDATE jobs SET status = 'sending', attempts = 1, submit_state = 'submitting', lease_owner = 'dead-process', lease_expires_at = ? WHERE id = ?",
    )
    .run(Date.now() + 60_000, id);
}

describe('Phaxio: sending', () => {
  it('upload mode with no public URL: the PDF is uploaded, tagged, and the outcome learned by polling', async () => {
    rig = await startPhaxioRig();
    expect(phaxio(rig).traits).toMatchObject({
      needsPublicMediaUrl: false,
      canPoll: true,
      canLookup: true,
      callbackPath: '/phaxio-callback',
    });
    const id = await rig.send(MAGIC_NUMBERS.success);
    const done = await rig.gw.waitForJob(id, ['delivered', 'failed']);
    expect(done).toMatchObject({
      state: 'delivered',
      status: 'SUCCESS',
      pages: 1,
      attempts: 1,
      backend: 'phaxio',
      test_mode: false,
      error: null,
    });
    const [fax, ...more] = rig.faxesFor(id);
    expect(more).toEqual([]);
    expect(done.provider_sid).toBe(String(fax!.fax.id));
    expect(fax!.uploads).toHaveLength(1);
    expect(fax!.uploads[0]!.data.subarray(0, 5).toString()).toBe('%PDF-');
    expect(fax!.contentUrls).toEqual([]);
    expect(fax!.callbackUrl).toBeNull();
    expect(fax!.fax.tags).toEqual({ faxbot_job: id, faxbot_attempt: '1' });
    expect(fax!.fax.recipients[0]!.phone_number).toBe(MAGIC_NUMBERS.success);
    const lines = await rig.timeline(id);
    expect(lines).toContain('Accepted by Phaxio');
    expect(lines.at(-1)).toBe('Delivered (1 page)');
  });

  it('content_url mode with a public URL: Phaxio fetches the tokenised PDF and a signed callback delivers it', async () => {
    rig = await startPhaxioRig({ publicUrl: true, settings: { phaxio: { sendMode: 'content_url' } } });
    // Polling is 60 s here, so only the callback can finish the job within the wait.
    expect(phaxio(rig).traits.pollIntervalMs).toBe(60_000);
    const id = await rig.send(MAGIC_NUMBERS.success, 'page one\fpage two');
    const done = await rig.gw.waitForJob(id, ['delivered', 'failed'], 5000);
    expect(done).toMatchObject({ state: 'delivered', pages: 2 });
    const [fax] = rig.faxesFor(id);
    expect(fax!.uploads).toEqual([]);
    expect(fax!.contentUrls).toHaveLength(1);
    expect(fax!.contentUrls[0]).toMatch(new RegExp(`^${rig.gw.url}/fax/${id}/pdf\\?token=[A-Za-z0-9_-]{43}$`));
    expect(fax!.contentFetches[0]).toMatchObject({ ok: true, status: 200 });
    expect(fax!.callbackUrl).toBe(`${rig.gw.url}/phaxio-callback?job_id=${id}`);
    expect(rig.emu.callbacksSent().map((c) => [c.label, c.status])).toEqual([['original', 200]]);
    const [entry] = await rig.audit('provider_callback');
    expect(entry).toMatchObject({ backend: 'phaxio', job_id: id, scheme: 'phaxio-official', status: 'success', reason: 'applied' });
    // The token in the URL really gates the document.
    const tokenless = await rig.gw.get(`/fax/${id}/pdf?token=wrong`);
    expect(tokenless.status).toBe(403);
  });

  it('content_url mode with no public URL falls back to upload', async () => {
    rig = await startPhaxioRig({ settings: { phaxio: { sendMode: 'content_url' } } });
    const id = await rig.send(MAGIC_NUMBERS.success);
    await rig.gw.waitForJob(id, ['delivered']);
    expect(rig.faxesFor(id)[0]).toMatchObject({ contentUrls: [], uploads: [expect.objectContaining({ name: 'file' })] });
  });

  it('PHAXIO_CALLBACK_URL (with its own query) wins and still verifies', async () => {
    rig = await startPhaxioRig();
    // An admin's proxy URL; it must reach the gateway, whose port is only known now.
    const configured = `${rig.gw.url}/phaxio-callback?src=proxy`;
    const updated = await rig.gw.invoke('settings:update', { patch: { phaxio: { callbackUrl: configured } } });
    expect(updated.ok).toBe(true);
    await rig.gw.core.providers.refresh();
    const id = await rig.send(MAGIC_NUMBERS.success);
    await rig.gw.waitForJob(id, ['delivered'], 5000);
    expect(rig.faxesFor(id)[0]!.callbackUrl).toBe(`${configured}&job_id=${id}`);
    expect(rig.emu.callbacksSent()[0]!.status).toBe(200);
  });

  it('busy → retry → delivered: a second attempt after the busy delay, each tagged with its attempt', async () => {
    rig = await startPhaxioRig();
    const id = await rig.send(MAGIC_NUMBERS.busyOnceThenSuccess);
    const mid = await rig.gw.waitForJob(id, ['retry_wait', 'delivered', 'failed']);
    expect(mid).toMatchObject({ state: 'retry_wait', failure_class: 'busy', attempts: 1 });
    expect(mid.error).toBe('The line was busy (Phaxio lineError 17).');
    const done = await rig.gw.waitForJob(id, ['delivered', 'failed'], 10_000);
    expect(done).toMatchObject({ state: 'delivered', attempts: 2, error: null });
    expect(rig.faxesFor(id).map((f) => [f.fax.tags.faxbot_attempt, f.fax.status])).toEqual([
      ['1', 'failure'],
      ['2', 'success'],
    ]);
  });

  it('an invalid number fails at once, is never retried, and the stored reason has no phone number', async () => {
    rig = await startPhaxioRig();
    const id = await rig.send(MAGIC_NUMBERS.notOperational);
    const done = await rig.gw.waitForJob(id, ['failed', 'delivered', 'retry_wait']);
    expect(done).toMatchObject({ state: 'failed', failure_class: 'invalid_number', attempts: 1 });
    expect(done.error).toBe('The number is not a working fax number (Phaxio lineError 34).');
    expect((await rig.timeline(id)).at(-1)).toMatch(/Correct the number and send again/);
    await sleep(300);
    expect(rig.faxesFor(id)).toHaveLength(1);
  });

  it('no answer is classified as no_answer and retried until the attempts run out', async () => {
    rig = await startPhaxioRig({
      settings: {
        retry: { busyDelaySeconds: 1, noAnswerDelaySeconds: 1, lineErrorDelaySeconds: 1, providerDelaySeconds: 1, maxAttempts: 1 },
      },
    });
    const id = await rig.send(MAGIC_NUMBERS.noAnswer);
    const done = await rig.gw.waitForJob(id, ['failed', 'delivered']);
    expect(done).toMatchObject({ state: 'failed', failure_class: 'no_answer', attempts: 1 });
    expect(done.error).not.toMatch(PHONE_LIKE);
  });

  it('a provider 5xx on submit is retried later and the fax is sent once', async () => {
    rig = await startPhaxioRig();
    rig.emu.misbehave({ kind: 'serverError', times: 1, status: 503 });
    const id = await rig.send(MAGIC_NUMBERS.success);
    const mid = await rig.gw.waitForJob(id, ['retry_wait', 'delivered', 'failed']);
    expect(mid).toMatchObject({ state: 'retry_wait', failure_class: 'provider_unavailable', error: 'Phaxio is unavailable (HTTP 503).' });
    const done = await rig.gw.waitForJob(id, ['delivered', 'failed'], 10_000);
    expect(done).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(rig.faxesFor(id)).toHaveLength(1);
  });

  it('a lost answer (accepted, response dropped) is reconciled by tag, never resubmitted', async () => {
    rig = await startPhaxioRig();
    rig.emu.misbehave({ kind: 'dropResponse', times: 1 });
    const id = await rig.send(MAGIC_NUMBERS.success);
    const done = await rig.gw.waitForJob(id, ['delivered', 'failed'], 10_000);
    expect(done).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(rig.faxesFor(id)).toHaveLength(1);
    const lines = await rig.timeline(id);
    expect(lines.some((l) => /No clear answer from Phaxio/.test(l))).toBe(true);
    expect(lines.some((l) => /Confirmed with Phaxio after an interruption/.test(l))).toBe(true);
  });

  it('401 on submit fails the job as auth, without retry', async () => {
    rig = await startPhaxioRig({ env: { PHAXIO_API_SECRET: 'wrong-secret' } });
    const id = await rig.send(MAGIC_NUMBERS.success);
    const done = await rig.gw.waitForJob(id, ['failed', 'retry_wait', 'delivered']);
    expect(done).toMatchObject({ state: 'failed', failure_class: 'auth', attempts: 1, error: 'Phaxio rejected the API key/secret.' });
    expect(rig.emu.faxes()).toEqual([]);
  });
});

describe('Phaxio: crash between submit and record', () => {
  it('lookup by tag finds the fax Phaxio already has and records it; nothing is sent twice', async () => {
    rig = await startPhaxioRig({ startWorkers: false });
    const id = await rig.send(MAGIC_NUMBERS.success);
    const row = await rig.gw.core.jobs.row(id);
    const { pdfRef, pages } = await rig.gw.core.intake.prepare(row);
    await rig.gw.core.jobs.savePrepared(id, pdfRef, pages);
    // Phaxio received attempt 1, but the process died before recording the id.
    await phaxio(rig).submit(
      {
        jobId: id,
        attempt: 1,
        idempotencyKey: `${id}-1`,
        toE164: row.to_e164,
        document: rig.gw.core.outboundDocuments.handle(pdfRef),
        pages,
        mediaUrl: null,
        callbackUrl: null,
      },
      AbortSignal.timeout(5000),
    );
    interrupt(rig, id);
    rig.gw.core.outbox.start();
    const done = await rig.gw.waitForJob(id, ['delivered', 'failed']);
    expect(done).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(rig.faxesFor(id)).toHaveLength(1);
    expect(done.provider_sid).toBe(String(rig.faxesFor(id)[0]!.fax.id));
    expect((await rig.timeline(id)).some((l) => /Confirmed with Phaxio after an interruption/.test(l))).toBe(true);
  });

  it('sends once when Phaxio never received the interrupted attempt', async () => {
    rig = await startPhaxioRig({ startWorkers: false });
    const id = await rig.send(MAGIC_NUMBERS.success);
    interrupt(rig, id);
    rig.gw.core.outbox.start();
    const done = await rig.gw.waitForJob(id, ['delivered', 'failed']);
    expect(done).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(rig.faxesFor(id).map((f) => f.fax.tags.faxbot_attempt)).toEqual(['1']);
  });
});

describe('Phaxio: credentials, cancel', () => {
  async function credentials(r: PhaxioRig): Promise<CheckResult> {
    const res = await r.gw.invoke('setup:check', { backend: 'phaxio' });
    if (!res.ok) throw new Error(res.error.message);
    return (res.value as CheckResult[]).find((c) => c.id === 'credentials')!;
  }

  it('passes with the right key and secret', async () => {
    rig = await startPhaxioRig();
    expect(await credentials(rig)).toMatchObject({
      state: 'pass',
      detail: expect.stringMatching(/^Phaxio accepted the API key and secret/),
    });
  });

  it('fails with a human message and a fix when Phaxio answers 401', async () => {
    rig = await startPhaxioRig({ env: { PHAXIO_API_SECRET: 'wrong-secret' } });
    const check = await credentials(rig);
    expect(check).toMatchObject({ state: 'fail', detail: 'Phaxio rejected the API key/secret.' });
    expect(check.fix).toMatch(/Re-enter/);
  });

  it('fails with a reachability message when the base URL does not answer', async () => {
    rig = await startPhaxioRig({ env: { PHAXIO_BASE_URL: 'http://127.0.0.1:9/v2.1' } });
    const check = await credentials(rig);
    expect(check.state).toBe('fail');
    expect(check.detail).toMatch(/Could not reach Phaxio \(ECONNREFUSED\)/);
    expect(check.fix).toMatch(/PHAXIO_BASE_URL/);
  });

  it('reports what is missing when there are no credentials', async () => {
    rig = await startPhaxioRig({ env: { PHAXIO_API_KEY: '' } });
    expect(rig.gw.core.providers.problem('phaxio')).toBe('PHAXIO_API_KEY is not set');
  });
});
