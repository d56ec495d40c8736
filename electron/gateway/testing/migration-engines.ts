import { expect } from 'vitest';
import { migrate, openDatabase, schemaVersion } from '../store/db';
import { MIGRATIONS, type Migration } from '../store/migrations';
import { migratePg, schemaVersionPg } from '../store/pg/migrate';
import { usePgTestCluster } from './pg-test-db';

/** A migrated database on either engine, with just what migration tests need. */
export interface EngineDb {
  engine: 'sqlite' | 'postgres';
  /** `?` placeholders on both engines. */
  run(sql: string, ...params: unknown[]): Promise<void>;
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  migrate(migrations: readonly Migration[]): Promise<number>;
  version(): Promise<number>;
  tables(): Promise<string[]>;
}

export interface MigrationEngine {
  name: 'sqlite' | 'postgres';
  /** A new database with `migrations` applied (all of them by default). */
  open(migrations?: readonly Migration[]): Promise<EngineDb>;
}

function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Both engines, for `describe.each`. Call at the top of a test file (it registers the cluster's cleanup). */
export function migrationEngines(): MigrationEngine[] {
  const pg = usePgTestCluster();
  return [
    {
      name: 'sqlite',
      async open(migrations = MIGRATIONS) {
        const db = openDatabase(':memory:', migrations);
        return {
          engine: 'sqlite',
          run: async (sql, ...params) => void db.prepare(sql).run(...params),
          all: async <T>(sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[],
          migrate: async (m) => migrate(db, m),
          version: async () => schemaVersion(db),
          tables: async () =>
            (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name),
        };
      },
    },
    {
      name: 'postgres',
      async open(migrations = MIGRATIONS) {
        const pool = await pg.pool(undefined, { max: 2 });
        await migratePg(pool, migrations);
        return {
          engine: 'postgres',
          run: async (sql, ...params) => void (await pool.query(numbered(sql), params)),
          all: async <T>(sql: string, ...params: unknown[]) => (await pool.query(numbered(sql), params)).rows as T[],
          migrate: (m) => migratePg(pool, m),
          version: () => schemaVersionPg(pool),
          tables: async () =>
            (await pool.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'")).rows.map(
              (r) => r.name,
            ),
        };
      },
    },
  ];
}

const VIOLATION_CODES = {
  unique: { sqlite: /^SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)$/, postgres: /^23505$/ },
  check: { sqlite: /^SQLITE_CONSTRAINT_CHECK$/, postgres: /^23514$/ },
  'foreign key': { sqlite: /^SQLITE_CONSTRAINT_FOREIGNKEY$/, postgres: /^23503$/ },
} as const;

/** Asserts the statement is refused by that kind of constraint, whichever engine ran it. */
export async function expectViolation(db: EngineDb, kind: keyof typeof VIOLATION_CODES, work: Promise<unknown>): Promise<void> {
  const error = await work.then(
    () => null,
    (e: unknown) => e as { code?: string },
  );
  expect(error, `expected a ${kind} violation`).not.toBeNull();
  expect(error?.code).toMatch(VIOLATION_CODES[kind][db.engine]);
}
