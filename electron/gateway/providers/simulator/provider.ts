import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/db';
import type { FaxProvider, LookupRequest, ProviderUpdate, SubmitRequest, SubmitResult } from '../types';
import type { SimulatorOutcome } from './settings';

/**
 * Test mode. Walks jobs through real transitions with configurable outcomes and delays, and keeps
 * what it "received" in a ledger table so it can be polled and reconciled after a crash exactly
 * like a real provider. Number endings force outcomes, matching the provider emulators.
 */
export const SIMULATOR_MAGIC_ENDINGS: Readonly<Record<string, SimulatorOutcome>> = {
  '0017': 'busy',
  '0030': 'no_answer',
  '0034': 'invalid_number',
  '0055': 'partial',
  '0117': 'busy_then_delivered',
};

interface LedgerRow {
  sim_id: string;
  job_id: string;
  attempt: number;
  outcome: SimulatorOutcome;
  pages: number;
  step_ms: number;
  submitted_at: number;
}

export function outcomeFor(toE164: string, configured: SimulatorOutcome): SimulatorOutcome {
  return SIMULATOR_MAGIC_ENDINGS[toE164.slice(-4)] ?? configured;
}

/** Pure: where a simulated fax is, given the time since it was submitted. */
export function simulatedState(row: Omit<LedgerRow, 'sim_id' | 'job_id'>, now: number): Omit<ProviderUpdate, 'providerId'> {
  const elapsed = now - row.submitted_at;
  if (elapsed < row.step_ms) return { rawStatus: 'queued', phase: 'sending' };
  if (elapsed < 2 * row.step_ms) return { rawStatus: 'ringing', phase: 'sending', detail: 'Dialing the fax machine' };
  const outcome = row.outcome === 'busy_then_delivered' ? (row.attempt === 1 ? 'busy' : 'delivered') : row.outcome;
  switch (outcome) {
    case 'delivered':
      return { rawStatus: 'delivered', phase: 'delivered', pages: row.pages };
    case 'busy':
      return { rawStatus: 'busy', phase: 'failed', failureClass: 'busy', error: 'The line was busy.' };
    case 'no_answer':
      return { rawStatus: 'no-answer', phase: 'failed', failureClass: 'no_answer', error: 'No fax machine answered.' };
    case 'invalid_number':
      return {
        rawStatus: 'invalid-number',
        phase: 'failed',
        failureClass: 'invalid_number',
        error: 'The number is not a working fax number.',
      };
    case 'partial': {
      const sent = Math.max(0, row.pages - 1);
      return {
        rawStatus: 'partial',
        phase: 'failed',
        failureClass: 'line_error',
        error: `The call dropped after ${sent} of ${row.pages} pages.`,
        pages: sent,
      };
    }
  }
}

export class SimulatorProvider implements FaxProvider {
  readonly backend = 'simulator' as const;
  readonly label = 'Test mode (simulator)';
  readonly traits;
  private readonly insert;
  private readonly byId;
  private readonly byAttempt;

  constructor(
    db: Db,
    private readonly now: () => number,
    private readonly options: () => { outcome: SimulatorOutcome; stepDelayMs: number; submitLatencyMs: number },
  ) {
    const step = options().stepDelayMs;
    this.traits = {
      needsPublicMediaUrl: false,
      canPoll: true,
      canLookup: true,
      pollIntervalMs: Math.min(5000, Math.max(50, Math.floor(step / 2))),
      testMode: true,
      callbackPath: null,
    };
    this.insert = db.prepare(
      `INSERT INTO sim_submissions (sim_id, job_id, attempt, to_e164, outcome, pages, step_ms, submitted_at)
       VALUES (@sim_id, @job_id, @attempt, @to_e164, @outcome, @pages, @step_ms, @submitted_at)`,
    );
    this.byId = db.prepare('SELECT * FROM sim_submissions WHERE sim_id = ?');
    this.byAttempt = db.prepare('SELECT * FROM sim_submissions WHERE job_id = ? AND attempt = ?');
  }

  async submit(request: SubmitRequest): Promise<SubmitResult> {
    // Like a provider honouring an idempotency key: the same attempt is never recorded twice.
    const existing = this.byAttempt.get(request.jobId, request.attempt) as LedgerRow | undefined;
    if (existing) return { providerId: existing.sim_id, rawStatus: 'queued' };
    const { outcome, stepDelayMs, submitLatencyMs } = this.options();
    const simId = `sim_${randomUUID().replace(/-/g, '')}`;
    this.insert.run({
      sim_id: simId,
      job_id: request.jobId,
      attempt: request.attempt,
      to_e164: request.toE164,
      outcome: outcomeFor(request.toE164, outcome),
      pages: request.pages ?? 1,
      step_ms: stepDelayMs,
      submitted_at: this.now(),
    });
    // Like a real provider, the fax is on record before the answer arrives; a crash in between
    // leaves an attempt only reconciliation can resolve.
    if (submitLatencyMs > 0) await new Promise((resolve) => setTimeout(resolve, submitLatencyMs));
    return { providerId: simId, rawStatus: 'queued' };
  }

  async poll(providerId: string): Promise<ProviderUpdate> {
    const row = this.byId.get(providerId) as LedgerRow | undefined;
    if (!row)
      return { providerId, rawStatus: 'unknown', phase: 'failed', failureClass: 'unknown', error: 'The simulator has no such fax.' };
    return { providerId, ...simulatedState(row, this.now()) };
  }

  async lookup(request: Pick<LookupRequest, 'jobId' | 'attempt'>): Promise<SubmitResult | null> {
    const row = this.byAttempt.get(request.jobId, request.attempt) as LedgerRow | undefined;
    return row ? { providerId: row.sim_id, rawStatus: simulatedState(row, this.now()).rawStatus } : null;
  }

  async checkCredentials() {
    return {
      id: 'credentials',
      label: 'Test mode',
      state: 'pass' as const,
      detail: 'The simulator needs no credentials. No real fax is sent in test mode.',
    };
  }
}
