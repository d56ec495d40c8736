import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS, type Migration } from './migrations';

/** The only module that imports better-sqlite3; everything else receives a `Db`. */
export type Db = Database.Database;
export type Statement = Database.Statement;

/** After a checkpoint the WAL file is cut back to this size (it would otherwise keep its largest size). */
export const WAL_SIZE_LIMIT_BYTES = 8 * 1024 * 1024;

export interface OpenOptions {
  /** better-sqlite3's addon for this runtime (Electron's own build); omitted in plain Node. */
  nativeBinding?: string;
}

export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS, options: OpenOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding });
  // WAL + NORMAL: a committed transaction survives a process crash (kill -9), which is the
  // durability promise behind "202 Accepted"; power-loss durability would need FULL.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Checkpoint every ~4 MB of WAL (SQLite's default) so a burst of writes cannot grow it without bound.
  db.pragma('wal_autocheckpoint = 1000');
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  migrate(db, migrations);
  return db;
}

/**
 * Between bursts, fold the WAL back into the database and truncate it to zero bytes, so the space a
 * burst took comes back. Skipped while the gateway is busy; a failure (a full disk) waits for the next turn.
 */
export function startIdleCheckpoints(db: Db, busy: () => boolean, onError: (error: unknown) => void, everyMs = 30_000): () => void {
  const timer = setInterval(() => {
    if (busy() || !db.open) return;
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (error) {
      onError(error);
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

export function migrate(db: Db, migrations: readonly Migration[]): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  let count = 0;
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      migration.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        Date.now(),
      );
    })();
    count += 1;
  }
  return count;
}

export function schemaVersion(db: Db): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}
