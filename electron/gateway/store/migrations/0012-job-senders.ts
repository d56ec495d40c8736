import type { Migration } from './index';

/**
 * "Who sent it?": each job and batch keeps the sending key's name as it was at send time (the key
 * id was already there), so history, filters and the CSV export answer without the keys table, and
 * a renamed or revoked key does not rewrite history. Plain SQL both engines accept.
 */
const JOB_SENDERS_SQL = `
      ALTER TABLE jobs ADD COLUMN sender TEXT;
      ALTER TABLE job_batches ADD COLUMN sender TEXT;
      UPDATE jobs SET sender = (SELECT name FROM api_keys WHERE api_keys.key_id = jobs.api_key_id) WHERE api_key_id IS NOT NULL;
      UPDATE job_batches SET sender = (SELECT name FROM api_keys WHERE api_keys.key_id = job_batches.api_key_id)
        WHERE api_key_id IS NOT NULL;
      CREATE INDEX jobs_by_key ON jobs (api_key_id, created_at);
    `;

export const jobSenders: Migration = {
  version: 12,
  name: 'job-senders',
  up(db) {
    db.exec(JOB_SENDERS_SQL);
  },
  pg: JOB_SENDERS_SQL,
};
