import type { Db } from '../store/db';
import type { FaxProvider } from '../providers/types';
import { ProviderError } from '../providers/types';
import type { JobRow, JobsService } from '../services/jobs';

const MAX_DEFERRALS = 5;

export interface PreparedDocument {
  pdfPath: string;
  pages: number;
}

export interface OutboxDeps {
  db: Db;
  jobs: JobsService;
  now: () => number;
  /** The provider that handles jobs of a backend (jobs keep their backend if the admin switches). */
  providerFor: (backend: JobRow['backend']) => FaxProvider | null;
  /** TXT → PDF and page counting, done here rather than in the request path. */
  prepare: (job: JobRow) => Promise<PreparedDocument>;
  /** Media URL and callback URL for a job, or null when there is no public URL. */
  urlsFor: (job: JobRow, provider: FaxProvider) => { mediaUrl: string | null; callbackUrl: string | null };
  owner: string;
  /**
   * True while the HTTP side is under heavy load. Background dispatch then yields to intake
   * (accepting a fax durably comes first) but still runs at least one batch a second.
   */
  busy?: () => boolean;
  leaseMs?: number;
  batchSize?: number;
  tickMs?: number;
  submitTimeoutMs?: number;
  log?: (message: string) => void;
}

/**
 * The outbox worker. A job is leased, its attempt is committed as `submitting` BEFORE the provider
 * is called, and the provider's id is recorded after. A crash in between leaves a `submitting`
 * attempt, which is reconciled by asking the provider — never by sending again blindly.
 */
export class Outbox {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopping = false;
  private ticking: Promise<void> | null = null;
  private rerun = false;
  private readonly inFlight = new Set<Promise<void>>();
  private lastWorkAt = 0;
  /** Reconciliations the provider could not answer, per job: bounded so we never ask forever. */
  private readonly deferrals = new Map<string, number>();
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly tickMs: number;
  private readonly submitTimeoutMs: number;
  private readonly sql;

