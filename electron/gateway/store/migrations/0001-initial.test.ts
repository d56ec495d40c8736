import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../db';
import { MIGRATIONS } from './index';

describe('migration 0001-initial', () => {
  it('creates the tables and enforces the job status domain', () => {
    const db = openDatabase(':memory:');
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(1);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(
      expect.arrayContaining(['jobs', 'job_events', 'api_keys', 'media_tokens', 'inbound_faxes', 'audit_log', 'sim_submissions']),
    );
    const insert = db.prepare(
      `INSERT INTO jobs (id,to_input,to_e164,status,backend,source_kind,upload_path,max_attempts,next_attempt_at,created_at,updated_at)
       VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
    );
    insert.run('a', '+15551230001', '+15551230001', 'queued', 'simulator', 'txt', '/x', 5, 0, 1, 1);
    expect(() => insert.run('b', '+1', '+1', 'SUCCESS', 'simulator', 'txt', '/x', 5, 0, 1, 1)).toThrow(/CHECK/);
  });

  it('makes inbound faxes unique per provider id, so a repeated webhook cannot store a fax twice', () => {
    const db = openDatabase(':memory:');
    const insert = db.prepare('INSERT INTO inbound_faxes (id, backend, provider_id, received_at, updated_at) VALUES (?, ?, ?, 1, 1)');
    insert.run('i1', 'phaxio', '42');
    expect(() => insert.run('i2', 'phaxio', '42')).toThrow(/UNIQUE/);
    insert.run('i3', 'sinch', '42');
  });

  it('is applied once: reopening the same file does not re-run it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fbd-mig-')), 'gateway.db');
    openDatabase(file).close();
    const db = openDatabase(file);
    const rows = db.prepare('SELECT version FROM schema_migrations').all();
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    db.close();
  });
});
