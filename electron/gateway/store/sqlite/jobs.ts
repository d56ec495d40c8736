import type { JobStatus } from '../../../../shared/status';
import type { Backend } from '../../../../shared/settings';
import type { JobEventKind } from '../../../../shared/types';
import type { Db, Statement } from '../db';
import type { SqliteAudit } from './audit';
import type {
  AuditRow,
  JobEventRow,
  JobFields,
  JobFilter,
  JobPageRequest,
  JobRow,
  JobsRepository,
  LeaseRequest,
  NewJobRecord,
} from '../types';

/** The sending key's name, looked up as the row is written (one SQL fragment for jobs and batches). */
export const SENDER_NAME = '(SELECT name FROM api_keys WHERE key_id = @apiKeyId)';

/** The columns a patch or transition may name: field names become SQL, so only these are accepted. */
const SETTABLE = new Set<string>([
  'to_input',
  'to_e164',
  'backend',
  'test_mode',
  'file_name',
  'source_kind',
  'upload_path',
  'pdf_path',
  'pages',
  'attempts',
  'max_attempts',
  'next_attempt_at',
  'next_poll_at',
  'failure_class',
  'error',
  'provider_id',
  'provider_status',
  'submit_state',
  'lease_owner',
  'lease_expires_at',
  'api_key_id',
  'sender',
  'resent_from',
  'artifacts_deleted_at',
  'resolution',
  'batch_id',
  'send_at',
  'cover_template',
]);

function assignments(fields: JobFields): string[] {
  return Object.keys(fields).map((key) => {
    if (!SETTABLE.has(key)) throw new Error(`Unknown job column: ${key}`);
    return `${key} = @${key}`;
  });
}

function where(filter: JobFilter): { clauses: string[]; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.statuses?.length) {
    clauses.push(`status IN (${filter.statuses.map(() => '?').join(',')})`);
    params.push(...filter.statuses);
  }
  if (filter.batchId !== undefined) {
    clauses.push('batch_id = ?');
    params.push(filter.batchId);
  }
  if (filter.numbers) {
    clauses.push(`to_e164 IN (${filter.numbers.map(() => '?').join(',') || "''"})`);
    params.push(...filter.numbers);
  }
  if (filter.createdFrom !== undefined) {
    clauses.push('created_at >= ?');
    params.push(filter.createdFrom);
  }
  if (filter.createdUntil !== undefined) {
    clauses.push('created_at < ?');
    params.push(filter.createdUntil);
  }
  if (filter.scheduled) clauses.push("send_at IS NOT NULL AND status = 'queued'");
  if (filter.sender !== undefined) {
    clauses.push('(api_key_id = ? OR LOWER(sender) = LOWER(?))');
    params.push(filter.sender, filter.sender);
  }
  if (filter.search) {
    const any = ['id LIKE ?', 'file_name LIKE ?'];
    params.push(`${filter.search.idPrefix}%`, `%${filter.search.fileNamePart}%`);
    if (filter.search.digits) {
      any.push('to_e164 LIKE ?');
      params.push(`%${filter.search.digits}%`);
    }
    clauses.push(`(${any.join(' OR ')})`);
  }
  return { clauses, params };
}

