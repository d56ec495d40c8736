import type { Db } from '../db';
import type { UiSessionsRepository } from '../types';

export class SqliteUiSessions implements UiSessionsRepository {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      purge: db.prepare('DELETE FROM ui_sessions WHERE expires_at < ?'),
      insert: db.prepare('INSERT INTO ui_sessions (digest, expires_at) VALUES (?, ?)'),
      expires: db.prepare('SELECT expires_at FROM ui_sessions WHERE digest = ?').pluck(),
      remove: db.prepare('DELETE FROM ui_sessions WHERE digest = ?'),
    };
  }

  async open(digest: string, expiresAt: number, now: number): Promise<void> {
    this.stmt.purge.run(now);
    this.stmt.insert.run(digest, expiresAt);
  }

  async expiresAt(digest: string): Promise<number | null> {
    return (this.stmt.expires.get(digest) as number | undefined) ?? null;
  }

  async close(digest: string): Promise<void> {
    this.stmt.remove.run(digest);
  }
}
