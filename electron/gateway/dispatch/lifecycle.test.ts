import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError, type FaxProvider } from '../providers/types';
import { faxForm, startTestGateway, type TestGateway } from '../testing/harness';

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.close();
  gw = null;
});

const fastRetry = { busyDelaySeconds: 1, noAnswerDelaySeconds: 1, lineErrorDelaySeconds: 1, providerDelaySeconds: 1, maxAttempts: 3 };

async function send(to: string, text = 'Hello from the lifecycle test') {
  const res = await gw!.post('/fax', faxForm(to, { name: 'memo.txt', bytes: text }));
  expect(res.status).toBe(202);
  return res.body.id as string;
}

function ledger(id: string): { attempt: number }[] {
  return gw!.core.db.prepare('SELECT attempt FROM sim_submissions WHERE job_id = ? ORDER BY attempt').all(id) as { attempt: number }[];
}

describe('a fax going out through the simulator (test mode)', () => {
  it('walks queued → sending → delivered, converts TXT to PDF and counts pages, with a timeline', async () => {
    gw = await startTestGateway();
    const id = await send('+15551230001');
    const done = await gw.waitForJob(id, ['delivered', 'failed']);
    expect(done).toMatchObject({ state: 'delivered', status: 'SUCCESS', pages: 1, attempts: 1, test_mode: true });
    expect(done.provider_sid).toMatch(/^sim_/);
    const lines = await gw!.timeline(id);
    expect(lines[0]).toMatch(/Queued \(test mode/);
    expect(lines.some((l) => l.startsWith('Attempt 1: sending'))).toBe(true);
    expect(lines.at(-1)).toBe('Delivered (1 page)');
    expect(ledger(id)).toEqual([{ attempt: 1 }]);
  });

  it('busy → retry → delivered: a busy line is retried after the busy delay', async () => {
    gw = await startTestGateway({ settings: { simulator: { stepDelayMs: 30 }, retry: fastRetry } });
    const id = await send('+15551230117');
    const mid = await gw.waitForJob(id, ['retry_wait']);
    expect(mid).toMatchObject({ status: 'in_progress', failure_class: 'busy', attempts: 1 });
    expect(Date.parse(mid.next_attempt_at)).toBeGreaterThan(Date.now() - 1000);
    const done = await gw.waitForJob(id, ['delivered', 'failed'], 15_000);
    expect(done).toMatchObject({ state: 'delivered', attempts: 2, error: null });
    expect(ledger(id)).toEqual([{ attempt: 1 }, { attempt: 2 }]);
    expect((await gw!.timeline(id)).some((l) => /The line was busy\. Will retry automatically \(attempt 2 of 3\)/.test(l))).toBe(true);
  });

  it('gives up after the configured attempts when the line stays busy', async () => {
    gw = await startTestGateway({ settings: { simulator: { stepDelayMs: 20 }, retry: { ...fastRetry, maxAttempts: 2 } } });
    const id = await send('+15551230017');
    const done = await gw.waitForJob(id, ['failed', 'delivered'], 15_000);
    expect(done).toMatchObject({ state: 'failed', status: 'FAILED', failure_class: 'busy', attempts: 2 });
    expect((await gw!.timeline(id)).at(-1)).toMatch(/Gave up after 2 attempts/);
  });

  it('an invalid number fails at once and is never retried, with a reason and what to do', async () => {
    gw = await startTestGateway({ settings: { simulator: { stepDelayMs: 20 }, retry: fastRetry } });
    const id = await send('+15551230034');
    const done = await gw.waitForJob(id, ['failed', 'delivered']);
    expect(done).toMatchObject({ state: 'failed', failure_class: 'invalid_number', attempts: 1 });
    expect(done.error).toBe('The number is not a working fax number.');
    expect((await gw!.timeline(id)).at(-1)).toMatch(/Correct the number and send again/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ledger(id)).toHaveLength(1);
  });

  it('no answer is retried; a dropped call reports how many pages went through', async () => {
    gw = await startTestGateway({ settings: { simulator: { stepDelayMs: 20 }, retry: { ...fastRetry, maxAttempts: 1 } } });
    const noAnswer = await gw.waitForJob(await send('+15551230030'), ['failed']);
    expect(noAnswer.failure_class).toBe('no_answer');
    const partial = await gw.waitForJob(await send('+15551230055', 'one\fpage two\fpage three'), ['failed']);
    expect(partial).toMatchObject({ failure_class: 'line_error', pages: 2 });
    expect(partial.error).toBe('The call dropped after 2 of 3 pages.');
  });
});

describe('cancel, retry now, resend', () => {
  it('cancels a queued job; a finished job cannot be canceled; resend makes a new job', async () => {
    gw = await startTestGateway({ startWorkers: false });
    const id = await send('+15551230001');
    const canceled = await gw.invoke('jobs:cancel', { id });
    expect(canceled).toMatchObject({ ok: true, value: { status: 'canceled', faxbotStatus: 'FAILED' } });
    const again = await gw.invoke('jobs:cancel', { id });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const resent = await gw.invoke('jobs:resend', { id });
    expect(resent).toMatchObject({ ok: true, value: { status: 'queued', resentFrom: id } });
    expect((await gw.get(`/fax/${id}`)).body.state).toBe('canceled');
  });
});

describe('crash between submit and record: reconciled with the provider, never sent twice', () => {
  it('finds the submission the provider already has and records it instead of resubmitting', async () => {
    gw = await startTestGateway({ startWorkers: false });
    const id = await send('+15551230001');
    const provider = gw.core.providers.forBackend('simulator')!;
    // The state a kill -9 leaves: attempt committed as submitting, provider received it, id never recorded.
    await provider.submit(
      {
        jobId: id,
        attempt: 1,
        idempotencyKey: `${id}-1`,
        toE164: '+15551230001',
        document: gw.core.outboundDocuments.handle('/x'),
        pages: 1,
        mediaUrl: null,
        callbackUrl: null,
      },
      AbortSignal.timeout(1000),
    );
    gw.core.db
      .prepare(
        "UPDATE jobs SET status = 'sending', attempts = 1, submit_state = 'submitting', lease_owner = 'dead-process', lease_expires_at = ? WHERE id = ?",
      )
      .run(Date.now() + 60_000, id);
    gw.core.outbox.start();
    const done = await gw.waitForJob(id, ['delivered', 'failed']);
    expect(done.state).toBe('delivered');
    expect(ledger(id)).toEqual([{ attempt: 1 }]);
    expect((await gw!.timeline(id)).some((l) => /Confirmed with .* after an interruption/.test(l))).toBe(true);
  });

  it('sends once when the provider never received the interrupted attempt', async () => {
    gw = await startTestGateway({ startWorkers: false });
    const id = await send('+15551230001');
    gw.core.db
      .prepare(
        "UPDATE jobs SET status = 'sending', attempts = 1, submit_state = 'submitting', lease_owner = 'dead-process', lease_expires_at = ? WHERE id = ?",
      )
      .run(Date.now() + 60_000, id);
    gw.core.outbox.start();
    const done = await gw.waitForJob(id, ['delivered', 'failed']);
    expect(done).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(ledger(id)).toEqual([{ attempt: 1 }]);
  });
});

describe('provider updates are idempotent and ordered', () => {
  it('ignores duplicates, stale attempts and anything after a terminal state', async () => {
    gw = await startTestGateway();
    const id = await send('+15551230001');
    const done = await gw.waitForJob(id, ['delivered']);
    const row = await gw.core.jobs.row(id);
    const late = await gw.core.jobs.applyProviderUpdate(row, {
      providerId: done.provider_sid,
      rawStatus: 'busy',
      phase: 'failed',
      failureClass: 'busy',
    });
    expect(late.applied).toBe(false);
    const stale = await gw.core.jobs.applyProviderUpdate(row, { providerId: 'other-attempt', rawStatus: 'sending', phase: 'sending' });
    expect(stale.applied).toBe(false);
    expect((await gw.get(`/fax/${id}`)).body.state).toBe('delivered');
  });
});

describe('a provider that never answers clearly', () => {
  it('is retried with backoff and given up after the configured attempts, never looped', async () => {
    let submits = 0;
    const silent: FaxProvider = {
      backend: 'simulator',
      label: 'Silent provider',
      traits: { needsPublicMediaUrl: false, canPoll: false, canLookup: true, pollIntervalMs: 1000, testMode: true, callbackPath: null },
      async submit() {
        submits += 1;
        throw new ProviderError('timed out after sending', 'provider_unavailable', true);
      },
      async lookup() {
        return null;
      },
    };
    gw = await startTestGateway({
      settings: { retry: { ...fastRetry, maxAttempts: 3, providerDelaySeconds: 1 } },
      providerFactories: { simulator: async () => silent },
    });
    const id = await send('+15551230001');
    const done = await gw.waitForJob(id, ['failed', 'delivered'], 20_000);
    expect(done).toMatchObject({ state: 'failed', failure_class: 'provider_unavailable', attempts: 3 });
    expect(submits).toBe(3);
    expect((await gw!.timeline(id)).some((l) => /did not answer clearly/.test(l))).toBe(true);
  }, 30_000);
});

describe('a provider that cannot say whether it received an interrupted fax', () => {
  it('is asked again within seconds for a bounded time, then the attempt is marked unknown and never resent', async () => {
    let submits = 0;
    let lookups = 0;
    const unsure: FaxProvider = {
      backend: 'simulator',
      label: 'Unsure provider',
      traits: { needsPublicMediaUrl: false, canPoll: false, canLookup: true, pollIntervalMs: 1000, testMode: true, callbackPath: null },
      async submit() {
        submits += 1;
        throw new ProviderError('connection dropped after sending', 'provider_unavailable', true);
      },
      async lookup() {
        lookups += 1;
        throw new Error('provider list endpoint unavailable');
      },
    };
    gw = await startTestGateway({
      providerFactories: { simulator: async () => unsure },
      outbox: { tickMs: 10, leaseMs: 30, reconcileGiveUpMs: 2_000 },
    });
    const id = await send('+15551230001');
    const deadline = Date.now() + 20_000;
    while ((await gw.core.jobs.row(id)).submit_state !== 'unknown' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await gw.core.jobs.row(id)).toMatchObject({ status: 'sending', submit_state: 'unknown', lease_owner: null });
    // Rechecked on the outage backoff (0.5, 1, 2 s) until the 2 s allowance is spent: asked again, but not every tick.
    expect(lookups).toBeGreaterThanOrEqual(2);
    expect(lookups).toBeLessThanOrEqual(5);
    await new Promise((r) => setTimeout(r, 200));
    expect(submits).toBe(1);
    expect((await gw!.timeline(id)).at(-1)).toMatch(/will not be resent automatically/);
  }, 30_000);
});
