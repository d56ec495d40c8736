import type { FailureClass, JobStatus } from '../../../shared/status';
import type { Backend, FaxResolution } from '../../../shared/settings';
import type { JobEventKind } from '../../../shared/types';

/**
 * The store seam: every SQL statement lives behind these engine-neutral repositories (SQLite today,
 * PostgreSQL next). Methods are async because PostgreSQL is; rows are plain objects. A method that
 * must be atomic is ONE method, made atomic inside the engine, so no transaction spans an await.
 */

/** A job as stored (column names as in the schema). */
export interface JobRow {
  id: string;
  to_input: string;
  to_e164: string;
  status: JobStatus;
  backend: Backend;
  test_mode: number;
  file_name: string | null;
  source_kind: 'pdf' | 'txt';
  /** A StoredDocuments reference ('' when the upload is in job_uploads); rows from before the document store hold a file path. */
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

/** A job to insert; it starts `queued` with no attempts. */
export interface NewJobRecord {
  id: string;
  toInput: string;
  toE164: string;
  backend: Backend;
  testMode: boolean;
  fileName: string | null;
  sourceKind: 'pdf' | 'txt';
  /** A StoredDocuments reference for large uploads; '' when the bytes travel in `uploadBytes` (kept in the database). */
  uploadPath: string;
  uploadBytes: Buffer | null;
  pdfPath: string | null;
  pages: number | null;
  apiKeyId: string | null;
  resentFrom: string | null;
  resolution: FaxResolution | null;
  batchId: string | null;
  /** Scheduled send: not due before this time (epoch ms). */
  sendAt: number | null;
  coverTemplate: string | null;
  maxAttempts: number;
  /** The first timeline line ("Queued", "Scheduled for …"). */
  queuedMessage: string;
}

export interface JobEventRow {
  id: number;
  job_id: string;
  at: number;
  kind: JobEventKind;
  status: JobStatus | null;
  message: string;
}

/** The columns a change may set besides status and updated_at. */
export type JobFields = Partial<Omit<JobRow, 'id' | 'status' | 'created_at' | 'updated_at'>>;

/** Filters for the job list; every one optional, combined with AND. */
export interface JobFilter {
  statuses?: readonly JobStatus[];
  batchId?: string;
  /** E.164 numbers the job went to; an empty list matches nothing. */
  numbers?: readonly string[];
  createdFrom?: number;
  createdUntil?: number;
  /** Only scheduled jobs that have not started. */
  scheduled?: boolean;
  /** Sent with this key id, or by a key with this name (any case) at send time. */
  sender?: string;
  /** Id prefix (lower case), file name part, or (3+ digits) part of the number. */
  search?: { idPrefix: string; fileNamePart: string; digits: string | null };
}

/** Keyset paging, newest first, over (created_at, id). */
export interface JobPageRequest {
  filter: JobFilter;
  after: { createdAt: number; id: string } | null;
  limit: number;
}

export interface LeaseRequest {
  owner: string;
  now: number;
  expiresAt: number;
  limit: number;
  /** Backends in an outage: their jobs are not leased. */
  pausedBackends: readonly string[];
}

export interface JobsRepository {
  /**
   * Inserts the jobs, their stored upload bytes and first timeline rows in one transaction: all or none.
   * `audit` answers the audit rows for the inserted jobs, appended in the same transaction (one commit, not two).
   */
  createMany(jobs: readonly NewJobRecord[], now: number, audit?: (rows: readonly JobRow[]) => readonly AuditRow[]): Promise<JobRow[]>;
  get(id: string): Promise<JobRow | null>;
  findByProviderId(backend: Backend, providerId: string): Promise<JobRow | null>;
  events(id: string): Promise<JobEventRow[]>;
  addEvent(id: string, at: number, kind: JobEventKind, status: JobStatus | null, message: string): Promise<void>;
  /** Jobs not yet finished (queued, sending, retry_wait). */
  inFlightCount(): Promise<number>;
  /** Queued jobs, jobs in progress (sending or waiting to retry), and jobs that failed after `since`. */
  statusCounts(since: number): Promise<{ queued: number; inProgress: number; failedSince: number }>;
  page(request: JobPageRequest): Promise<{ rows: JobRow[]; total: number }>;
  /** Every key that has sent a fax, named as it was when it last sent one, by name. */
  senders(): Promise<{ keyId: string; name: string }[]>;
  /** Records the prepared PDF and its page count (bookkeeping: updated_at stays); null when the job is gone. */
  savePrepared(id: string, pdfRef: string, pages: number): Promise<JobRow | null>;
  /** The bytes of an upload kept in the database, or null. */
  upload(id: string): Promise<Buffer | null>;
  /**
   * The state machine's `decide` runs on the current row inside the transaction; when it answers
   * 'apply' the status, fields and timeline row are written together. Returns the row after.
   */
  transition(
    id: string,
    change: { to: JobStatus; fields: JobFields; kind: JobEventKind; message: string; now: number },
    decide: (from: JobStatus, to: JobStatus) => 'apply' | 'noop' | 'reject',
  ): Promise<{ applied: boolean; row: JobRow } | null>;
  /** Sets fields (and updated_at) with an optional timeline line, atomically; null when the job is gone. */
  patch(id: string, fields: JobFields, now: number, timeline?: { kind: JobEventKind; message: string }): Promise<JobRow | null>;
  /**
   * Edits a scheduled job only while it is queued, unleased and never attempted (the guard is in the
   * write, so the outbox leasing it at the same moment wins); writes the note with it. False when refused.
   */
  reschedule(
    id: string,
    fields: Pick<JobFields, 'to_input' | 'to_e164' | 'send_at' | 'next_attempt_at'>,
    now: number,
    note: string,
  ): Promise<boolean>;
  /** Forgets upload bytes kept in the database and marks the documents removed, with a timeline line. */
  markArtifactsDeleted(id: string, now: number, message: string): Promise<JobRow | null>;
  /** Finished jobs whose documents are still kept and which last changed before `cutoff`, oldest first. */
  finishedBefore(cutoff: number, limit: number): Promise<JobRow[]>;

