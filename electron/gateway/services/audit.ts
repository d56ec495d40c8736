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
]);
const NUMBER_FIELDS = new Set(['to', 'from']);
const SAFE_VALUE = /^[\w:./*@+=,-]{0,120}$/;

export type AuditFields = Record<string, string | number | boolean | null | undefined>;

export function sanitizeAuditFields(fields: AuditFields): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (NUMBER_FIELDS.has(key)) {
      out[key] = maskNumber(String(value));
    } else if (ALLOWED_FIELDS.has(key)) {
      out[key] = typeof value === 'string' && !SAFE_VALUE.test(value) ? '[redacted]' : value;
    }
  }
  return out;
}

export class AuditLog {
  private readonly ring: AuditEntry[] = [];
  private readonly insert;
  private readonly tail;
  private stream: WriteStream | null = null;
  private streamPath = '';
  /** File lines are flushed every 100 ms: the database row is the durable copy, the file is for tail/syslog tools. */
  private lines: string[] = [];
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(
    db: Db,
    private readonly now: () => number,
    private readonly target: () => { enabled: boolean; file: string; format: 'json' | 'text' },
    private readonly ringSize = 1000,
  ) {
    this.insert = db.prepare('INSERT INTO audit_log (ts, event, fields) VALUES (?, ?, ?)');
    this.tail = db.prepare('SELECT ts, event, fields FROM audit_log WHERE (? IS NULL OR event = ?) ORDER BY id DESC LIMIT ?');
  }

  record(event: string, fields: AuditFields = {}): void {
    const clean = sanitizeAuditFields(fields);
    const ts = this.now();
    const entry: AuditEntry = { ts: new Date(ts).toISOString(), event, ...clean };
    this.ring.push(entry);
    if (this.ring.length > this.ringSize) this.ring.shift();
    const { enabled, file, format } = this.target();
    if (!enabled) return;
    this.insert.run(ts, event, JSON.stringify(clean));
    if (file) this.appendLine(file, format === 'json' ? JSON.stringify(entry) : this.textLine(entry));
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

  close(): Promise<void> {
    this.flush();
    const stream = this.stream;
    this.stream = null;
    return new Promise((resolve) => (stream ? stream.end(resolve) : resolve()));
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
      mkdirSync(dirname(file), { recursive: true });
      this.stream = createWriteStream(file, { flags: 'a' });
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
