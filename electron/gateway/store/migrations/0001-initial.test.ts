import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectViolation, migrationEngines } from '../../testing/migration-engines';
import { openDatabase } from '../db';
import { MIGRATIONS } from './index';

const insertJob = `INSERT INTO jobs (id,to_input,to_e164,status,backend,source_kind,upload_path,max_attempts,next_attempt_at,created_at,updated_at)
                   VALUES (?,?,?,?,?,?,?,?,?,?,?)`;

describe.each(migrationEngines())('migration 0001-initial on $name', (engine) => {
  it('creates the tables and enforces the job status domain', async () => {
    const db = await engine.open();
    expect(await db.version()).toBeGreaterThanOrEqual(1);
    expect(await db.tables()).toEqual(
      expect.arrayContaining(['jobs', 'job_events', 'api_keys', 'media_tokens', 'inbound_faxes', 'audit_log', 'sim_submissions']),
    );
    await db.run(insertJob, 'a', '+15551230001', '+15551230001', 'queued', 'simulator', 'txt', '/x', 5, 0, 1, 1);
    await expectViolation(db, 'check', db.run(insertJob, 'b', '+1', '+1', 'SUCCESS', 'simulator', 'txt', '/x', 5, 0, 1, 1));
  });

  it('keeps millisecond timestamps and numbers timeline rows in order', async () => {
    const db = await engine.open();
    const at = 4_102_444_800_000; // 2100-01-01: beyond 32-bit INTEGER
    await db.run(insertJob, 'a', '+15551230001', '+15551230001', 'queued', 'simulator', 'txt', '/x', 5, at, at, at);
    await db.run("INSERT INTO job_events (job_id, at, kind, message) VALUES ('a', ?, 'created', 'one')", at);
    await db.run("INSERT INTO job_events (job_id, at, kind, message) VALUES ('a', ?, 'attempt', 'two')", at + 1);
    expect(await db.all('SELECT next_attempt_at, created_at FROM jobs')).toEqual([{ next_attempt_at: at, created_at: at }]);
    const events = await db.all<{ id: number; message: string }>('SELECT id, message FROM job_events ORDER BY id');
    expect(events.map((e) => e.message)).toEqual(['one', 'two']);
    expect(typeof events[0]?.id).toBe('number');
    expect(events[1]!.id).toBeGreaterThan(events[0]!.id);
  });

  it('makes inbound faxes unique per provider id, so a repeated webhook cannot store a fax twice', async () => {
    const db = await engine.open();
    const insert = 'INSERT INTO inbound_faxes (id, backend, provider_id, received_at, updated_at) VALUES (?, ?, ?, 1, 1)';
    await db.run(insert, 'i1', 'phaxio', '42');
    await expectViolation(db, 'unique', db.run(insert, 'i2', 'phaxio', '42'));
    await db.run(insert, 'i3', 'sinch', '42');
  });

  it('is applied once: running the migrations again changes nothing', async () => {
    const db = await engine.open();
    expect(await db.migrate(MIGRATIONS)).toBe(0);
    // Each registered migration exactly once, whichever numbers other branches add.
    expect(await db.all('SELECT version FROM schema_migrations ORDER BY version')).toEqual(
      MIGRATIONS.map((m) => ({ version: m.version })).sort((a, b) => a.version - b.version),
    );
  });
});

describe('migration 0001-initial on a SQLite file', () => {
  it('is applied once: reopening the same file does not re-run it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fbd-mig-')), 'gateway.db');
    openDatabase(file).close();
    const db = openDatabase(file);
    const rows = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version })).sort((a, b) => a.version - b.version));
    db.close();
  });
});
