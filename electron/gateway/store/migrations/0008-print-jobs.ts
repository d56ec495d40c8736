import type { Migration } from './index';

/**
 * Documents that came in without a confirmed number (printer, hot folder, open-file, REST) wait
 * here until someone sends or discards them. `origin_key` names where a document came from (a
 * spool file, a hot-folder file's name+size+mtime) so the same document is never taken twice,
 * even after a restart. Hot-folder documents are `filed_at` once moved to sent/ or failed/.
 */
export const printJobs: Migration = {
  version: 8,
  name: 'print-jobs',
  up(db) {
    db.exec(`
      CREATE TABLE print_jobs (
        id TEXT PRIMARY KEY,
        origin_key TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        file_name TEXT,
        pages INTEGER NOT NULL,
        tag_numbers TEXT NOT NULL DEFAULT '[]',
        state TEXT NOT NULL CHECK (state IN ('waiting', 'sending', 'sent', 'discarded', 'rejected')),
        reason TEXT,
        job_ids TEXT NOT NULL DEFAULT '[]',
        filed_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX print_jobs_state ON print_jobs(state, created_at);
      CREATE INDEX print_jobs_unfiled ON print_jobs(source, filed_at);
    `);
  },
  // tag_numbers and job_ids stay JSON in TEXT, as in SQLite (read with ::jsonb where a query needs them).
  pg: `
    CREATE TABLE print_jobs (
      id TEXT PRIMARY KEY,
      origin_key TEXT NOT NULL UNIQUE,
      source TEXT NOT NULL,
      file_name TEXT,
      pages INTEGER NOT NULL,
      tag_numbers TEXT NOT NULL DEFAULT '[]',
      state TEXT NOT NULL CHECK (state IN ('waiting', 'sending', 'sent', 'discarded', 'rejected')),
      reason TEXT,
      job_ids TEXT NOT NULL DEFAULT '[]',
      filed_at BIGINT,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    );
    CREATE INDEX print_jobs_state ON print_jobs(state, created_at);
    CREATE INDEX print_jobs_unfiled ON print_jobs(source, filed_at);
  `,
};
