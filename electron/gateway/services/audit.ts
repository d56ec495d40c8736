import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { maskNumber } from '../../../shared/phone';
import type { AuditEntry } from '../../../shared/types';
import type { Db } from '../store/db';

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

export class AuditLog {
  private readonly ring: AuditEntry[] = [];
  private readonly insert;
  private readonly tail;
  private readonly deleteOlder;
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
    db: Db,
    private readonly deps: AuditDeps,
  ) {
    this.now = deps.now;
    this.insert = db.prepare('INSERT INTO audit_log (ts, event, fields) VALUES (?, ?, ?)');
    this.tail = db.prepare('SELECT ts, event, fields FROM audit_log WHERE (? IS NULL OR event = ?) ORDER BY id DESC LIMIT ?');
    this.deleteOlder = db.prepare(
      `DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE ts < ? ORDER BY id LIMIT ${SWEEP_BATCH})`,
    );
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

  /** The JSON-lines file (AUDIT_LOG_FILE or the data folder's audit.jsonl), with pending lines handed to it first. */
  async tailFile(): Promise<{ file: string; format: 'json' | 'text' }> {
    this.flush();
    const stream = this.stream;
    // Writes reach the file in order: once an empty write is done, every line handed over before it is there.
    if (stream) await new Promise<void>((resolve) => stream.write('', () => resolve()));
    const { file, format } = this.deps.target();
    return { file, format };
  }

  recent(limit: number, event?: string): AuditEntry[] {
    const rows = this.tail.all(event ?? null, event ?? null, limit) as { ts: number; event: string; fields: string }[];
    if (rows.length === 0)
      return this.ring
        .filter((e) => !event || e.event === event)
        .slice(-limit)
        .reverse();
    return rows.map((row) => ({ ts: new Date(row.ts).toISOString(), event: row.event, ...JSON.parse(row.fields) }));
  }

  /** Audit retention: deletes rows older than the cutoff in small batches; returns how many went. */
  sweep(olderThan: number, maxBatches = 200): number {
    this.flushCoalesced();
    let removed = 0;
    for (let batch = 0; batch < maxBatches; batch += 1) {
      const { changes } = this.deleteOlder.run(olderThan);
      removed += changes;
      if (changes < SWEEP_BATCH) break;
    }
    return removed;
  }

  close(): Promise<void> {
    this.flushCoalesced();
    if (this.coalesceTimer) clearInterval(this.coalesceTimer);
    this.coalesceTimer = null;
    this.flush();
    const stream = this.stream;
    this.stream = null;
    return new Promise((resolve) => (stream ? stream.end(resolve) : resolve()));
  }

  private write(ts: number, event: string, clean: Record<string, string | number | boolean | null>): void {
    const entry: AuditEntry = { ts: new Date(ts).toISOString(), event, ...clean };
    this.ring.push(entry);
    if (this.ring.length > (this.deps.ringSize ?? 1000)) this.ring.shift();
    const { enabled, file, format } = this.deps.target();
    if (!enabled) return;
    try {
      this.insert.run(ts, event, JSON.stringify(clean));
      if (this.dropped > 0) {
        const count = this.dropped;
        this.dropped = 0;
        this.insert.run(ts, 'audit_dropped', JSON.stringify({ count, reason: 'disk_full' }));
      }
    } catch (error) {
      if (!this.deps.onStorageError?.(error)) throw error;
      this.dropped += 1;
      return;
    }
    if (file) this.appendLine(file, format === 'json' ? JSON.stringify(entry) : this.textLine(entry));
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
