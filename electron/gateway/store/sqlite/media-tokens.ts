import type { Db } from '../db';
import type { MediaTokenRow, MediaTokensRepository } from '../types';

export class SqliteMediaTokens implements MediaTokensRepository {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      insert: db.prepare('INSERT INTO media_tokens (token_hash, subject_kind, subject_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?)'),
      find: db.prepare('SELECT token_hash, subject_kind, subject_id, expires_at FROM media_tokens WHERE token_hash = ?'),
      purge: db.prepare('DELETE FROM media_tokens WHERE expires_at < ?'),
    };
  }

  async insert(row: MediaTokenRow, now: number): Promise<void> {
    this.stmt.insert.run(row.token_hash, row.subject_kind, row.subject_id, row.expires_at, now);
  }

  async find(tokenHash: string): Promise<MediaTokenRow | null> {
    return (this.stmt.find.get(tokenHash) as MediaTokenRow | undefined) ?? null;
  }

  async deleteExpiredBefore(cutoff: number): Promise<number> {
    return this.stmt.purge.run(cutoff).changes;
  }
}
