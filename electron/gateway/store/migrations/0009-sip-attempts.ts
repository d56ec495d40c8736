import type { Migration } from './index';

/**
 * SIP/Asterisk: one row per Originate, so a result that arrives as an AMI event is kept even if
 * nobody is polling yet, and reconciliation after a crash knows an attempt was dialled (never
 * dial twice). `resolution` is the per-fax fine/standard choice (null = fine).
 */
export const sipAttempts: Migration = {
  version: 9,
  name: 'sip-attempts',
  up(db) {
    db.exec(`
      CREATE TABLE sip_attempts (
        provider_id TEXT PRIMARY KEY,
        job_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        tiff_path TEXT NOT NULL,
        pages INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('originating','dialing','answered','hungup','delivered','failed')),
        failure_class TEXT,
        error TEXT,
        pages_sent INTEGER,
        originated_at INTEGER NOT NULL,
        hungup_at INTEGER,
        updated_at INTEGER NOT NULL,
        UNIQUE (job_id, attempt)
      );
      ALTER TABLE jobs ADD COLUMN resolution TEXT CHECK (resolution IN ('fine','standard'));
    `);
  },
  pg: `
    CREATE TABLE sip_attempts (
      provider_id TEXT PRIMARY KEY,
      job_id TEXT NOT NULL,
      attempt INTEGER NOT NULL,
      tiff_path TEXT NOT NULL,
      pages INTEGER NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('originating','dialing','answered','hungup','delivered','failed')),
      failure_class TEXT,
      error TEXT,
      pages_sent INTEGER,
      originated_at BIGINT NOT NULL,
      hungup_at BIGINT,
      updated_at BIGINT NOT NULL,
      UNIQUE (job_id, attempt)
    );
    ALTER TABLE jobs ADD COLUMN resolution TEXT CHECK (resolution IN ('fine','standard'));
  `,
};
