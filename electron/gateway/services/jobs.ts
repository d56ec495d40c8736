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
import type { Backend, FaxResolution } from '../../../shared/settings';
import type { JobListQuery } from '../../../shared/contract';
import type { BatchView, JobDetail, JobEventKind, JobEventView, JobPage, JobView, SenderView } from '../../../shared/types';
import { decideRetry } from '../dispatch/retry-policy';
import type { ProviderUpdate } from '../providers/types';
import type { MediaTokens } from '../security/media-tokens';
import { DocumentMissingError, type StoredDocuments } from '../storage/artifact-store';
import type { Db, Statement } from '../store/db';
import type { AuditLog } from './audit';
import { badRequest, conflict, notFound } from './errors';
import type { EventBus } from './event-bus';
import type { SettingsService } from './settings';

export interface JobRow {
  id: string;
  to_input: string;
  to_e164: string;
  status: JobStatus;
  backend: Backend;
  test_mode: number;
  file_name: string | null;
  source_kind: 'pdf' | 'txt';
  /** A StoredDocuments reference ('' when the upload is in job_uploads); rows from before the store hold a file path. */
  upload_path: string;
  /** A StoredDocuments reference to the fax PDF, once prepared. */
  pdf_path: string | null;
  pages: number | null;
  attempts: number;
  max_attempts: number;
  next_attempt_at: number;
  next_poll_at: number | null;
  failure_class: FailureClass | null;
  error: string | null;
  provider_id: string | null;
  provider_status: string | null;
  submit_state: 'submitting' | 'submitted' | 'unknown' | null;
  lease_owner: string | null;
  lease_expires_at: number | null;
  api_key_id: string | null;
  /** The sending key's name at send time (migration 0012). */
  sender: string | null;
  resent_from: string | null;
  artifacts_deleted_at: number | null;
  /** Per-fax resolution (SIP renders at it, SignalWire sends it as Quality); null = fine. */
  resolution: FaxResolution | null;
  created_at: number;
  updated_at: number;
  batch_id: string | null;
  send_at: number | null;
  cover_template: string | null;
}

export interface NewJob {
  id: string;
  toInput: string;
  toE164: string;
  backend: Backend;
  testMode: boolean;
  fileName: string | null;
  sourceKind: 'pdf' | 'txt';
  /** The stored document of a large upload; '' when the bytes travel in `uploadBytes` (kept in the database). */
  uploadPath: string;
  uploadBytes?: Buffer | null;
  pdfPath: string | null;
  pages: number | null;
  apiKeyId: string | null;
  resentFrom?: string | null;
  /** Chosen per fax; null/absent = fine. */
  resolution?: FaxResolution | null;
  batchId?: string | null;
  /** Scheduled send: the outbox does not pick the job up before this time (epoch ms). */
  sendAt?: number | null;
  coverTemplate?: string | null;
}

const VIEW_CACHE_SIZE = 10_000;

