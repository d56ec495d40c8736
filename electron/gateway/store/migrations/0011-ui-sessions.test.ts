import { describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion } from '../db';
import { initial } from './0001-initial';
import { jobUploads } from './0002-job-uploads';
import { uiSessions } from './0011-ui-sessions';

describe('migration 0011-ui-sessions', () => {
  it('upgrades a version-2 database and keeps its jobs', () => {
    const db = openDatabase(':memory:', [initial, jobUploads]);
    db.prepare(
      `INSERT INTO jobs (id,to_input,to_e164,status,backend,source_kind,upload_path,max_attempts,next_attempt_at,created_at,updated_at)
       VALUES ('j1','+15551230001','+15551230001','queued','simulator','txt','',5,0,1,1)`,
    ).run();
    expect(migrate(db, [initial, jobUploads, uiSessions])).toBe(1);
    expect(schemaVersion(db)).toBe(11);
    expect(db.prepare('SELECT id FROM jobs').all()).toEqual([{ id: 'j1' }]);
  });

  it('keeps one row per session digest', () => {
    const db = openDatabase(':memory:');
    db.prepare('INSERT INTO ui_sessions (digest, expires_at) VALUES (?, ?)').run('d1', 10);
    expect(() => db.prepare('INSERT INTO ui_sessions (digest, expires_at) VALUES (?, ?)').run('d1', 20)).toThrow(/UNIQUE/);
  });
});
