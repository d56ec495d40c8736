import { describe, expect, it } from 'vitest';
import { usePgTestCluster } from '../../testing/pg-test-db';
import { openDatabase } from '../db';
import { MIGRATIONS, type Migration } from '../migrations';
import { migratePg, schemaVersionPg } from './migrate';

const pg = usePgTestCluster();
const latest = Math.max(...MIGRATIONS.map((m) => m.version));

describe('PostgreSQL migrations', () => {
  it('two instances starting together on one database migrate it once', async () => {
    const url = await pg.freshUrl();
    const [a, b] = [await pg.pool(url), await pg.pool(url)];
    const counts = await Promise.all([migratePg(a), migratePg(b)]);
    expect(counts.sort()).toEqual([0, MIGRATIONS.length]);
    const { rows } = await a.query('SELECT version, COUNT(*) AS n FROM schema_migrations GROUP BY version ORDER BY version');
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, n: 1 })).sort((x, y) => x.version - y.version));
    expect(await schemaVersionPg(b)).toBe(latest);
  });

  it('a failing step names its migration and leaves the database as it was', async () => {
    const pool = await pg.pool();
    const broken: Migration = { version: 999, name: 'broken', up: () => undefined, pg: 'ALTER TABLE no_such_table ADD COLUMN x TEXT' };
    await expect(migratePg(pool, [...MIGRATIONS, broken])).rejects.toThrow(
      /^PostgreSQL migration 0999-broken failed: relation "no_such_table" does not exist$/,
    );
    const { rows } = await pool.query("SELECT to_regclass('public.jobs') AS jobs, to_regclass('public.schema_migrations') AS migrations");
    expect(rows[0]).toEqual({ jobs: null, migrations: null });
    expect(await migratePg(pool)).toBe(MIGRATIONS.length);
  });

  it('builds the same tables, columns, NOT NULLs and indexes as SQLite', async () => {
    const pool = await pg.pool();
    await migratePg(pool);
    const sqlite = openDatabase(':memory:');
    const sqliteTables = (
      sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]
    ).map((t) => t.name);
    const sqliteColumns = sqliteTables.flatMap((table) =>
      (sqlite.prepare(`PRAGMA table_info(${table})`).all() as { name: string; notnull: number; pk: number }[]).map(
        // SQLite lets a non-INTEGER primary key be NULL; PostgreSQL never does.
        (c) => `${table}.${c.name}${c.notnull || c.pk ? ' not null' : ''}`,
      ),
    );
    const pgColumns = (
      await pool.query<{ c: string }>(
        `SELECT table_name || '.' || column_name || CASE WHEN is_nullable = 'NO' THEN ' not null' ELSE '' END AS c
         FROM information_schema.columns WHERE table_schema = 'public'`,
      )
    ).rows.map((r) => r.c);
    expect(pgColumns.sort()).toEqual(sqliteColumns.sort());

    const sqliteIndexes = (
      sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'").all() as {
        name: string;
      }[]
    ).map((i) => i.name);
    // PostgreSQL also lists the indexes behind primary-key and UNIQUE constraints (named as the constraint; a name
    // pattern would also hide real indexes such as jobs_by_key); the case-free group name is an explicit index there.
    const pgIndexes = (
      await pool.query<{ name: string }>(
        "SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT IN (SELECT conname FROM pg_constraint)",
      )
    ).rows.map((i) => i.name);
    expect(pgIndexes.filter((n) => n !== 'contact_groups_name').sort()).toEqual(sqliteIndexes.sort());
  });
});