/** The sending key's name, looked up as the row is written (one SQL fragment for jobs and batches). */
const SENDER_NAME = '(SELECT name FROM api_keys WHERE key_id = @apiKeyId)';

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
  private readonly stmt;
  private pending: PendingCreate[] = [];
  /** Recent job views, refreshed by publish() on every change (insertion-ordered, bounded). */
  private readonly views = new Map<string, JobView>();
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    private readonly events: EventBus,
    private readonly audit: AuditLog,
    private readonly settings: SettingsService,
    private readonly tokens: MediaTokens,
    private readonly publicUrl: () => string | null,
    private readonly documents: StoredDocuments,
  ) {
    this.stmt = {
      insert: db.prepare(
        `INSERT INTO jobs (id, to_input, to_e164, status, backend, test_mode, file_name, source_kind, upload_path, pdf_path,
           pages, attempts, max_attempts, next_attempt_at, api_key_id, sender, resent_from, resolution, batch_id, send_at, cover_template, created_at, updated_at)
         VALUES (@id, @toInput, @toE164, 'queued', @backend, @testMode, @fileName, @sourceKind, @uploadPath, @pdfPath,
           @pages, 0, @maxAttempts, COALESCE(@sendAt, @now), @apiKeyId, ${SENDER_NAME}, @resentFrom, @resolution, @batchId, @sendAt,
           @coverTemplate, @now, @now)`,
      ),
      get: db.prepare('SELECT * FROM jobs WHERE id = ?'),
      byProvider: db.prepare('SELECT * FROM jobs WHERE backend = ? AND provider_id = ?'),
      event: db.prepare('INSERT INTO job_events (job_id, at, kind, status, message) VALUES (?, ?, ?, ?, ?)'),
      events: db.prepare('SELECT * FROM job_events WHERE job_id = ? ORDER BY id'),
      inFlight: db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE status IN ('queued','sending','retry_wait')"),
      savePrepared: db.prepare('UPDATE jobs SET pdf_path = ?, pages = ? WHERE id = ?'),
      insertUpload: db.prepare('INSERT INTO job_uploads (job_id, bytes) VALUES (?, ?)'),
      upload: db.prepare('SELECT bytes FROM job_uploads WHERE job_id = ?').pluck(),
      deleteUpload: db.prepare('DELETE FROM job_uploads WHERE job_id = ?'),
      insertBatch: db.prepare(`INSERT INTO job_batches (id, api_key_id, sender, created_at) VALUES (@id, @apiKeyId, ${SENDER_NAME}, @now)`),
      batchSender: db.prepare('SELECT sender FROM job_batches WHERE id = ?').pluck(),
      senders: db.prepare(
        `SELECT api_key_id AS keyId, COALESCE(MAX(sender), api_key_id) AS name FROM jobs
         WHERE api_key_id IS NOT NULL GROUP BY api_key_id ORDER BY LOWER(COALESCE(MAX(sender), api_key_id))`,
      ),
      batch: db.prepare('SELECT * FROM job_batches WHERE id = ?'),
      batchJobs: db.prepare('SELECT * FROM jobs WHERE batch_id = ? ORDER BY created_at, id'),
    };
  }

  /**
   * Group commit: jobs accepted in the same event-loop turn share one transaction, so a burst pays
   * one WAL commit instead of one per fax. Each promise resolves only after its row is committed,
   * so a 202 is never sent for a job that is not durable.
   */
  create(job: NewJob): Promise<JobView> {
    return new Promise((resolve, reject) => {
      this.pending.push({ job, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flushCreates());
    });
  }

  private insertJob({ uploadBytes, ...job }: NewJob, now: number): JobRow {
    this.stmt.insert.run({
      ...job,
      testMode: job.testMode ? 1 : 0,
      maxAttempts: this.settings.current.retry.maxAttempts,
      resentFrom: job.resentFrom ?? null,
      resolution: job.resolution ?? null,
      batchId: job.batchId ?? null,
      sendAt: job.sendAt ?? null,
      coverTemplate: job.coverTemplate ?? null,
      now,
    });
    if (uploadBytes) this.stmt.insertUpload.run(job.id, uploadBytes);
    const queued = job.sendAt ? `Scheduled for ${new Date(job.sendAt).toISOString()}` : 'Queued';
    this.stmt.event.run(job.id, now, 'status', 'queued', job.testMode ? `${queued} (test mode: no real fax is sent)` : queued);
    const row = this.stmt.get.get(job.id) as JobRow;
    this.audit.record('job_created', { job_id: job.id, backend: job.backend, key_id: job.apiKeyId, sender: row.sender });
    return row;
  }

  private flushCreates(): void {
    const batch = this.pending;
    this.pending = [];
    const now = this.now();
    let rows: JobRow[];
    try {
      rows = this.db.transaction(() => batch.map((entry) => this.insertJob(entry.job, now)))();
    } catch {
      // One bad row must not fail its neighbours: retry each on its own.
      for (const entry of batch) {
        try {
          this.settle(entry, this.db.transaction(() => this.insertJob(entry.job, now))());
        } catch (error) {
          entry.reject(error as Error);
        }
      }
      return;
    }
    rows.forEach((row, i) => this.settle(batch[i] as PendingCreate, row));
  }

  private settle(entry: PendingCreate, row: JobRow): void {
    entry.resolve(this.publish(row));
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

  row(id: string): JobRow {
    const row = this.stmt.get.get(id) as JobRow | undefined;
    if (!row) throw notFound('Job not found');
    return row;
  }

  get(id: string): JobView {
    return this.views.get(id) ?? jobView(this.row(id));
  }

  /** Updates are built from the set of fields changed; the few distinct shapes are compiled once. */
  private prepared(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  /** The outbox's prepare step (TXT → PDF, page count). */
  savePrepared(id: string, pdfRef: string, pages: number): void {
    this.stmt.savePrepared.run(pdfRef, pages, id);
    this.publish(this.row(id));
  }

  detail(id: string): JobDetail {
    const job = this.get(id);
    const events = (
      this.stmt.events.all(id) as {
        id: number;
        job_id: string;
        at: number;
        kind: JobEventKind;
        status: JobStatus | null;
        message: string;
      }[]
    ).map((e): JobEventView => ({
      id: e.id,
      jobId: e.job_id,
      at: iso(e.at) as string,
      kind: e.kind,
      status: e.status,
      message: e.message,
    }));
    return { job, events };
  }

  list(query: JobListQuery & { numbers?: string[] }): JobPage {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.status?.length) {
      where.push(`status IN (${query.status.map(() => '?').join(',')})`);
      params.push(...query.status);
    }
    if (query.batchId) {
      where.push('batch_id = ?');
      params.push(query.batchId);
    }
    if (query.numbers) {
      where.push(`to_e164 IN (${query.numbers.map(() => '?').join(',') || "''"})`);
      params.push(...query.numbers);
    }
    if (query.from) {
      where.push('created_at >= ?');
      params.push(Date.parse(query.from));
    }
    if (query.until) {
      where.push('created_at < ?');
      params.push(Date.parse(query.until));
    }
    if (query.scheduled) where.push("send_at IS NOT NULL AND status = 'queued'");
    if (query.sender) {
      where.push('(api_key_id = ? OR LOWER(sender) = LOWER(?))');
      params.push(query.sender, query.sender);
    }
    const search = query.search?.trim();
    if (search) {
      const digits = search.replace(/\D/g, '');
      const clauses = ['id LIKE ?', 'file_name LIKE ?'];
      params.push(`${search.toLowerCase()}%`, `%${search}%`);
      if (digits.length >= 3) {
        clauses.push('to_e164 LIKE ?');
        params.push(`%${digits}%`);
      }
      where.push(`(${clauses.join(' OR ')})`);
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM jobs ${filter}`).get(...params) as { n: number }).n;
    const pageWhere = [...where];
    const pageParams = [...params];
    if (query.cursor) {
      const c = decodeCursor(query.cursor);
      pageWhere.push('(created_at < ? OR (created_at = ? AND id < ?))');
      pageParams.push(c.createdAt, c.createdAt, c.id);
    }
    const rows = this.db
      .prepare(`SELECT * FROM jobs ${pageWhere.length ? `WHERE ${pageWhere.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`)
      .all(...pageParams, query.limit + 1) as JobRow[];
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return { items: page.map(jobView), nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null, total };
  }

  /** A batch row first, so its jobs can refer to it; the jobs follow through `create`. */
  createBatch(id: string, apiKeyId: string | null): void {
    this.stmt.insertBatch.run({ id, apiKeyId, now: this.now() });
    this.audit.record('batch_created', { batch_id: id, key_id: apiKeyId, sender: this.stmt.batchSender.get(id) as string | null });
  }

  /** Every key that has sent a fax, named as it was when it last sent one. */
  senders(): SenderView[] {
    return this.stmt.senders.all() as SenderView[];
  }

  batch(id: string): BatchView {
    const batch = this.stmt.batch.get(id) as { id: string; created_at: number } | undefined;
    if (!batch) throw notFound('Batch not found');
    const rows = this.stmt.batchJobs.all(id) as JobRow[];
    const replaced = new Set(rows.map((r) => r.resent_from).filter((r): r is string => r !== null));
    const jobs = rows.filter((r) => !replaced.has(r.id)).map((r) => this.get(r.id));
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
   * UPDATE itself, so the outbox leasing it at the same moment wins and the edit is refused.
   */
  reschedule(id: string, change: { to?: { input: string; e164: string }; sendAt?: number }): JobView {
    const row = this.row(id);
    if (row.send_at === null) throw conflict('Only a scheduled fax can be edited; this one was sent straight away.');
    const fields: Partial<JobRow> = {};
    if (change.to) Object.assign(fields, { to_input: change.to.input, to_e164: change.to.e164 });
    if (change.sendAt !== undefined) Object.assign(fields, { send_at: change.sendAt, next_attempt_at: change.sendAt });
    const assignments = Object.keys(fields).map((k) => `${k} = @${k}`);
    if (assignments.length === 0) return this.get(id);
    const updated = this.db.transaction(() => {
      const result = this.prepared(
        `UPDATE jobs SET updated_at = @now, ${assignments.join(', ')}
         WHERE id = @id AND status = 'queued' AND attempts = 0 AND lease_owner IS NULL`,
      ).run({ ...fields, now: this.now(), id });
      if (result.changes === 0) return false;
      const parts = [
        change.to ? 'number changed' : '',
        change.sendAt !== undefined ? `now scheduled for ${new Date(change.sendAt).toISOString()}` : '',
      ];
      this.stmt.event.run(id, this.now(), 'note', null, `Edited: ${parts.filter(Boolean).join(', ')}`);
      return true;
    })();
    if (!updated) throw conflict(`The fax has already started (${this.row(id).status}) and can no longer be edited.`);
    this.audit.record('job_rescheduled', { job_id: id });
    return this.publish(this.row(id));
  }

  inFlightCount(): number {
    return (this.stmt.inFlight.get() as { n: number }).n;
  }

  addEvent(id: string, kind: JobEventKind, message: string, status: JobStatus | null = null): void {
    this.stmt.event.run(id, this.now(), kind, status, message);
  }

  /**
   * The only way a job's status changes. Applies the shared state machine, writes the timeline row
   * and the fields in one transaction, then tells every door.
   */
  transition(
    id: string,
    to: JobStatus,
    message: string,
    fields: TransitionFields = {},
    eventKind: JobEventKind = 'status',
  ): { applied: boolean; job: JobView } {
    const result = this.db.transaction(() => {
      const row = this.row(id);
      const decision = decideTransition(row.status, to);
      if (decision !== 'apply') return { applied: false, row };
      const now = this.now();
      const assignments = Object.keys(fields).map((k) => `${k} = @${k}`);
      this.prepared(
        `UPDATE jobs SET status = @status, updated_at = @now${assignments.length ? `, ${assignments.join(', ')}` : ''} WHERE id = @id`,
      ).run({
        ...fields,
        status: to,
        now,
        id,
      });
      this.stmt.event.run(id, now, eventKind, to, message);
      this.audit.record('job_status', { job_id: id, status: to, failure_class: fields.failure_class ?? undefined });
      return { applied: true, row: this.row(id) };
    })();
    return { applied: result.applied, job: result.applied ? this.publish(result.row) : jobView(result.row) };
  }

  /** Updates fields that are not a status change (provider progress, pages), with an optional timeline line. */
  patch(id: string, fields: Partial<JobRow>, timeline?: { kind: JobEventKind; message: string }): JobView {
    const now = this.now();
    const row = this.db.transaction(() => {
      const assignments = Object.keys(fields).map((k) => `${k} = @${k}`);
      this.prepared(`UPDATE jobs SET updated_at = @now, ${assignments.join(', ')} WHERE id = @id`).run({ ...fields, now, id });
      if (timeline) this.stmt.event.run(id, now, timeline.kind, null, timeline.message);
      return this.row(id);
    })();
    return this.publish(row);
  }

  /**
   * A provider's report (callback or poll). Only the current attempt, and only while the job is
   * sending, can move it: duplicates, stale attempts and late reports after a terminal state are no-ops.
   */
  applyProviderUpdate(job: JobRow, update: ProviderUpdate): { applied: boolean; job: JobView } {
    if (job.status !== 'sending' || (job.provider_id !== null && job.provider_id !== update.providerId)) {
      return { applied: false, job: jobView(job) };
    }
    const pages = update.pages ?? job.pages;
    if (update.phase === 'sending') {
      if (update.rawStatus === job.provider_status) return { applied: false, job: jobView(job) };
      const view = this.patch(
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
  ): { applied: boolean; job: JobView } {
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

  findByProviderId(backend: Backend, providerId: string): JobRow | null {
    return (this.stmt.byProvider.get(backend, providerId) as JobRow | undefined) ?? null;
  }

  /** Only a job that is not at the provider right now (queued, or waiting to retry) can be canceled. */
  cancel(id: string): JobView {
    const row = this.row(id);
    if (!canCancel(row.status)) {
      throw conflict(
        isTerminal(row.status) ? `The fax is already ${row.status}.` : 'The fax is being sent right now and can no longer be canceled.',
      );
    }
    if (row.lease_owner) throw conflict('The fax is being handed to the provider right now; try again in a moment.');
    const { job } = this.transition(id, 'canceled', 'Canceled by user', { next_poll_at: null });
    this.audit.record('job_canceled', { job_id: id });
    return job;
  }

  retryNow(id: string): JobView {
    const row = this.row(id);
    if (row.status !== 'retry_wait') throw conflict('Only a fax waiting to retry can be retried now; use resend for a finished fax.');
    return this.patch(id, { next_attempt_at: this.now() }, { kind: 'note', message: 'Retry requested now' });
  }

  mintMediaLink(id: string): { url: string; expiresAt: string; token: string } {
    const row = this.row(id);
    if (row.artifacts_deleted_at) throw notFound('The document was removed by the retention policy');
    const { token, expiresAt } = this.tokens.mint('job', id, this.settings.current.pdfTokenTtlMinutes);
    this.addEvent(id, 'media', 'New document link created');
    this.audit.record('media_token_minted', { job_id: id });
    const base = this.publicUrl() ?? '';
    return { url: `${base}/fax/${id}/pdf?token=${token}`, expiresAt: new Date(expiresAt).toISOString(), token };
  }

  /** The uploaded document, from the document store or from the database. */
  async readUpload(row: JobRow): Promise<Uint8Array> {
    const bytes = row.upload_path ? await this.documents.read(row.upload_path) : (this.stmt.upload.get(row.id) as Buffer | undefined);
    if (!bytes) throw new DocumentMissingError();
    return bytes;
  }

  /** The fax PDF once prepared; null when it is not (yet, or any longer) stored. */
  async readPdf(row: JobRow): Promise<Uint8Array | null> {
    return row.pdf_path && !row.artifacts_deleted_at ? this.documents.read(row.pdf_path) : null;
  }

  /** Removes a finished job's documents; the row and its timeline stay (retention sweep). */
  async deleteArtifacts(row: JobRow): Promise<void> {
    for (const ref of new Set([row.upload_path, row.pdf_path])) if (ref) await this.documents.remove(ref);
    this.stmt.deleteUpload.run(row.id);
    this.patch(row.id, { artifacts_deleted_at: this.now() }, { kind: 'note', message: 'Document removed by retention policy' });
  }
}