  constructor(private readonly deps: OutboxDeps) {
    this.leaseMs = deps.leaseMs ?? 120_000;
    this.batchSize = deps.batchSize ?? 8;
    this.tickMs = deps.tickMs ?? 250;
    this.submitTimeoutMs = deps.submitTimeoutMs ?? 60_000;
    const { db } = deps;
    this.sql = {
      lease: db.prepare(
        `UPDATE jobs SET lease_owner = @owner, lease_expires_at = @expires
         WHERE id IN (SELECT id FROM jobs WHERE status IN ('queued','retry_wait') AND next_attempt_at <= @now
                      AND lease_owner IS NULL ORDER BY next_attempt_at, created_at LIMIT @limit)
         RETURNING *`,
      ),
      stale: db.prepare(
        `SELECT * FROM jobs WHERE lease_owner IS NOT NULL AND (lease_owner <> @owner OR lease_expires_at < @now) LIMIT 100`,
      ),
      unlease: db.prepare('UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ?'),
      polling: db.prepare(
        `SELECT * FROM jobs WHERE status = 'sending' AND submit_state = 'submitted' AND next_poll_at IS NOT NULL
         AND next_poll_at <= ? ORDER BY next_poll_at LIMIT 50`,
      ),
      // Poll bookkeeping is not news: no timeline row, no event, no updated_at change.
      nextPoll: db.prepare('UPDATE jobs SET next_poll_at = ? WHERE id = ?'),
      relock: db.prepare('UPDATE jobs SET lease_owner = ?, lease_expires_at = ? WHERE id = ?'),
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Wakes the worker now (a new job was accepted). */
  nudge(): void {
    if (this.running && !this.stopping) this.schedule(0);
  }

  /** Lets in-flight submissions finish (bounded); anything left keeps its lease and is reconciled on the next start. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const pending = Promise.allSettled([...this.inFlight, this.ticking ?? Promise.resolve()]);
    await Promise.race([pending, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    this.running = false;
  }

  /** One full pass: reconcile stale leases, lease and submit due jobs, poll providers. Exposed for tests. */
  async runOnce(): Promise<void> {
    await this.reconcileStale();
    const leased = this.leaseDue();
    await Promise.allSettled(leased.map((row) => this.track(this.process(row))));
    await this.pollDue();
  }

  private schedule(delay: number): void {
    if (this.stopping) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delay);
  }

  private async tick(): Promise<void> {
    if (this.ticking) {
      this.rerun = true;
      return;
    }
    this.ticking = (async () => {
      try {
        const now = this.deps.now();
        if (this.deps.busy?.() && now - this.lastWorkAt < 1000) return;
        this.lastWorkAt = now;
        await this.reconcileStale();
        for (const row of this.leaseDue()) void this.track(this.process(row));
        await this.pollDue();
      } catch (error) {
        this.deps.log?.(`outbox tick failed: ${(error as Error).message}`);
      }
    })();
    await this.ticking;
    this.ticking = null;
    const again = this.rerun;
    this.rerun = false;
    this.schedule(again ? 0 : this.tickMs);
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  private leaseDue(): JobRow[] {
    const room = this.batchSize - this.inFlight.size;
    if (room <= 0 || this.stopping) return [];
    const now = this.deps.now();
    return this.sql.lease.all({ owner: this.deps.owner, expires: now + this.leaseMs, now, limit: room }) as JobRow[];
  }

  private async process(leased: JobRow): Promise<void> {
    const { jobs } = this.deps;
    const provider = this.deps.providerFor(leased.backend);
    if (!provider) {
      jobs.fail(leased, 'auth', `The ${leased.backend} backend is not configured.`);
      return;
    }
    let row = leased;
    if (!row.pdf_path || row.pages === null) {
      try {
        const prepared = await this.deps.prepare(row);
        jobs.savePrepared(row.id, prepared.pdfPath, prepared.pages);
        row = jobs.row(row.id);
      } catch (error) {
        jobs.fail(row, 'document', (error as Error).message);
        return;
      }
    }
    const urls = this.deps.urlsFor(row, provider);
    if (provider.traits.needsPublicMediaUrl && !urls.mediaUrl) {
      jobs.fail(row, 'rejected', `${provider.label} fetches the document from a public URL, and none is set.`);
      return;
    }
    const attempt = row.attempts + 1;
    const { applied } = jobs.transition(
      row.id,
      'sending',
      `Attempt ${attempt}: sending to ${provider.label}`,
      {
        attempts: attempt,
        submit_state: 'submitting',
        provider_id: null,
        provider_status: null,
        failure_class: null,
        error: null,
      },
      'attempt',
    );
    if (!applied) {
      // Canceled (or otherwise moved) between lease and submit: nothing was sent.
      this.sql.unlease.run(row.id);
      return;
    }
    const request = {
      jobId: row.id,
      attempt,
      idempotencyKey: `${row.id}-${attempt}`,
      toE164: row.to_e164,
      pdfPath: row.pdf_path as string,
      pages: row.pages,
      resolution: row.resolution ?? 'fine',
      ...urls,
    };
    try {
      const result = await provider.submit(request, AbortSignal.timeout(this.submitTimeoutMs));
      this.recordAccepted(row.id, provider, result.providerId, result.rawStatus, `Accepted by ${provider.label}`);
    } catch (error) {
      const current = jobs.row(row.id);
      if (error instanceof ProviderError && !error.maybeAccepted) {
        jobs.fail(current, error.failureClass, error.message, { submit_state: null });
      } else {
        // The request may have reached the provider: expire the lease now so reconciliation asks first.
        jobs.patch(
          current.id,
          { lease_expires_at: this.deps.now() - 1 },
          {
            kind: 'attempt',
            message: `No clear answer from ${provider.label}; checking with the provider before any resend`,
          },
        );
      }
    }
  }

  private recordAccepted(id: string, provider: FaxProvider, providerId: string, rawStatus: string, message: string): void {
    // A fast callback may already have finished the job: record nothing after its last word.
    if (this.deps.jobs.row(id).status !== 'sending') {
      this.sql.unlease.run(id);
      return;
    }
    this.deps.jobs.patch(
      id,
      {
        provider_id: providerId,
        provider_status: rawStatus,
        submit_state: 'submitted',
        lease_owner: null,
        lease_expires_at: null,
        next_poll_at: provider.traits.canPoll ? this.deps.now() + provider.traits.pollIntervalMs : null,
      },
      { kind: 'provider', message },
    );
  }

  /** Jobs whose lease belongs to a dead process (or expired): reconcile before anything is resent. */
  private async reconcileStale(): Promise<void> {
    const now = this.deps.now();
    const stale = this.sql.stale.all({ owner: this.deps.owner, now }) as JobRow[];
    for (const row of stale) {
      if (this.isInFlightHere(row)) continue;
      if (row.submit_state !== 'submitting') {
        this.sql.unlease.run(row.id);
        continue;
      }
      await this.reconcile(row);
    }
  }

  private isInFlightHere(row: JobRow): boolean {
    return row.lease_owner === this.deps.owner && (row.lease_expires_at ?? 0) >= this.deps.now();
  }

  private markUnknown(row: JobRow, message: string): void {
    this.deferrals.delete(row.id);
    this.deps.jobs.patch(row.id, { submit_state: 'unknown', lease_owner: null, lease_expires_at: null }, { kind: 'attempt', message });
  }

  private async reconcile(row: JobRow): Promise<void> {
    const { jobs } = this.deps;
    const provider = this.deps.providerFor(row.backend);
    if (!provider?.lookup || !provider.traits.canLookup) {
      this.markUnknown(
        row,
        'Interrupted while handing the fax to the provider, which cannot confirm whether it arrived. Check the provider console before resending.',
      );
      return;
    }
    try {
      const found = await provider.lookup(
        {
          jobId: row.id,
          attempt: row.attempts,
          idempotencyKey: `${row.id}-${row.attempts}`,
          toE164: row.to_e164,
          jobCreatedAt: row.created_at,
        },
        AbortSignal.timeout(this.submitTimeoutMs),
      );
      if (found) {
        this.recordAccepted(row.id, provider, found.providerId, found.rawStatus, `Confirmed with ${provider.label} after an interruption`);
      } else if (row.lease_owner === this.deps.owner) {
        // Our own submit got no clear answer and the provider has nothing: a provider problem,
        // retried with backoff and counted, so a provider that keeps timing out cannot loop us.
        jobs.fail(row, 'provider_unavailable', `${provider.label} did not answer clearly and has not received the fax.`, {
          submit_state: null,
        });
      } else {
        // A crash interrupted the attempt before the provider saw it: send it now, as the same attempt.
        jobs.transition(
          row.id,
          'retry_wait',
          'Interrupted before the provider received the fax; sending again',
          {
            attempts: Math.max(0, row.attempts - 1),
            submit_state: null,
            next_attempt_at: this.deps.now(),
            lease_owner: null,
            lease_expires_at: null,
          },
          'attempt',
        );
      }
      this.deferrals.delete(row.id);
    } catch (error) {
      const deferred = (this.deferrals.get(row.id) ?? 0) + 1;
      this.deps.log?.(`reconcile of job ${row.id} deferred (${deferred}/${MAX_DEFERRALS}): ${(error as Error).message}`);
      if (deferred >= MAX_DEFERRALS) {
        this.markUnknown(
          row,
          `${provider.label} could not say whether it received this fax. It will not be resent automatically: check the provider console, then resend if needed.`,
        );
      } else {
        this.deferrals.set(row.id, deferred);
        this.sql.relock.run(this.deps.owner, this.deps.now() + this.leaseMs, row.id);
      }
    }
  }

  private async pollDue(): Promise<void> {
    const due = this.sql.polling.all(this.deps.now()) as JobRow[];
    for (const row of due) {
      const provider = this.deps.providerFor(row.backend);
      if (!provider?.poll || !row.provider_id) continue;
      try {
        const update = await provider.poll(row.provider_id, AbortSignal.timeout(this.submitTimeoutMs));
        const current = this.deps.jobs.row(row.id);
        const { job } = this.deps.jobs.applyProviderUpdate(current, update);
        if (job.status === 'sending') this.sql.nextPoll.run(this.deps.now() + provider.traits.pollIntervalMs, row.id);
      } catch (error) {
        this.deps.log?.(`poll of job ${row.id} failed: ${(error as Error).message}`);
        this.sql.nextPoll.run(this.deps.now() + Math.max(provider.traits.pollIntervalMs, 30_000), row.id);
      }
    }
  }
}
