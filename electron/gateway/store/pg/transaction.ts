import type pg from 'pg';
import type { PgPool } from './pool';

/** Deadlock and serialization failures: PostgreSQL rolled the transaction back and it may simply run again. */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_TRIES = 3;

/**
 * Runs `work` in one transaction on one client (what a repository method that must be atomic needs):
 * COMMIT when it resolves, ROLLBACK when it throws. A deadlock or serialization failure runs it again,
 * at most 3 times, so `work` must do nothing outside the database that cannot be repeated.
 */
export async function inTransaction<T>(pool: PgPool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A failed ROLLBACK means the connection itself is gone: the pool must not hand it out again.
      await client.query('ROLLBACK').catch(() => (broken = true));
      const code = (error as { code?: string }).code;
      if (attempt >= MAX_TRIES || code === undefined || !RETRYABLE.has(code)) throw error;
    } finally {
      client.release(broken);
    }
  }
}
