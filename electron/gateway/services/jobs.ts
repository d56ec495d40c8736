import {
  decideTransition,
  canCancel,
  isTerminal,
  toFaxbotStatus,
  FAILURE_ADVICE,
  RETRYABLE_FAILURES,
  type FailureClass,
  type JobStatus,
} from '../../../shared/status';
import type { Backend } from '../../../shared/settings';
import type { JobListQuery } from '../../../shared/contract';
import type { BatchView, JobDetail, JobEventKind, JobEventView, JobPage, JobView, SenderView } from '../../../shared/types';
import { decideRetry } from '../dispatch/retry-policy';
import type { ProviderUpdate } from '../providers/types';
import type { MediaTokens } from '../security/media-tokens';
import { DocumentMissingError, type StoredDocuments } from '../storage/artifact-store';
import type { JobFields, JobRow, NewJobRecord, Store } from '../store/types';
import type { AuditLog, StagedAuditEvent } from './audit';
import { badRequest, conflict, notFound } from './errors';
import type { EventBus } from './event-bus';
import type { SettingsService } from './settings';

/** Fields a door may leave out when it creates a job; the service fills in null. */
type OptionalOnCreate = 'uploadBytes' | 'resentFrom' | 'resolution' | 'batchId' | 'sendAt' | 'coverTemplate';

/** What a door hands to JobsService.create: the stored record without what the service decides (attempt budget, first timeline line). */
export type NewJob = Omit<NewJobRecord, 'maxAttempts' | 'queuedMessage' | OptionalOnCreate> & Partial<Pick<NewJobRecord, OptionalOnCreate>>;

const VIEW_CACHE_SIZE = 10_000;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function jobView(row: JobRow): JobView {
  return {
    id: row.id,
    to: row.to_input,
    toE164: row.to_e164,
    status: row.status,
    faxbotStatus: toFaxbotStatus(row.status),
    backend: row.backend,
    testMode: row.test_mode === 1,
    pages: row.pages,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    nextAttemptAt: row.status === 'retry_wait' ? iso(row.next_attempt_at) : null,
    failureClass: row.failure_class,
    error: row.error,
    providerId: row.provider_id,
    providerStatus: row.provider_status,
    fileName: row.file_name,
    resentFrom: row.resent_from,
    batchId: row.batch_id,
    sendAt: iso(row.send_at),
    coverTemplate: row.cover_template,
    apiKeyId: row.api_key_id,
    sentBy: row.sender ?? row.api_key_id,
    createdAt: iso(row.created_at) as string,
    updatedAt: iso(row.updated_at) as string,
  };
}

/** Opaque keyset cursor over (created_at, id), newest first: paging is done by the store. */
function encodeCursor(row: { created_at: number; id: string }): string {
  return Buffer.from(`${row.created_at}:${row.id}`).toString('base64url');
}
function decodeCursor(cursor: string): { createdAt: number; id: string } {
  const [ts, id] = Buffer.from(cursor, 'base64url').toString().split(':');
  const createdAt = Number(ts);
  if (!id || !Number.isFinite(createdAt)) throw badRequest('Invalid cursor');
  return { createdAt, id };
}

/** The fields a status change may set alongside the status itself. */
export type TransitionFields = Partial<
  Pick<
    JobRow,
    | 'failure_class'
    | 'error'
    | 'pages'
    | 'provider_id'
    | 'provider_status'
    | 'submit_state'
    | 'next_attempt_at'
    | 'next_poll_at'
    | 'attempts'
    | 'lease_owner'
    | 'lease_expires_at'
  >
>;

interface PendingCreate {
  job: NewJob;
  resolve: (view: JobView) => void;
  reject: (error: Error) => void;
}

