import type { Migration } from './index';

/**
 * Several recipients, scheduled send and the fuller inbox. A batch groups the jobs of one send to
 * several recipients; `send_at` is when a scheduled job becomes due (the outbox already waits for
 * `next_attempt_at`, which is set to it); `cover_template` records the cover page sent with the job.
 * Inbound faxes gain a title, a note and an assignee.
 */
export const batchesSchedule: Migration = {
  version: 7,
  name: 'batches-schedule',
  up(db) {
    db.exec(`
      CREATE TABLE job_batches (
        id TEXT PRIMARY KEY,
        api_key_id TEXT,
        created_at INTEGER NOT NULL
      );
      ALTER TABLE jobs ADD COLUMN batch_id TEXT REFERENCES job_batches(id);
      ALTER TABLE jobs ADD COLUMN send_at INTEGER;
      ALTER TABLE jobs ADD COLUMN cover_template TEXT;
      CREATE INDEX jobs_batch ON jobs (batch_id, created_at) WHERE batch_id IS NOT NULL;
      CREATE INDEX jobs_scheduled ON jobs (send_at) WHERE send_at IS NOT NULL AND status = 'queued';

      ALTER TABLE inbound_faxes ADD COLUMN title TEXT;
      ALTER TABLE inbound_faxes ADD COLUMN note TEXT;
      ALTER TABLE inbound_faxes ADD COLUMN assignee TEXT;
    `);
  },
  pg: `
    CREATE TABLE job_batches (
      id TEXT PRIMARY KEY,
      api_key_id TEXT,
      created_at BIGINT NOT NULL
    );
    ALTER TABLE jobs ADD COLUMN batch_id TEXT REFERENCES job_batches(id);
    ALTER TABLE jobs ADD COLUMN send_at BIGINT;
    ALTER TABLE jobs ADD COLUMN cover_template TEXT;
    CREATE INDEX jobs_batch ON jobs (batch_id, created_at) WHERE batch_id IS NOT NULL;
    CREATE INDEX jobs_scheduled ON jobs (send_at) WHERE send_at IS NOT NULL AND status = 'queued';

    ALTER TABLE inbound_faxes ADD COLUMN title TEXT;
    ALTER TABLE inbound_faxes ADD COLUMN note TEXT;
    ALTER TABLE inbound_faxes ADD COLUMN assignee TEXT;
  `,
};
