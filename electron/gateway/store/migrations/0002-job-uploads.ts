import type { Migration } from './index';

/**
 * Small uploads are kept in the database, committed in the same transaction as their job row:
 * no file is created on the request path, and a job can never exist without its document.
 * Large uploads still stream to a file (jobs.upload_path); for small ones upload_path is ''.
 */
export const jobUploads: Migration = {
  version: 2,
  name: 'job-uploads',
  up(db) {
    db.exec(`
      CREATE TABLE job_uploads (
        job_id TEXT PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
        bytes BLOB NOT NULL
      );
    `);
  },
  pg: `
    CREATE TABLE job_uploads (
      job_id TEXT PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
      bytes BYTEA NOT NULL
    );
  `,
};
