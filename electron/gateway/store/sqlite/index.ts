import type { Db } from '../db';
import type { Store } from '../types';
import { SqliteAudit } from './audit';
import { SqliteBatches } from './batches';
import { SqliteJobs } from './jobs';
import { SqliteKeys } from './keys';
import { SqliteMediaTokens } from './media-tokens';
import { SqliteUiSessions } from './ui-sessions';

/** The embedded engine: every repository over one better-sqlite3 connection (opened and migrated by db.ts). */
export function sqliteStore(db: Db): Store {
  const ping = db.prepare('SELECT 1');
  const counts = db.prepare(
    `SELECT (SELECT COUNT(*) FROM jobs) AS jobs, (SELECT COUNT(*) FROM api_keys) AS apiKeys,
            (SELECT COUNT(*) FROM inbound_faxes) AS inboundFaxes`,
  );
  const audit = new SqliteAudit(db);
  return {
    jobs: new SqliteJobs(db, audit),
    batches: new SqliteBatches(db),
    mediaTokens: new SqliteMediaTokens(db),
    uiSessions: new SqliteUiSessions(db),
    audit,
    keys: new SqliteKeys(db),
    ping: async () => {
      ping.get();
    },
    counts: async () => counts.get() as { jobs: number; apiKeys: number; inboundFaxes: number },
  };
}
