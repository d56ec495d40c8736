import { describe, expect, it } from 'vitest';
import { expectViolation, migrationEngines } from '../../testing/migration-engines';
import { MIGRATIONS } from './index';

describe.each(migrationEngines())('migration 0007-batches-schedule on $name', (engine) => {
  it('keeps existing jobs and inbound faxes, which get no batch, schedule, cover or notes', async () => {
    const db = await engine.open(MIGRATIONS.filter((m) => m.version < 7));
    await db.run(
      `INSERT INTO jobs (id,to_input,to_e164,status,backend,source_kind,upload_path,max_attempts,next_attempt_at,created_at,updated_at)
       VALUES ('j1','+15551230001','+15551230001','queued','simulator','pdf','',5,0,1,1)`,
    );
    await db.run("INSERT INTO inbound_faxes (id,backend,provider_id,received_at,updated_at) VALUES ('i1','simulator','p1',1,1)");
    expect(await db.migrate(MIGRATIONS.filter((m) => m.version <= 7))).toBe(1);
    expect(await db.version()).toBe(7);
    expect(await db.all('SELECT batch_id, send_at, cover_template FROM jobs')).toEqual([
      { batch_id: null, send_at: null, cover_template: null },
    ]);
    expect(await db.all('SELECT title, note, assignee FROM inbound_faxes')).toEqual([{ title: null, note: null, assignee: null }]);
    await expectViolation(db, 'foreign key', db.run("UPDATE jobs SET batch_id = 'missing' WHERE id = 'j1'"));
  });
});
