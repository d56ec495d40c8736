import { describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion } from '../db';
import { initial } from './0001-initial';
import { jobUploads } from './0002-job-uploads';

describe('migration 0002-job-uploads', () => {
  it('upgrades a version-1 database and keeps its jobs', () => {
    const db = openDatabase(':memory:', [initial]);
    db.prepare(
      `INSERT INTO jobs (id,to_input,to_e164,status,backend,source_kind,upload_path,max_attempts,next_attempt_at,created_at,updated_at)
       VALUES ('j1','+15551230001','+15551230001','queued','simulator','txt','/x',5,0,1,1)`,
    ).run();
    expect(migrate(db, [initial, jobUploads])).toBe(1);
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare('SELECT id FROM jobs').all()).toEqual([{ id: 'j1' }]);
  });

  it('stores a document per job and removes it with the job', () => {
    const db = openDatabase(':memory:');
    db.prepare(
      `INSERT INTO jobs (id,to_input,to_e164,status,backend,source_kind,upload_path,max_attempts,next_attempt_at,created_at,updated_at)
       VALUES ('j1','+15551230001','+15551230001','queued','simulator','txt','',5,0,1,1)`,
    ).run();
    db.prepare('INSERT INTO job_uploads (job_id, bytes) VALUES (?, ?)').run('j1', Buffer.from('hello'));
    expect(() => db.prepare('INSERT INTO job_uploads (job_id, bytes) VALUES (?, ?)').run('missing', Buffer.from('x'))).toThrow(
      /FOREIGN KEY/,
    );
    db.prepare("DELETE FROM jobs WHERE id = 'j1'").run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM job_uploads').get()).toEqual({ n: 0 });
  });
});
