import { MIGRATIONS, type Migration } from '../migrations';
import { advisoryKey } from './advisory-key';
import type { PgPool } from './pool';
import { inTransaction } from './transaction';

const MIGRATION_LOCK = advisoryKey('migrations');

/**
 * Applies the PostgreSQL step of every migration not yet in schema_migrations (the same table as
 * SQLite's), all in one transaction under an advisory lock: instances that start together queue on
 * the lock and the later ones find nothing left to do. A failing step rolls the whole run back.
 */
export async function migratePg(pool: PgPool, migrations: readonly Migration[] = MIGRATIONS): Promise<number> {
  let current: Migration | undefined;
  try {
    return await inTransaction(pool, async (client) => {
      current = undefined;
      // Bounded: a stuck migration elsewhere fails this start with a clear error instead of hanging it.
      await client.query("SET LOCAL lock_timeout = '60s'");
      await client.query("SET LOCAL statement_timeout = '10min'");
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
      );
      const applied = new Set(
        (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
      );
      let count = 0;
      for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
        if (applied.has(migration.version)) continue;
        current = migration;
        if (typeof migration.pg === 'string') await client.query(migration.pg);
        else await migration.pg(client);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          Date.now(),
        ]);
        count += 1;
      }
      return count;
    });
  } catch (error) {
    const failed = current as Migration | undefined;
    const where = failed ? `migration ${String(failed.version).padStart(4, '0')}-${failed.name}` : 'migrations';
    throw new Error(`PostgreSQL ${where} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

export async function schemaVersionPg(pool: PgPool): Promise<number> {
  const { rows } = await pool.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
  return rows[0]?.v ?? 0;
}