  /** Claims due queued/retry_wait jobs for `owner` until `expiresAt`; two owners never claim the same job. */
  leaseDue(request: LeaseRequest): Promise<JobRow[]>;
  /** Leased jobs held by another owner, or whose lease has run out. */
  staleLeases(owner: string, now: number, limit: number): Promise<JobRow[]>;
  setLease(id: string, owner: string | null, expiresAt: number | null): Promise<void>;
  /** Sending jobs at a provider that can be polled, due now, soonest first. */
  dueForPoll(now: number, limit: number): Promise<JobRow[]>;
  /** Poll bookkeeping: no timeline row, no updated_at change. */
  setNextPoll(id: string, at: number): Promise<void>;
}

export interface BatchRow {
  id: string;
  api_key_id: string | null;
  /** The sending key's name at send time (migration 0012). */
  sender: string | null;
  created_at: number;
}

export interface BatchesRepository {
  /** Records the sending key's name with the batch; answers the row written. */
  create(id: string, apiKeyId: string | null, now: number): Promise<BatchRow>;
  get(id: string): Promise<BatchRow | null>;
  /** The batch's jobs, oldest first. */
  jobs(id: string): Promise<JobRow[]>;
}

export interface MediaTokenRow {
  token_hash: string;
  subject_kind: 'job' | 'inbound';
  subject_id: string;
  expires_at: number;
}

export interface MediaTokensRepository {
  insert(row: MediaTokenRow, now: number): Promise<void>;
  find(tokenHash: string): Promise<MediaTokenRow | null>;
  /** Deletes tokens that expired before `cutoff`; returns how many. */
  deleteExpiredBefore(cutoff: number): Promise<number>;
}

export interface UiSessionsRepository {
  /** Stores a session and drops the expired ones. */
  open(digest: string, expiresAt: number, now: number): Promise<void>;
  expiresAt(digest: string): Promise<number | null>;
  close(digest: string): Promise<void>;
}

export interface AuditRow {
  ts: number;
  event: string;
  /** The sanitized fields as JSON. */
  fields: string;
}

export interface AuditRepository {
  /** Appends the rows, in order, in one transaction. */
  append(rows: readonly AuditRow[]): Promise<void>;
  /** Newest first, optionally of one event. */
  recent(limit: number, event: string | null): Promise<AuditRow[]>;
  /** Deletes at most `limit` of the oldest rows written before `cutoff`; returns how many went. */
  deleteBefore(cutoff: number, limit: number): Promise<number>;
}

export interface ApiKeyRow {
  key_id: string;
  /** `hmac-sha256$…` (or a legacy `scrypt$…` until first use); never the secret. */
  key_hash: string;
  name: string | null;
  owner: string | null;
  /** JSON array of scope names. */
  scopes: string;
  note: string | null;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface KeysRepository {
  /** The server key API-key secrets are HMAC'd with (made by a migration); null if missing. */
  serverKey(): Promise<Buffer | null>;
  insert(row: Omit<ApiKeyRow, 'last_used_at' | 'revoked_at'>): Promise<void>;
  get(keyId: string): Promise<ApiKeyRow | null>;
  /** Newest first. */
  list(): Promise<ApiKeyRow[]>;
  /** Keys not revoked. */
  activeCount(): Promise<number>;
  /** Revokes once: a second revoke keeps the first time. */
  revoke(keyId: string, at: number): Promise<void>;
  /** A new secret's hash (rotation): last use is forgotten. */
  replaceHash(keyId: string, keyHash: string): Promise<void>;
  touch(keyId: string, at: number): Promise<void>;
  /** Replaces the hash only if it is still `fromHash` (not rotated meanwhile); true when it did. */
  upgradeHash(keyId: string, fromHash: string, toHash: string): Promise<boolean>;
}

/** Every repository of one database. */
export interface Store {
  jobs: JobsRepository;
  batches: BatchesRepository;
  mediaTokens: MediaTokensRepository;
  uiSessions: UiSessionsRepository;
  audit: AuditRepository;
  keys: KeysRepository;
  /** Answers when the database does (health checks). */
  ping(): Promise<void>;
  /** Row counts for the admin database status: fax jobs, API keys, inbound faxes. */
  counts(): Promise<{ jobs: number; apiKeys: number; inboundFaxes: number }>;
}
