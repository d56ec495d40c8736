import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { maskNumber } from '../../../shared/phone';
import type { AuditEntry } from '../../../shared/types';
import type { AuditRepository, AuditRow } from '../store/types';

/**
 * Audit fields are allow-listed: ids, event names and small enums only. Anything else is dropped
 * rather than trusted, so a caller cannot leak a secret, a document or a full number by accident.
 */
const ALLOWED_FIELDS = new Set([
  'job_id',
  'contact_id',
  'group_id',
  'batch_id',
  'inbound_id',
  'key_id',
  'backend',
  'status',
  'method',
  'path',
  'scheme',
  'attempt',
  'failure_class',
  'reason',
  'count',
  'provider_id',
  'source',
  'scopes',
  'limit',
  'repeated',
]);
const NUMBER_FIELDS = new Set(['to', 'from']);
const SAFE_VALUE = /^[\w:./*@+=,-]{0,120}$/;
/** A key's name as "sender" (who sent it): an admin-chosen label such as a person's name, so spaces and letters of any script. */
const LABEL_FIELDS = new Set(['sender']);
// The typographic apostrophe as an escape: one non-Latin-1 character in the bundle makes V8 keep its whole source two bytes per character.
const SAFE_LABEL = /^[\p{L}\p{N} ._@'\u2019()-]{0,100}$/u;

export type AuditFields = Record<string, string | number | boolean | null | undefined>;

export function sanitizeAuditFields(fields: AuditFields): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (NUMBER_FIELDS.has(key)) {
      out[key] = maskNumber(String(value));
    } else if (LABEL_FIELDS.has(key)) {
      out[key] = typeof value === 'string' && !SAFE_LABEL.test(value) ? '[redacted]' : value;
    } else if (ALLOWED_FIELDS.has(key)) {
      out[key] = typeof value === 'string' && !SAFE_VALUE.test(value) ? '[redacted]' : value;
    }
  }
  return out;
}

/** Identical events (same name and fields) within this window are written once, then summed in one row. */
const COALESCE_WINDOW_MS = 60_000;
/** Bounds the memory of distinct events being summed; beyond it the summaries are written early. */
const MAX_COALESCING = 5_000;
const SWEEP_BATCH = 5_000;

interface Coalescing {
  event: string;
  fields: Record<string, string | number | boolean | null>;
  since: number;
  repeats: number;
}

export interface AuditDeps {
  now: () => number;
  target: () => { enabled: boolean; file: string; format: 'json' | 'text' };
  /** A full or failing disk: true when the error was one (the row is then dropped and counted, not thrown). */
  onStorageError?: (error: unknown) => boolean;
  ringSize?: number;
}

/** A row waiting for the next database write, with the line the audit file gets once it is stored. */
interface PendingRow {
  row: AuditRow;
  file: string;
  line: string;
}

/** An event whose row the caller writes in its own transaction (see `stage`); null row when auditing is off. */
export interface StagedAuditEvent {
  entry: AuditEntry;
  pending: PendingRow | null;
}

