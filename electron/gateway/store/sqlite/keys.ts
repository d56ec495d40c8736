import type { Db } from '../db';
import type { ApiKeyRow, KeysRepository } from '../types';

export class SqliteKeys implements KeysRepository {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      serverKey: db.prepare("SELECT secret FROM server_keys WHERE name = 'api-key-hmac'").pluck(),
      insert: db.prepare(
        `INSERT INTO api_keys (key_id, key_hash, name, owner, scopes, note, created_at, expires_at)
         VALUES (@key_id, @key_hash, @name, @owner, @scopes, @note, @created_at, @expires_at)`,
      ),
      get: db.prepare('SELECT * FROM api_keys WHERE key_id = ?'),
      list: db.prepare('SELECT * FROM api_keys ORDER BY created_at DESC'),
      revoke: db.prepare('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE key_id = ?'),
      rotate: db.prepare('UPDATE api_keys SET key_hash = ?, last_used_at = NULL WHERE key_id = ?'),
      used: db.prepare('UPDATE api_keys SET last_used_at = ? WHERE key_id = ?'),
      count: db.prepare('SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL').pluck(),
      upgrade: db.prepare('UPDATE api_keys SET key_hash = ? WHERE key_id = ? AND key_hash = ?'),
    };
  }

  async serverKey(): Promise<Buffer | null> {
    return (this.stmt.serverKey.get() as Buffer | undefined) ?? null;
  }

  async insert(row: Omit<ApiKeyRow, 'last_used_at' | 'revoked_at'>): Promise<void> {
    this.stmt.insert.run(row);
  }

  async get(keyId: string): Promise<ApiKeyRow | null> {
    return (this.stmt.get.get(keyId) as ApiKeyRow | undefined) ?? null;
  }

  async list(): Promise<ApiKeyRow[]> {
    return this.stmt.list.all() as ApiKeyRow[];
  }

  async activeCount(): Promise<number> {
    return this.stmt.count.get() as number;
  }

  async revoke(keyId: string, at: number): Promise<void> {
    this.stmt.revoke.run(at, keyId);
  }

  async replaceHash(keyId: string, keyHash: string): Promise<void> {
    this.stmt.rotate.run(keyHash, keyId);
  }

  async touch(keyId: string, at: number): Promise<void> {
    this.stmt.used.run(at, keyId);
  }

  async upgradeHash(keyId: string, fromHash: string, toHash: string): Promise<boolean> {
    return this.stmt.upgrade.run(toHash, keyId, fromHash).changes === 1;
  }
}
