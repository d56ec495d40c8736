import type { Migration } from './index';

/** Jobs and their timeline, API keys, media tokens, inbound faxes, audit rows, simulator ledger. */
export const initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        to_input TEXT NOT NULL,
        to_e164 TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued','sending','retry_wait','delivered','failed','canceled')),
        backend TEXT NOT NULL,
        test_mode INTEGER NOT NULL DEFAULT 0,
        file_name TEXT,
        source_kind TEXT NOT NULL CHECK (source_kind IN ('pdf','txt')),
        upload_path TEXT NOT NULL,
        pdf_path TEXT,
        pages INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        next_poll_at INTEGER,
        failure_class TEXT,
        error TEXT,
        provider_id TEXT,
        provider_status TEXT,
        submit_state TEXT CHECK (submit_state IN ('submitting','submitted','unknown')),
        lease_owner TEXT,
        lease_expires_at INTEGER,
        api_key_id TEXT,
        resent_from TEXT,
        artifacts_deleted_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX jobs_due ON jobs (status, next_attempt_at) WHERE status IN ('queued','retry_wait');
      CREATE INDEX jobs_polling ON jobs (next_poll_at) WHERE status = 'sending';
      CREATE INDEX jobs_leased ON jobs (lease_owner) WHERE lease_owner IS NOT NULL;
      CREATE INDEX jobs_timeline ON jobs (created_at DESC, id DESC);
      CREATE INDEX jobs_provider ON jobs (backend, provider_id);
      CREATE INDEX jobs_finished ON jobs (updated_at) WHERE status IN ('delivered','failed','canceled') AND artifacts_deleted_at IS NULL;

      CREATE TABLE job_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        status TEXT,
        message TEXT NOT NULL
      );
      CREATE INDEX job_events_job ON job_events (job_id, id);

      CREATE TABLE api_keys (
        key_id TEXT PRIMARY KEY,
        key_hash TEXT NOT NULL,
        name TEXT,
        owner TEXT,
        scopes TEXT NOT NULL,
        note TEXT,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        expires_at INTEGER,
        revoked_at INTEGER
      );

      CREATE TABLE media_tokens (
        token_hash TEXT PRIMARY KEY,
        subject_kind TEXT NOT NULL CHECK (subject_kind IN ('job','inbound')),
        subject_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX media_tokens_subject ON media_tokens (subject_kind, subject_id);

      CREATE TABLE inbound_faxes (
        id TEXT PRIMARY KEY,
        backend TEXT NOT NULL,
        provider_id TEXT NOT NULL,
        from_number TEXT NOT NULL DEFAULT '',
        to_number TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'received',
        pages INTEGER,
        size_bytes INTEGER,
        sha256 TEXT,
        storage_key TEXT,
        read_at INTEGER,
        archived_at INTEGER,
        retention_until INTEGER,
        deleted_at INTEGER,
        received_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (backend, provider_id)
      );
      CREATE INDEX inbound_timeline ON inbound_faxes (received_at DESC, id DESC);
      CREATE INDEX inbound_retention ON inbound_faxes (retention_until) WHERE deleted_at IS NULL;

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ts INTEGER NOT NULL,
        event TEXT NOT NULL,
        fields TEXT NOT NULL
      );
      CREATE INDEX audit_event ON audit_log (event, id);

      CREATE TABLE sim_submissions (
        sim_id TEXT PRIMARY KEY,
        job_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        to_e164 TEXT NOT NULL,
        outcome TEXT NOT NULL,
        pages INTEGER NOT NULL,
        step_ms INTEGER NOT NULL,
        submitted_at INTEGER NOT NULL
      );
      CREATE INDEX sim_submissions_job ON sim_submissions (job_id, attempt);
    `);
  },
  // Millisecond timestamps are BIGINT (they overflow INTEGER); AUTOINCREMENT ids are identities.
  pg: `
    CREATE TABLE jobs (
      id TEXT PRIMARY KEY,
      to_input TEXT NOT NULL,
      to_e164 TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('queued','sending','retry_wait','delivered','failed','canceled')),
      backend TEXT NOT NULL,
      test_mode INTEGER NOT NULL DEFAULT 0,
      file_name TEXT,
      source_kind TEXT NOT NULL CHECK (source_kind IN ('pdf','txt')),
      upload_path TEXT NOT NULL,
      pdf_path TEXT,
      pages INTEGER,
      attempts INTEGER NOT NULL DEFAULT 0,
      max_attempts INTEGER NOT NULL,
      next_attempt_at BIGINT NOT NULL,
      next_poll_at BIGINT,
      failure_class TEXT,
      error TEXT,
      provider_id TEXT,
      provider_status TEXT,
      submit_state TEXT CHECK (submit_state IN ('submitting','submitted','unknown')),
      lease_owner TEXT,
      lease_expires_at BIGINT,
      api_key_id TEXT,
      resent_from TEXT,
      artifacts_deleted_at BIGINT,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    );
    CREATE INDEX jobs_due ON jobs (status, next_attempt_at) WHERE status IN ('queued','retry_wait');
    CREATE INDEX jobs_polling ON jobs (next_poll_at) WHERE status = 'sending';
    CREATE INDEX jobs_leased ON jobs (lease_owner) WHERE lease_owner IS NOT NULL;
    CREATE INDEX jobs_timeline ON jobs (created_at DESC, id DESC);
    CREATE INDEX jobs_provider ON jobs (backend, provider_id);
    CREATE INDEX jobs_finished ON jobs (updated_at) WHERE status IN ('delivered','failed','canceled') AND artifacts_deleted_at IS NULL;

    CREATE TABLE job_events (
      id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
      job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
      at BIGINT NOT NULL,
      kind TEXT NOT NULL,
      status TEXT,
      message TEXT NOT NULL
    );
    CREATE INDEX job_events_job ON job_events (job_id, id);

    CREATE TABLE api_keys (
      key_id TEXT PRIMARY KEY,
      key_hash TEXT NOT NULL,
      name TEXT,
      owner TEXT,
      scopes TEXT NOT NULL,
      note TEXT,
      created_at BIGINT NOT NULL,
      last_used_at BIGINT,
      expires_at BIGINT,
      revoked_at BIGINT
    );

    CREATE TABLE media_tokens (
      token_hash TEXT PRIMARY KEY,
      subject_kind TEXT NOT NULL CHECK (subject_kind IN ('job','inbound')),
      subject_id TEXT NOT NULL,
      expires_at BIGINT NOT NULL,
      created_at BIGINT NOT NULL
    );
    CREATE INDEX media_tokens_subject ON media_tokens (subject_kind, subject_id);

    CREATE TABLE inbound_faxes (
      id TEXT PRIMARY KEY,
      backend TEXT NOT NULL,
      provider_id TEXT NOT NULL,
      from_number TEXT NOT NULL DEFAULT '',
      to_number TEXT NOT NULL DEFAULT '',
      status TEXT NOT NULL DEFAULT 'received',
      pages INTEGER,
      size_bytes BIGINT,
      sha256 TEXT,
      storage_key TEXT,
      read_at BIGINT,
      archived_at BIGINT,
      retention_until BIGINT,
      deleted_at BIGINT,
      received_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL,
      UNIQUE (backend, provider_id)
    );
    CREATE INDEX inbound_timeline ON inbound_faxes (received_at DESC, id DESC);
    CREATE INDEX inbound_retention ON inbound_faxes (retention_until) WHERE deleted_at IS NULL;

    CREATE TABLE audit_log (
      id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
      ts BIGINT NOT NULL,
      event TEXT NOT NULL,
      fields TEXT NOT NULL
    );
    CREATE INDEX audit_event ON audit_log (event, id);

    CREATE TABLE sim_submissions (
      sim_id TEXT PRIMARY KEY,
      job_id TEXT NOT NULL,
      attempt INTEGER NOT NULL,
      to_e164 TEXT NOT NULL,
      outcome TEXT NOT NULL,
      pages INTEGER NOT NULL,
      step_ms INTEGER NOT NULL,
      submitted_at BIGINT NOT NULL
    );
    CREATE INDEX sim_submissions_job ON sim_submissions (job_id, attempt);
  `,
};