export class JobsService {
  private pending: PendingCreate[] = [];
  /** Recent job views, refreshed by publish() on every change (insertion-ordered, bounded). */
  private readonly views = new Map<string, JobView>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly events: EventBus,
    private readonly audit: AuditLog,
    private readonly settings: SettingsService,
    private readonly tokens: MediaTokens,
    private readonly publicUrl: () => string | null,
    private readonly documents: StoredDocuments,
  ) {}

  /**
   * Group commit: jobs accepted in the same event-loop turn share one transaction, so a burst pays
   * one WAL commit instead of one per fax. Each promise resolves only after its row is committed,
   * so a 202 is never sent for a job that is not durable.
   */
  create(job: NewJob): Promise<JobView> {
    return new Promise((resolve, reject) => {
      this.pending.push({ job, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => void this.flushCreates());
    });
  }

  private record(job: NewJob): NewJobRecord {
    const queued = job.sendAt ? `Scheduled for ${new Date(job.sendAt).toISOString()}` : 'Queued';
    return {
      ...job,
      uploadBytes: job.uploadBytes ?? null,
      maxAttempts: this.settings.current.retry.maxAttempts,
      resentFrom: job.resentFrom ?? null,
      resolution: job.resolution ?? null,
      batchId: job.batchId ?? null,
      sendAt: job.sendAt ?? null,
      coverTemplate: job.coverTemplate ?? null,
      queuedMessage: job.testMode ? `${queued} (test mode: no real fax is sent)` : queued,
    };
  }

  private async flushCreates(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    const now = this.now();
    let rows: JobRow[];
    try {
      rows = await this.insert(batch, now);
    } catch {
      // One bad row must not fail its neighbours: retry each on its own.
      for (const entry of batch) {
        try {
          const [row] = await this.insert([entry], now);
          entry.resolve(this.publish(row as JobRow));
        } catch (error) {
          entry.reject(error as Error);
        }
      }
      return;
    }
    rows.forEach((row, i) => (batch[i] as PendingCreate).resolve(this.publish(row)));
  }

  /** The jobs and their job_created audit rows in one transaction: a burst pays one commit, audit included. */
  private async insert(entries: readonly PendingCreate[], now: number): Promise<JobRow[]> {
    let staged: StagedAuditEvent[] = [];
    const rows = await this.store.jobs.createMany(
      entries.map((entry) => this.record(entry.job)),
      now,
      (created) => {
        staged = created.map((row) =>
          this.audit.stage('job_created', { job_id: row.id, backend: row.backend, key_id: row.api_key_id, sender: row.sender }),
        );
        return staged.flatMap((event) => (event.pending ? [event.pending.row] : []));
      },
    );
    this.audit.stored(staged);
    return rows;
  }

  /**
   * Every change to a job ends here: the fresh view goes to the read cache and to every door.
   * Reads of GET /fax/{id} are then answered from memory, never stale.
   */
  private publish(row: JobRow): JobView {
    const view = jobView(row);
    if (this.views.size >= VIEW_CACHE_SIZE && !this.views.has(row.id)) {
      const oldest = this.views.keys().next().value;
      if (oldest !== undefined) this.views.delete(oldest);
    }
    this.views.set(row.id, view);
    this.events.emit('job:updated', view);
    return view;
  }

  async row(id: string): Promise<JobRow> {
    const row = await this.store.jobs.get(id);
    if (!row) throw notFound('Job not found');
    return row;
  }

  async get(id: string): Promise<JobView> {
    return this.views.get(id) ?? jobView(await this.row(id));
  }

  /** The outbox's prepare step (TXT → PDF, page count); answers the row after. */
  async savePrepared(id: string, pdfRef: string, pages: number): Promise<JobRow> {
    const row = await this.store.jobs.savePrepared(id, pdfRef, pages);
    if (!row) throw notFound('Job not found');
    this.publish(row);
    return row;
  }

  async detail(id: string): Promise<JobDetail> {
    const job = await this.get(id);
    const events = (await this.store.jobs.events(id)).map((e): JobEventView => ({
      id: e.id,
      jobId: e.job_id,
      at: iso(e.at) as string,
      kind: e.kind,
      status: e.status,
      message: e.message,
    }));
    return { job, events };
  }

  async list(query: JobListQuery & { numbers?: string[] }): Promise<JobPage> {
    const search = query.search?.trim();
    const digits = search?.replace(/\D/g, '') ?? '';
    const { rows, total } = await this.store.jobs.page({
      filter: {
        statuses: query.status,
        batchId: query.batchId,
        numbers: query.numbers,
        createdFrom: query.from ? Date.parse(query.from) : undefined,
        createdUntil: query.until ? Date.parse(query.until) : undefined,
        scheduled: query.scheduled,
        sender: query.sender,
        search: search ? { idPrefix: search.toLowerCase(), fileNamePart: search, digits: digits.length >= 3 ? digits : null } : undefined,
      },
      after: query.cursor ? decodeCursor(query.cursor) : null,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return { items: page.map(jobView), nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null, total };
  }

  /** A batch row first, so its jobs can refer to it; the jobs follow through `create`. */
  async createBatch(id: string, apiKeyId: string | null): Promise<void> {
    const batch = await this.store.batches.create(id, apiKeyId, this.now());
    this.audit.record('batch_created', { batch_id: id, key_id: apiKeyId, sender: batch.sender });
  }

  /** Every key that has sent a fax, named as it was when it last sent one. */
  senders(): Promise<SenderView[]> {
    return this.store.jobs.senders();
  }

  async batch(id: string): Promise<BatchView> {
    const batch = await this.store.batches.get(id);
    if (!batch) throw notFound('Batch not found');
    const rows = await this.store.batches.jobs(id);
    const replaced = new Set(rows.map((r) => r.resent_from).filter((r): r is string => r !== null));
    const jobs = rows.filter((r) => !replaced.has(r.id)).map((r) => this.views.get(r.id) ?? jobView(r));
    const count = (statuses: JobStatus[]) => jobs.filter((j) => statuses.includes(j.status)).length;
    return {
      id,
      createdAt: iso(batch.created_at) as string,
      jobs,
      counts: {
        total: jobs.length,
        delivered: count(['delivered']),
        failed: count(['failed']),
        canceled: count(['canceled']),
        pending: count(['queued', 'sending', 'retry_wait']),
      },
    };
  }

  /**
   * Changes the number or time of a scheduled fax that has not started. The guard is in the
   * write itself, so the outbox leasing it at the same moment wins and the edit is refused.
   */
  async reschedule(id: string, change: { to?: { input: string; e164: string }; sendAt?: number }): Promise<JobView> {
    const row = await this.row(id);
    if (row.send_at === null) throw conflict('Only a scheduled fax can be edited; this one was sent straight away.');
    const fields: JobFields = {};
    if (change.to) Object.assign(fields, { to_input: change.to.input, to_e164: change.to.e164 });
    if (change.sendAt !== undefined) Object.assign(fields, { send_at: change.sendAt, next_attempt_at: change.sendAt });
    if (Object.keys(fields).length === 0) return this.get(id);
    const parts = [
      change.to ? 'number changed' : '',
      change.sendAt !== undefined ? `now scheduled for ${new Date(change.sendAt).toISOString()}` : '',
    ];
    const updated = await this.store.jobs.reschedule(id, fields, this.now(), `Edited: ${parts.filter(Boolean).join(', ')}`);
    if (!updated) throw conflict(`The fax has already started (${(await this.row(id)).status}) and can no longer be edited.`);
    this.audit.record('job_rescheduled', { job_id: id });
    return this.publish(await this.row(id));
  }

  inFlightCount(): Promise<number> {
    return this.store.jobs.inFlightCount();
  }

  addEvent(id: string, kind: JobEventKind, message: string, status: JobStatus | null = null): Promise<void> {
    return this.store.jobs.addEvent(id, this.now(), kind, status, message);
  }

  /**
   * The only way a job's status changes. The store applies the shared state machine and writes the
   * timeline row and the fields in one transaction; then every door is told.
   */
  async transition(
    id: string,
    to: JobStatus,
    message: string,
    fields: TransitionFields = {},
    eventKind: JobEventKind = 'status',
  ): Promise<{ applied: boolean; job: JobView }> {
    const result = await this.store.jobs.transition(id, { to, fields, kind: eventKind, message, now: this.now() }, decideTransition);
    if (!result) throw notFound('Job not found');
    if (!result.applied) return { applied: false, job: jobView(result.row) };
    this.audit.record('job_status', { job_id: id, status: to, failure_class: fields.failure_class ?? undefined });
    return { applied: true, job: this.publish(result.row) };
  }

  /** Updates fields that are not a status change (provider progress, pages), with an optional timeline line. */
  async patch(id: string, fields: JobFields, timeline?: { kind: JobEventKind; message: string }): Promise<JobView> {
    const row = await this.store.jobs.patch(id, fields, this.now(), timeline);
    if (!row) throw notFound('Job not found');
    return this.publish(row);
  }

  /** Ends a lease without news (no timeline row, no event): the job simply becomes leasable again or stays done. */
  unlease(id: string): Promise<void> {
    return this.store.jobs.setLease(id, null, null);
  }

  /**
   * A provider's report (callback or poll). Only the current attempt, and only while the job is
   * sending, can move it: duplicates, stale attempts and late reports after a terminal state are no-ops.
   */
  async applyProviderUpdate(job: JobRow, update: ProviderUpdate): Promise<{ applied: boolean; job: JobView }> {
    if (job.status !== 'sending' || (job.provider_id !== null && job.provider_id !== update.providerId)) {
      return { applied: false, job: jobView(job) };
    }
    const pages = update.pages ?? job.pages;
    if (update.phase === 'sending') {
      if (update.rawStatus === job.provider_status) return { applied: false, job: jobView(job) };
      const view = await this.patch(
        job.id,
        { provider_status: update.rawStatus, provider_id: update.providerId },
        update.detail ? { kind: 'provider', message: update.detail } : undefined,
      );
      return { applied: true, job: view };
    }
    const base = { provider_status: update.rawStatus, provider_id: update.providerId, pages };
    if (update.phase === 'delivered') {
      return this.transition(job.id, 'delivered', `Delivered${pages ? ` (${pages} page${pages === 1 ? '' : 's'})` : ''}`, {
        ...base,
        failure_class: null,
        error: null,
        next_poll_at: null,
        lease_owner: null,
        lease_expires_at: null,
      });
    }
    return this.fail(job, update.failureClass ?? 'unknown', update.error ?? FAILURE_ADVICE[update.failureClass ?? 'unknown'].reason, base);
  }

  /**
   * Routes a failure through the retry policy: retry_wait with a due time, or failed for good.
   * Either way the attempt is over, so the job's lease ends here.
   */
  fail(
    job: JobRow,
    failureClass: FailureClass,
    reason: string,
    extra: TransitionFields = {},
    /** Overrides the policy's delay when a retry is due sooner (the provider just proved it answers again). */
    retryDelayMs?: number,
  ): Promise<{ applied: boolean; job: JobView }> {
    const policy = decideRetry(failureClass, job.attempts, this.settings.current.retry);
    const decision = policy.retry && retryDelayMs !== undefined ? { ...policy, delayMs: Math.min(policy.delayMs, retryDelayMs) } : policy;
    const ended = { ...extra, failure_class: failureClass, error: reason, next_poll_at: null, lease_owner: null, lease_expires_at: null };
    if (decision.retry) {
      return this.transition(
        job.id,
        'retry_wait',
        // No "in N min" here: the window counts down from next_attempt_at, the one source for that time.
        `${reason} Will retry automatically (attempt ${job.attempts + 1} of ${job.max_attempts}).`,
        { ...ended, next_attempt_at: this.now() + decision.delayMs, submit_state: null },
      );
    }
    const tail = RETRYABLE_FAILURES.has(failureClass) ? `Gave up after ${job.attempts} attempts.` : FAILURE_ADVICE[failureClass].action;
    return this.transition(job.id, 'failed', `${reason} ${tail}`, ended);
  }

  findByProviderId(backend: Backend, providerId: string): Promise<JobRow | null> {
    return this.store.jobs.findByProviderId(backend, providerId);
  }

  /** Only a job that is not at the provider right now (queued, or waiting to retry) can be canceled. */
  async cancel(id: string): Promise<JobView> {
    const row = await this.row(id);
    if (!canCancel(row.status)) {
      throw conflict(
        isTerminal(row.status) ? `The fax is already ${row.status}.` : 'The fax is being sent right now and can no longer be canceled.',
      );
    }
    if (row.lease_owner) throw conflict('The fax is being handed to the provider right now; try again in a moment.');
    const { job } = await this.transition(id, 'canceled', 'Canceled by user', { next_poll_at: null });
    this.audit.record('job_canceled', { job_id: id });
    return job;
  }

  async retryNow(id: string): Promise<JobView> {
    const row = await this.row(id);
    if (row.status !== 'retry_wait') throw conflict('Only a fax waiting to retry can be retried now; use resend for a finished fax.');
    return this.patch(id, { next_attempt_at: this.now() }, { kind: 'note', message: 'Retry requested now' });
  }

  async mintMediaLink(id: string): Promise<{ url: string; expiresAt: string; token: string }> {
    const row = await this.row(id);
    if (row.artifacts_deleted_at) throw notFound('The document was removed by the retention policy');
    const { token, expiresAt } = await this.tokens.mint('job', id, this.settings.current.pdfTokenTtlMinutes);
    await this.addEvent(id, 'media', 'New document link created');
    this.audit.record('media_token_minted', { job_id: id });
    const base = this.publicUrl() ?? '';
    return { url: `${base}/fax/${id}/pdf?token=${token}`, expiresAt: new Date(expiresAt).toISOString(), token };
  }

  /** The uploaded document, from the document store or from the database. */
  async readUpload(row: JobRow): Promise<Uint8Array> {
    const bytes = row.upload_path ? await this.documents.read(row.upload_path) : await this.store.jobs.upload(row.id);
    if (!bytes) throw new DocumentMissingError();
    return bytes;
  }

  /** The fax PDF once prepared; null when it is not (yet, or any longer) stored. */
  async readPdf(row: JobRow): Promise<Uint8Array | null> {
    return row.pdf_path && !row.artifacts_deleted_at ? this.documents.read(row.pdf_path) : null;
  }

  /** Finished jobs whose documents the retention sweep may remove (oldest change first). */
  finishedBefore(cutoff: number, limit: number): Promise<JobRow[]> {
    return this.store.jobs.finishedBefore(cutoff, limit);
  }

  /** Removes a finished job's documents; the row and its timeline stay (retention sweep). */
  async deleteArtifacts(row: JobRow): Promise<void> {
    for (const ref of new Set([row.upload_path, row.pdf_path])) if (ref) await this.documents.remove(ref);
    const after = await this.store.jobs.markArtifactsDeleted(row.id, this.now(), 'Document removed by retention policy');
    if (after) this.publish(after);
  }
}
