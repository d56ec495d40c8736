import { describe, expect, it } from 'vitest';
import { expectViolation, migrationEngines } from '../../testing/migration-engines';
import { initial } from './0001-initial';
import { jobUploads } from './0002-job-uploads';
import { uiSessions } from './0011-ui-sessions';

describe.each(migrationEngines())('migration 0011-ui-sessions on $name', (engine) => {
  it('upgrades a version-2 database and keeps its jobs', async () => {
    const db = await engine.open([initial, jobUploads]);
    await db.run(
      `INSERT INTO jobs (id,to_input,to_e164,status,backend,source_kind,upload_path,max_attempts,next_attempt_at,created_at,updated_at)
       VALUES ('j1','+15551230001','+15551230001','queued','simulator','txt','',5,0,1,1)`,
    );
    expect(await db.migrate([initial, jobUploads, uiSessions])).toBe(1);
    expect(await db.version()).toBe(11);
    expect(await db.all('SELECT id FROM jobs')).toEqual([{ id: 'j1' }]);
  });

  it('keeps one row per session digest', async () => {
    const db = await engine.open();
    await db.run('INSERT INTO ui_sessions (digest, expires_at) VALUES (?, ?)', 'd1', 10);
    await expectViolation(db, 'unique', db.run('INSERT INTO ui_sessions (digest, expires_at) VALUES (?, ?)', 'd1', 20));
  });
});
