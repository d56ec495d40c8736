import type { FaxProvider } from '../providers/types';
import type { StoredDocument } from '../storage/artifact-store';
import { ProviderError } from '../providers/types';
import { AppError } from '../services/errors';
import type { JobsService } from '../services/jobs';
import type { JobsRepository, JobRow } from '../store/types';

/** A submission outstanding longer than this stops holding a slot, so a few hanging calls cannot stall the rest. */
const STALLED_AFTER_MS = 2_000;
/** Hard bound on submissions in flight, stalled ones included. */
const MAX_IN_FLIGHT_PER_SLOT = 4;
/** Outage backoff: the first recheck after half a second, doubling, never more than a few seconds apart. */
const OUTAGE_FIRST_BACKOFF_MS = 500;
const OUTAGE_MAX_BACKOFF_MS = 4_000;
/** After the provider answers again, an attempt it never received is retried this soon (doubling per attempt). */
const RESEND_AFTER_OUTAGE_MS = 1_000;
/** A job whose document storage (S3) did not answer while preparing is looked at again this soon. */
const STORAGE_RETRY_MS = 5_000;

export interface PreparedDocument {
  /** Where the fax PDF is stored (a StoredDocuments reference). */
  pdfRef: string;
  pages: number;
}

export interface OutboxDeps {
  /** Leases and poll bookkeeping; status changes go through `jobs`. */
  store: JobsRepository;
  jobs: JobsService;
  now: () => number;
  /** The provider that handles jobs of a backend (jobs keep their backend if the admin switches). */
  providerFor: (backend: JobRow['backend']) => FaxProvider | null;
  /** TXT → PDF and page counting, done here rather than in the request path. */
  prepare: (job: JobRow) => Promise<PreparedDocument>;
  /** The stored fax PDF a reference names, for the provider to read. */
  document: (ref: string) => StoredDocument;
  /** Media URL and callback URL for a job, or null when there is no public URL. */
  urlsFor: (job: JobRow, provider: FaxProvider) => Promise<{ mediaUrl: string | null; callbackUrl: string | null }>;
  owner: string;
  /**
   * True while the HTTP side is under heavy load. Background dispatch then yields to intake
   * (accepting a fax durably comes first) but still runs at least one batch a second.
   */
  busy?: () => boolean;
  leaseMs?: number;
  batchSize?: number;
  tickMs?: number;
  /** Bound on every provider call (submit, lookup, poll); a settings knob. Default 30 s. */
  providerTimeoutMs?: () => number;
  /** How long an interrupted attempt is rechecked before it is handed to a person. Default 10 min. */
  reconcileGiveUpMs?: number;
  log?: (message: string) => void;
  /** Storage trouble (a full disk): true when the error was that; the outbox then waits for `paused` to clear. */
  onStorageError?: (error: unknown) => boolean;
  /** While true nothing is leased (every write would fail); work resumes on the next tick after. */
  paused?: () => boolean;
}

/** A backend that stopped answering: nothing new is sent to it until `retryAt`, then one probe at a time. */
interface Outage {
  failures: number;
  retryAt: number;
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
  /** Submissions in flight and when each started. */
  private readonly inFlight = new Map<Promise<void>, number>();
  /** Jobs this process is preparing or submitting right now: never reconciled from under it, however long that takes. */
  private readonly processing = new Set<string>();
  /** Reconciliation and polling run beside the tick, one pass of each at a time. */
  private readonly background = new Map<'reconcile' | 'poll', Promise<void>>();
  private lastWorkAt = 0;
  /** When each reconciliation the provider could not answer was first deferred: bounded in time, never asked forever. */
  private readonly deferredSince = new Map<string, number>();
  private readonly outages = new Map<JobRow['backend'], Outage>();
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly tickMs: number;
  private readonly providerTimeoutMs: () => number;
  private readonly reconcileGiveUpMs: number;

  constructor(private readonly deps: OutboxDeps) {
    this.leaseMs = deps.leaseMs ?? 120_000;
    this.batchSize = deps.batchSize ?? 8;
    this.tickMs = deps.tickMs ?? 250;
    this.providerTimeoutMs = deps.providerTimeoutMs ?? (() => 30_000);
    this.reconcileGiveUpMs = deps.reconcileGiveUpMs ?? 10 * 60_000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.schedule(0);
  }

