import type { Db } from '../db';
import type { AuditRepository, AuditRow } from '../types';

export class SqliteAudit implements AuditRepository {
  private readonly stmt;
  private readonly appendAll;

  constructor(db: Db) {
    this.stmt = {
      insert: db.prepare('INSERT INTO audit_log (ts, event, fields) VALUES (?, ?, ?)'),
      tail: db.prepare('SELECT ts, event, fields FROM audit_log WHERE (? IS NULL OR event = ?) ORDER BY id DESC LIMIT ?'),
      deleteOlder: db.prepare('DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE ts < ? ORDER BY id LIMIT ?)'),
    };
    this.appendAll = db.transaction((rows: readonly AuditRow[]) => this.insertRows(rows));
  }

  /** Inserts within the caller's transaction (the jobs' group commit writes its audit rows with its jobs). */
  insertRows(rows: readonly AuditRow[]): void {
    for (const row of rows) this.stmt.insert.run(row.ts, row.event, row.fields);
  }

  async append(rows: readonly AuditRow[]): Promise<void> {
    this.appendAll(rows);
  }

  async recent(limit: number, event: string | null): Promise<AuditRow[]> {
    return this.stmt.tail.all(event, event, limit) as AuditRow[];
  }

  async deleteBefore(cutoff: number, limit: number): Promise<number> {
    return this.stmt.deleteOlder.run(cutoff, limit).changes;
  }
}