export class AuditLog {
  private readonly ring: AuditEntry[] = [];
  /** Rows recorded in this event-loop turn: written together, one transaction per turn, not one per row. */
  private pending: PendingRow[] = [];
  private writing: Promise<void> = Promise.resolve();
  private writeScheduled = false;
  private stream: WriteStream | null = null;
  private streamPath = '';
  /** File lines are flushed every 100 ms: the database row is the durable copy, the file is for tail/syslog tools. */
  private lines: string[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly coalescing = new Map<string, Coalescing>();
  private coalesceTimer: NodeJS.Timeout | null = null;
  /** Rows that could not be written while the disk was full; reported in one row once it can be. */
  private dropped = 0;
  private readonly now: () => number;

  constructor(
    private readonly store: AuditRepository,
    private readonly deps: AuditDeps,
  ) {
    this.now = deps.now;
  }

  /**
   * Writes the event, unless an identical one was written within the last minute: then it is only
   * counted, and one row with `repeated: N` follows when the minute is over (a flood of bad requests
   * costs a row a minute, not a row a request).
   */
  record(event: string, fields: AuditFields = {}): void {
    const clean = sanitizeAuditFields(fields);
    const ts = this.now();
    const key = `${event}\u0000${JSON.stringify(clean)}`;
    const open = this.coalescing.get(key);
    if (open && ts - open.since < COALESCE_WINDOW_MS) {
      open.repeats += 1;
      return;
    }
    if (open) this.closeWindow(key, open);
    if (this.coalescing.size >= MAX_COALESCING) this.flushCoalesced();
    this.coalescing.set(key, { event, fields: clean, since: ts, repeats: 0 });
    this.startCoalesceTimer();
    this.write(ts, event, clean);
  }

  /**
   * An event whose row the caller writes in its own transaction (the jobs' group commit writes
   * job_created with the jobs: one commit a turn, not two); hand it to `stored` once committed.
   * Not coalesced, so only for events that never repeat (one per job).
   */
  stage(event: string, fields: AuditFields): StagedAuditEvent {
    const clean = sanitizeAuditFields(fields);
    const ts = this.now();
    return { entry: { ts: new Date(ts).toISOString(), event, ...clean }, pending: this.pendingRow(ts, event, clean) };
  }

  /** Staged events whose rows were committed: they join the in-memory tail and the audit file. */
  stored(events: readonly StagedAuditEvent[]): void {
    for (const { entry, pending } of events) {
      this.remember(entry);
      if (pending?.file) this.appendLine(pending.file, pending.line);
    }
  }

  /** The JSON-lines file (AUDIT_LOG_FILE or the data folder's audit.jsonl), with pending lines handed to it first. */
  async tailFile(): Promise<{ file: string; format: 'json' | 'text' }> {
    await this.flushRows();
    this.flush();
    const stream = this.stream;
    // Writes reach the file in order: once an empty write is done, every line handed over before it is there.
    if (stream) await new Promise<void>((resolve) => stream.write('', () => resolve()));
    const { file, format } = this.deps.target();
    return { file, format };
  }

  async recent(limit: number, event?: string): Promise<AuditEntry[]> {
    await this.flushRows();
    const rows = await this.store.recent(limit, event ?? null);
    if (rows.length === 0)
      return this.ring
        .filter((e) => !event || e.event === event)
        .slice(-limit)
        .reverse();
    return rows.map((row) => ({ ts: new Date(row.ts).toISOString(), event: row.event, ...JSON.parse(row.fields) }));
  }

  /** Audit retention: deletes rows older than the cutoff in small batches; returns how many went. */
  async sweep(olderThan: number, maxBatches = 200): Promise<number> {
    this.flushCoalesced();
    await this.flushRows();
    let removed = 0;
    for (let batch = 0; batch < maxBatches; batch += 1) {
      const changes = await this.store.deleteBefore(olderThan, SWEEP_BATCH);
      removed += changes;
      if (changes < SWEEP_BATCH) break;
    }
    return removed;
  }

  async close(): Promise<void> {
    this.flushCoalesced();
    if (this.coalesceTimer) clearInterval(this.coalesceTimer);
    this.coalesceTimer = null;
    await this.flushRows();
    this.flush();
    const stream = this.stream;
    this.stream = null;
    return new Promise((resolve) => (stream ? stream.end(resolve) : resolve()));
  }

  private write(ts: number, event: string, clean: Record<string, string | number | boolean | null>): void {
    this.remember({ ts: new Date(ts).toISOString(), event, ...clean });
    const pending = this.pendingRow(ts, event, clean);
    if (!pending) return;
    this.pending.push(pending);
    if (!this.writeScheduled) {
      this.writeScheduled = true;
      setImmediate(() => void this.flushRows());
    }
  }

  private remember(entry: AuditEntry): void {
    this.ring.push(entry);
    if (this.ring.length > (this.deps.ringSize ?? 1000)) this.ring.shift();
  }

  /** The database row and file line for an event; null when auditing is off. */
  private pendingRow(ts: number, event: string, clean: Record<string, string | number | boolean | null>): PendingRow | null {
    const { enabled, file, format } = this.deps.target();
    if (!enabled) return null;
    const entry: AuditEntry = { ts: new Date(ts).toISOString(), event, ...clean };
    return {
      row: { ts, event, fields: JSON.stringify(clean) },
      file,
      line: file ? (format === 'json' ? JSON.stringify(entry) : this.textLine(entry)) : '',
    };
  }

  /** Resolves once every row recorded so far is in the database (or was dropped and counted). */
  flushRows(): Promise<void> {
    this.writing = this.writing.then(() => this.writePending());
    return this.writing;
  }

  private async writePending(): Promise<void> {
    this.writeScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const rows = batch.map((pending) => pending.row);
    const count = this.dropped;
    if (count > 0)
      rows.push({
        ts: (rows[rows.length - 1] as AuditRow).ts,
        event: 'audit_dropped',
        fields: JSON.stringify({ count, reason: 'disk_full' }),
      });
    try {
      await this.store.append(rows);
    } catch (error) {
      // Never thrown at the caller (the request it audits goes on); counted, and reported once rows can be written.
      this.deps.onStorageError?.(error);
      this.dropped += batch.length;
      return;
    }
    this.dropped -= count;
    for (const pending of batch) if (pending.file) this.appendLine(pending.file, pending.line);
  }

  private closeWindow(key: string, open: Coalescing): void {
    this.coalescing.delete(key);
    if (open.repeats > 0) this.write(this.now(), open.event, { ...open.fields, repeated: open.repeats });
  }

  private flushCoalesced(): void {
    for (const [key, open] of [...this.coalescing]) this.closeWindow(key, open);
  }

  private startCoalesceTimer(): void {
    if (this.coalesceTimer) return;
    this.coalesceTimer = setInterval(() => {
      const now = this.now();
      for (const [key, open] of [...this.coalescing]) if (now - open.since >= COALESCE_WINDOW_MS) this.closeWindow(key, open);
      if (this.coalescing.size === 0 && this.coalesceTimer) {
        clearInterval(this.coalesceTimer);
        this.coalesceTimer = null;
      }
    }, COALESCE_WINDOW_MS / 4);
    this.coalesceTimer.unref();
  }

  private textLine(entry: AuditEntry): string {
    return Object.entries(entry)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
  }

  private appendLine(file: string, line: string): void {
    if (this.streamPath !== file) {
      this.flush();
      this.stream?.end();
      this.stream = null;
      try {
        mkdirSync(dirname(file), { recursive: true });
      } catch (error) {
        if (!this.deps.onStorageError?.(error)) throw error;
        return;
      }
      const stream = createWriteStream(file, { flags: 'a' });
      // A full disk fails the write later, as an event: without a listener it would end the process.
      stream.on('error', (error) => {
        this.deps.onStorageError?.(error);
        if (this.stream === stream) {
          this.stream = null;
          this.streamPath = '';
        }
        stream.destroy();
      });
      this.stream = stream;
      this.streamPath = file;
    }
    this.lines.push(line);
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), 100);
      this.flushTimer.unref();
    }
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.lines.length === 0 || !this.stream) return;
    this.stream.write(`${this.lines.join('\n')}\n`);
    this.lines = [];
  }
}