  /** Admin restart: in-flight submissions finish (or keep their lease for reconciliation), then the worker starts again. */
  async restart(): Promise<void> {
    if (!this.running) return;
    await this.stop();
    this.start();
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
    const pending = Promise.allSettled([...this.inFlight.keys(), ...this.background.values(), this.ticking ?? Promise.resolve()]);
    await Promise.race([pending, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    this.running = false;
  }

  /** One full pass: reconcile stale leases, lease and submit due jobs, poll providers. Exposed for tests. */
  async runOnce(): Promise<void> {
    await this.inBackground('reconcile', () => this.reconcileStale());
    const leased = await this.leaseDue();
    await Promise.allSettled(leased.map((row) => this.track(this.processOnce(row))));
    await this.inBackground('poll', () => this.pollDue());
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
        if (this.deps.paused?.()) return;
        if (this.deps.busy?.() && now - this.lastWorkAt < 1000) return;
        this.lastWorkAt = now;
        // Provider calls never run inside the tick: one that hangs must not stop the others.
        void this.inBackground('reconcile', () => this.reconcileStale());
        for (const row of await this.leaseDue()) void this.track(this.processOnce(row));
        void this.inBackground('poll', () => this.pollDue());
      } catch (error) {
        if (!this.deps.onStorageError?.(error)) this.deps.log?.(`outbox tick failed: ${(error as Error).message}`);
      }
    })();
    await this.ticking;
    this.ticking = null;
    const again = this.rerun;
    this.rerun = false;
    this.schedule(again ? 0 : this.tickMs);
  }

  /** A job's work never rejects past here: an unexpected throw (a full disk mid-job) must not end the process. */
  private track(work: Promise<void>): Promise<void> {
    const settled = work.catch((error: unknown) => {
      if (!this.deps.onStorageError?.(error)) this.deps.log?.(`outbox job failed: ${(error as Error).message}`);
    });
    this.inFlight.set(settled, this.deps.now());
    return settled.finally(() => this.inFlight.delete(settled));
  }

  /** Runs one pass of `task` unless the previous one is still going (then that one is returned). */
  private inBackground(name: 'reconcile' | 'poll', task: () => Promise<void>): Promise<void> {
    const running = this.background.get(name);
    if (running) return running;
    const work = task()
      .catch((error: unknown) => {
        if (!this.deps.onStorageError?.(error)) this.deps.log?.(`outbox ${name} failed: ${(error as Error).message}`);
      })
      .finally(() => this.background.delete(name));
    this.background.set(name, work);
    return work;
  }

  private async leaseDue(): Promise<JobRow[]> {
    if (this.stopping) return [];
    const now = this.deps.now();
    const active = [...this.inFlight.values()].filter((startedAt) => now - startedAt < STALLED_AFTER_MS).length;
    let room = Math.min(this.batchSize - active, this.batchSize * MAX_IN_FLIGHT_PER_SLOT - this.inFlight.size);
    const paused: string[] = [];
    for (const [backend, outage] of this.outages) {
      if (outage.retryAt > now) paused.push(backend);
      else {
        // Half open: one job probes whether the provider answers again; the rest wait for its answer.
        room = Math.min(room, 1);
        outage.retryAt = now + this.outageBackoff(outage.failures);
      }
    }
    if (room <= 0) return [];
    return this.deps.store.leaseDue({ owner: this.deps.owner, expiresAt: now + this.leaseMs, now, limit: room, pausedBackends: paused });
  }

  private outageBackoff(failures: number): number {
    return Math.min(OUTAGE_MAX_BACKOFF_MS, OUTAGE_FIRST_BACKOFF_MS * 2 ** Math.max(0, failures - 1));
  }

  /** The provider did not answer (refused, reset, timed out): hold new work for it for a few seconds. */
  private noteUnanswered(backend: JobRow['backend']): Outage {
    const failures = (this.outages.get(backend)?.failures ?? 0) + 1;
    const outage = { failures, retryAt: this.deps.now() + this.outageBackoff(failures) };
    this.outages.set(backend, outage);
    return outage;
  }

  private noteAnswered(backend: JobRow['backend']): void {
    if (this.outages.delete(backend)) this.deps.log?.(`outbox: ${backend} answers again; sending resumes`);
  }

  private providerSignal(): AbortSignal {
    return AbortSignal.timeout(this.providerTimeoutMs());
  }

  private async processOnce(leased: JobRow): Promise<void> {
    this.processing.add(leased.id);
    try {
      await this.process(leased);
    } finally {
      this.processing.delete(leased.id);
    }
  }

  private async process(leased: JobRow): Promise<void> {
    const { jobs } = this.deps;
    const provider = this.deps.providerFor(leased.backend);
    if (!provider) {
      await jobs.fail(leased, 'auth', `The ${leased.backend} backend is not configured.`);
      return;
    }
    let row = leased;
    if (!row.pdf_path || row.pages === null) {
      try {
        const prepared = await this.deps.prepare(row);
        row = await jobs.savePrepared(row.id, prepared.pdfRef, prepared.pages);
      } catch (error) {
        if (error instanceof AppError && error.code === 'unavailable') {
          // Document storage (S3) did not answer: nothing was sent and the document is fine; try again shortly.
          await jobs.patch(
            row.id,
            { next_attempt_at: this.deps.now() + STORAGE_RETRY_MS, lease_owner: null, lease_expires_at: null },
            { kind: 'note', message: `Waiting for document storage: ${(error as Error).message}` },
          );
          return;
        }
        await jobs.fail(row, 'document', (error as Error).message);
        return;
      }
    }
    const urls = await this.deps.urlsFor(row, provider);
    if (provider.traits.needsPublicMediaUrl && !urls.mediaUrl) {
      await jobs.fail(row, 'rejected', `${provider.label} fetches the document from a public URL, and none is set.`);
      return;
    }
    const attempt = row.attempts + 1;
    const { applied } = await jobs.transition(
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
      await jobs.unlease(row.id);
      return;
    }
    const request = {
      jobId: row.id,
      attempt,
      idempotencyKey: `${row.id}-${attempt}`,
      toE164: row.to_e164,
      document: this.deps.document(row.pdf_path as string),
      pages: row.pages,
      resolution: row.resolution ?? 'fine',
      ...urls,
    };
    try {
      const result = await provider.submit(request, this.providerSignal());
      this.noteAnswered(row.backend);
      await this.recordAccepted(row.id, provider, result.providerId, result.rawStatus, `Accepted by ${provider.label}`);
    } catch (error) {
      const current = await jobs.row(row.id);
      const unanswered = !(error instanceof ProviderError) || error.failureClass === 'provider_unavailable';
      if (unanswered) this.noteUnanswered(row.backend);
      else this.noteAnswered(row.backend);
      if (error instanceof ProviderError && error.unreachable) {
        // The request never left this machine: not an attempt. It goes again, as the same attempt, once the provider answers.
        await jobs.transition(
          row.id,
          'retry_wait',
          `${error.message} Sending as soon as ${provider.label} answers again.`,
          { attempts: row.attempts, submit_state: null, next_attempt_at: this.deps.now(), lease_owner: null, lease_expires_at: null },
          'attempt',
        );
      } else if (error instanceof ProviderError && !error.maybeAccepted) {
        await jobs.fail(current, error.failureClass, error.message, { submit_state: null });
      } else {
        // The request may have reached the provider: expire the lease now so reconciliation asks first.
        await jobs.patch(
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

  private async recordAccepted(id: string, provider: FaxProvider, providerId: string, rawStatus: string, message: string): Promise<void> {
    // A fast callback may already have finished the job: record nothing after its last word.
    if ((await this.deps.jobs.row(id)).status !== 'sending') {
      await this.deps.jobs.unlease(id);
      return;
    }
    await this.deps.jobs.patch(
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
    // Backends whose outage wait is over when the pass starts may be probed by one interrupted attempt,
    // decided before the first await (leasing in the same tick restarts the wait for new work).
    const probeDue = new Set([...this.outages].filter(([, outage]) => outage.retryAt <= now).map(([backend]) => backend));
    const stale = await this.deps.store.staleLeases(this.deps.owner, now, 100);
    for (const row of stale) {
      if (this.processing.has(row.id) || this.isInFlightHere(row)) continue;
      if (row.submit_state !== 'submitting') {
        await this.deps.jobs.unlease(row.id);
        continue;
      }
      // During an outage only the first interrupted attempt asks; the rest wait for the provider to answer.
      const probe = probeDue.delete(row.backend);
      if (!probe && (this.outages.get(row.backend)?.retryAt ?? 0) > this.deps.now()) continue;
      await this.reconcile(row);
    }
  }

  private isInFlightHere(row: JobRow): boolean {
    return row.lease_owner === this.deps.owner && (row.lease_expires_at ?? 0) >= this.deps.now();
  }

  private async markUnknown(row: JobRow, message: string): Promise<void> {
    this.deferredSince.delete(row.id);
    await this.deps.jobs.patch(
      row.id,
      { submit_state: 'unknown', lease_owner: null, lease_expires_at: null },
      { kind: 'attempt', message },
    );
  }

  private async reconcile(row: JobRow): Promise<void> {
    const { jobs } = this.deps;
    const provider = this.deps.providerFor(row.backend);
    if (!provider?.lookup || !provider.traits.canLookup) {
      await this.markUnknown(
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
        this.providerSignal(),
      );
      this.noteAnswered(row.backend);
      if (found) {
        await this.recordAccepted(
          row.id,
          provider,
          found.providerId,
          found.rawStatus,
          `Confirmed with ${provider.label} after an interruption`,
        );
      } else if (row.lease_owner === this.deps.owner) {
        // Our own submit got no clear answer and the provider has nothing: a provider problem, counted
        // as an attempt so a provider that keeps timing out cannot loop us, but retried within seconds
        // because the provider has just answered.
        await jobs.fail(
          row,
          'provider_unavailable',
          `${provider.label} did not answer clearly and has not received the fax.`,
          { submit_state: null },
          RESEND_AFTER_OUTAGE_MS * 2 ** Math.max(0, row.attempts - 1),
        );
      } else {
        // A crash interrupted the attempt before the provider saw it: send it now, as the same attempt.
        await jobs.transition(
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
      this.deferredSince.delete(row.id);
    } catch (error) {
      const now = this.deps.now();
      const since = this.deferredSince.get(row.id) ?? now;
      this.deps.log?.(`reconcile of job ${row.id} deferred (${Math.round((now - since) / 1000)} s so far): ${(error as Error).message}`);
      if (now - since >= this.reconcileGiveUpMs) {
        await this.markUnknown(
          row,
          `${provider.label} could not say whether it received this fax. It will not be resent automatically: check the provider console, then resend if needed.`,
        );
      } else {
        this.deferredSince.set(row.id, since);
        // Asked again within seconds (outage backoff), not after a whole lease.
        const outage = this.noteUnanswered(row.backend);
        await this.deps.store.setLease(row.id, this.deps.owner, outage.retryAt);
      }
    }
  }

  private async pollDue(): Promise<void> {
    const due = await this.deps.store.dueForPoll(this.deps.now(), 50);
    for (const row of due) {
      const provider = this.deps.providerFor(row.backend);
      if (!provider?.poll || !row.provider_id) continue;
      await this.pollOne(row, provider).catch(() => undefined);
    }
  }

  /** Asks the provider now for one job's status (admin "refresh"); false when the provider cannot be asked. */
  async refresh(id: string): Promise<boolean> {
    const row = await this.deps.jobs.row(id);
    const provider = this.deps.providerFor(row.backend);
    if (!provider?.poll || !row.provider_id || row.status !== 'sending') return false;
    await this.pollOne(row, provider);
    return true;
  }

  private async pollOne(row: JobRow, provider: FaxProvider): Promise<void> {
    if (!provider.poll) return;
    try {
      const update = await provider.poll(row.provider_id as string, this.providerSignal());
      const current = await this.deps.jobs.row(row.id);
      const { job } = await this.deps.jobs.applyProviderUpdate(current, update);
      if (job.status === 'sending') await this.deps.store.setNextPoll(row.id, this.deps.now() + provider.traits.pollIntervalMs);
    } catch (error) {
      this.deps.log?.(`poll of job ${row.id} failed: ${(error as Error).message}`);
      // During an outage seen by sends and lookups, asked again with them (seconds); otherwise not before 30 s.
      const outage = this.outages.get(row.backend);
      const now = this.deps.now();
      await this.deps.store.setNextPoll(
        row.id,
        outage ? Math.max(outage.retryAt, now + provider.traits.pollIntervalMs) : now + Math.max(provider.traits.pollIntervalMs, 30_000),
      );
      throw error;
    }
  }
}