/** Jobs, their timeline, stored uploads and outbox leases on better-sqlite3 (statements prepared once). */
export class SqliteJobs implements JobsRepository {
  private readonly stmt;
  /** Updates and list queries are built from the fields and filters used; the few distinct shapes are compiled once. */
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly db: Db,
    private readonly audit: SqliteAudit,
  ) {
    this.stmt = {
      insert: db.prepare(
        `INSERT INTO jobs (id, to_input, to_e164, status, backend, test_mode, file_name, source_kind, upload_path, pdf_path,
           pages, attempts, max_attempts, next_attempt_at, api_key_id, sender, resent_from, resolution, batch_id, send_at, cover_template, created_at, updated_at)
         VALUES (@id, @toInput, @toE164, 'queued', @backend, @testMode, @fileName, @sourceKind, @uploadPath, @pdfPath,
           @pages, 0, @maxAttempts, COALESCE(@sendAt, @now), @apiKeyId, ${SENDER_NAME}, @resentFrom, @resolution, @batchId, @sendAt,
           @coverTemplate, @now, @now)
         RETURNING *`,
      ),
      get: db.prepare('SELECT * FROM jobs WHERE id = ?'),
      byProvider: db.prepare('SELECT * FROM jobs WHERE backend = ? AND provider_id = ?'),
      event: db.prepare('INSERT INTO job_events (job_id, at, kind, status, message) VALUES (?, ?, ?, ?, ?)'),
      events: db.prepare('SELECT * FROM job_events WHERE job_id = ? ORDER BY id'),
      inFlight: db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE status IN ('queued','sending','retry_wait')").pluck(),
      statusCounts: db.prepare(
        `SELECT COUNT(*) FILTER (WHERE status = 'queued') AS queued,
                COUNT(*) FILTER (WHERE status IN ('sending','retry_wait')) AS inProgress,
                COUNT(*) FILTER (WHERE status = 'failed' AND updated_at > ?) AS failedSince
         FROM jobs`,
      ),
      savePrepared: db.prepare('UPDATE jobs SET pdf_path = ?, pages = ? WHERE id = ? RETURNING *'),
      insertUpload: db.prepare('INSERT INTO job_uploads (job_id, bytes) VALUES (?, ?)'),
      upload: db.prepare('SELECT bytes FROM job_uploads WHERE job_id = ?').pluck(),
      deleteUpload: db.prepare('DELETE FROM job_uploads WHERE job_id = ?'),
      finished: db.prepare(
        `SELECT * FROM jobs WHERE status IN ('delivered','failed','canceled') AND artifacts_deleted_at IS NULL
         AND updated_at < ? ORDER BY updated_at LIMIT ?`,
      ),
      lease: db.prepare(
        `UPDATE jobs SET lease_owner = @owner, lease_expires_at = @expires
         WHERE id IN (SELECT id FROM jobs WHERE status IN ('queued','retry_wait') AND next_attempt_at <= @now
                      AND lease_owner IS NULL AND backend NOT IN (SELECT value FROM json_each(@paused))
                      ORDER BY next_attempt_at, created_at LIMIT @limit)
         RETURNING *`,
      ),
      stale: db.prepare(
        `SELECT * FROM jobs WHERE lease_owner IS NOT NULL AND (lease_owner <> @owner OR lease_expires_at < @now) LIMIT @limit`,
      ),
      setLease: db.prepare('UPDATE jobs SET lease_owner = ?, lease_expires_at = ? WHERE id = ?'),
      polling: db.prepare(
        `SELECT * FROM jobs WHERE status = 'sending' AND submit_state = 'submitted' AND next_poll_at IS NOT NULL
         AND next_poll_at <= ? ORDER BY next_poll_at LIMIT ?`,
      ),
      nextPoll: db.prepare('UPDATE jobs SET next_poll_at = ? WHERE id = ?'),
      senders: db.prepare(
        `SELECT api_key_id AS keyId, COALESCE(MAX(sender), api_key_id) AS name FROM jobs
         WHERE api_key_id IS NOT NULL GROUP BY api_key_id ORDER BY LOWER(COALESCE(MAX(sender), api_key_id))`,
      ),
    };
  }

  private prepared(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  private row(id: string): JobRow | null {
    return (this.stmt.get.get(id) as JobRow | undefined) ?? null;
  }

  async createMany(
    jobs: readonly NewJobRecord[],
    now: number,
    audit: (rows: readonly JobRow[]) => readonly AuditRow[] = () => [],
  ): Promise<JobRow[]> {
    return this.db.transaction(() => {
      const rows = jobs.map(({ uploadBytes, queuedMessage, ...job }) => {
        const row = this.stmt.insert.get({ ...job, testMode: job.testMode ? 1 : 0, now }) as JobRow;
        if (uploadBytes) this.stmt.insertUpload.run(job.id, uploadBytes);
        this.stmt.event.run(job.id, now, 'status', 'queued', queuedMessage);
        return row;
      });
      this.audit.insertRows(audit(rows));
      return rows;
    })();
  }

  async get(id: string): Promise<JobRow | null> {
    return this.row(id);
  }

  async findByProviderId(backend: Backend, providerId: string): Promise<JobRow | null> {
    return (this.stmt.byProvider.get(backend, providerId) as JobRow | undefined) ?? null;
  }

  async events(id: string): Promise<JobEventRow[]> {
    return this.stmt.events.all(id) as JobEventRow[];
  }

  async addEvent(id: string, at: number, kind: JobEventKind, status: JobStatus | null, message: string): Promise<void> {
    this.stmt.event.run(id, at, kind, status, message);
  }

  async inFlightCount(): Promise<number> {
    return this.stmt.inFlight.get() as number;
  }

  async statusCounts(since: number): Promise<{ queued: number; inProgress: number; failedSince: number }> {
    return this.stmt.statusCounts.get(since) as { queued: number; inProgress: number; failedSince: number };
  }

  async page({ filter, after, limit }: JobPageRequest): Promise<{ rows: JobRow[]; total: number }> {
    const { clauses, params } = where(filter);
    const total = this.prepared(`SELECT COUNT(*) AS n FROM jobs ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''}`)
      .pluck()
      .get(...params) as number;
    if (after) {
      clauses.push('(created_at < ? OR (created_at = ? AND id < ?))');
      params.push(after.createdAt, after.createdAt, after.id);
    }
    const rows = this.prepared(
      `SELECT * FROM jobs ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`,
    ).all(...params, limit) as JobRow[];
    return { rows, total };
  }

  async senders(): Promise<{ keyId: string; name: string }[]> {
    return this.stmt.senders.all() as { keyId: string; name: string }[];
  }

  async savePrepared(id: string, pdfRef: string, pages: number): Promise<JobRow | null> {
    return (this.stmt.savePrepared.get(pdfRef, pages, id) as JobRow | undefined) ?? null;
  }

  async upload(id: string): Promise<Buffer | null> {
    return (this.stmt.upload.get(id) as Buffer | undefined) ?? null;
  }

  async transition(
    id: string,
    change: { to: JobStatus; fields: JobFields; kind: JobEventKind; message: string; now: number },
    decide: (from: JobStatus, to: JobStatus) => 'apply' | 'noop' | 'reject',
  ): Promise<{ applied: boolean; row: JobRow } | null> {
    const { to, fields, kind, message, now } = change;
    return this.db.transaction(() => {
      const row = this.row(id);
      if (!row) return null;
      if (decide(row.status, to) !== 'apply') return { applied: false, row };
      const set = assignments(fields);
      this.prepared(`UPDATE jobs SET status = @status, updated_at = @now${set.length ? `, ${set.join(', ')}` : ''} WHERE id = @id`).run({
        ...fields,
        status: to,
        now,
        id,
      });
      this.stmt.event.run(id, now, kind, to, message);
      return { applied: true, row: this.row(id) as JobRow };
    })();
  }

  async patch(id: string, fields: JobFields, now: number, timeline?: { kind: JobEventKind; message: string }): Promise<JobRow | null> {
    return this.db.transaction(() => {
      const set = assignments(fields);
      this.prepared(`UPDATE jobs SET updated_at = @now${set.length ? `, ${set.join(', ')}` : ''} WHERE id = @id`).run({
        ...fields,
        now,
        id,
      });
      if (timeline) this.stmt.event.run(id, now, timeline.kind, null, timeline.message);
      return this.row(id);
    })();
  }

  async reschedule(
    id: string,
    fields: Pick<JobFields, 'to_input' | 'to_e164' | 'send_at' | 'next_attempt_at'>,
    now: number,
    note: string,
  ): Promise<boolean> {
    return this.db.transaction(() => {
      const result = this.prepared(
        `UPDATE jobs SET updated_at = @now, ${assignments(fields).join(', ')}
         WHERE id = @id AND status = 'queued' AND attempts = 0 AND lease_owner IS NULL`,
      ).run({ ...fields, now, id });
      if (result.changes === 0) return false;
      this.stmt.event.run(id, now, 'note', null, note);
      return true;
    })();
  }

  async markArtifactsDeleted(id: string, now: number, message: string): Promise<JobRow | null> {
    return this.db.transaction(() => {
      this.stmt.deleteUpload.run(id);
      this.prepared('UPDATE jobs SET updated_at = @now, artifacts_deleted_at = @now WHERE id = @id').run({ now, id });
      this.stmt.event.run(id, now, 'note', null, message);
      return this.row(id);
    })();
  }

  async finishedBefore(cutoff: number, limit: number): Promise<JobRow[]> {
    return this.stmt.finished.all(cutoff, limit) as JobRow[];
  }

  async leaseDue(request: LeaseRequest): Promise<JobRow[]> {
    return this.stmt.lease.all({
      owner: request.owner,
      expires: request.expiresAt,
      now: request.now,
      limit: request.limit,
      paused: JSON.stringify(request.pausedBackends),
    }) as JobRow[];
  }

  async staleLeases(owner: string, now: number, limit: number): Promise<JobRow[]> {
    return this.stmt.stale.all({ owner, now, limit }) as JobRow[];
  }

  async setLease(id: string, owner: string | null, expiresAt: number | null): Promise<void> {
    this.stmt.setLease.run(owner, expiresAt, id);
  }

  async dueForPoll(now: number, limit: number): Promise<JobRow[]> {
    return this.stmt.polling.all(now, limit) as JobRow[];
  }

  async setNextPoll(id: string, at: number): Promise<void> {
    this.stmt.nextPoll.run(at, id);
  }
}
