import { describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion } from '../db';
import { MIGRATIONS } from './index';

describe('migration 0007-batches-schedule', () => {
  it('keeps existing jobs and inbound faxes, which get no batch, schedule, cover or notes', () => {
    const db = openDatabase(
      ':memory:',
      MIGRATIONS.filter((m) => m.version < 7),
    );
    db.prepare(
      `INSERT INTO jobs (id,to_input,to_e164,status,backend,source_kind,upload_path,max_attempts,next_attempt_at,created_at,updated_at)
       VALUES ('j1','+15551230001','+15551230001','queued','simulator','pdf','',5,0,1,1)`,
    ).run();
    db.prepare("INSERT INTO inbound_faxes (id,backend,provider_id,received_at,updated_at) VALUES ('i1','simulator','p1',1,1)").run();
    expect(
      migrate(
        db,
        MIGRATIONS.filter((m) => m.version <= 7),
      ),
    ).toBe(1);
    expect(schemaVersion(db)).toBe(7);
    expect(db.prepare('SELECT batch_id, send_at, cover_template FROM jobs').get()).toEqual({
      batch_id: null,
      send_at: null,
      cover_template: null,
    });
    expect(db.prepare('SELECT title, note, assignee FROM inbound_faxes').get()).toEqual({ title: null, note: null, assignee: null });
    expect(() => db.prepare("UPDATE jobs SET batch_id = 'missing' WHERE id = 'j1'").run()).toThrow(/FOREIGN KEY/);
  });
});
