import { describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion } from '../db';
import { initial } from './0001-initial';
import { jobUploads } from './0002-job-uploads';
import { printJobs } from './0008-print-jobs';

const insert = `INSERT INTO print_jobs (id, origin_key, source, file_name, pages, state, created_at, updated_at)
                VALUES (?, ?, 'printer', 'a.pdf', 1, ?, 1, 1)`;

describe('migration 0008-print-jobs', () => {
  it('upgrades a version-2 database without touching its jobs', () => {
    const db = openDatabase(':memory:', [initial, jobUploads]);
    db.prepare(
      `INSERT INTO jobs (id,to_input,to_e164,status,backend,source_kind,upload_path,max_attempts,next_attempt_at,created_at,updated_at)
       VALUES ('j1','+15551230001','+15551230001','queued','simulator','txt','',5,0,1,1)`,
    ).run();
    expect(migrate(db, [initial, jobUploads, printJobs])).toBe(1);
    expect(schemaVersion(db)).toBe(8);
    expect(db.prepare('SELECT id FROM jobs').all()).toEqual([{ id: 'j1' }]);
  });

  it('takes each origin once and only known states', () => {
    const db = openDatabase(':memory:');
    db.prepare(insert).run('p1', 'printer:cups-1', 'waiting');
    expect(() => db.prepare(insert).run('p2', 'printer:cups-1', 'waiting')).toThrow(/UNIQUE/);
    expect(() => db.prepare(insert).run('p3', 'printer:cups-3', 'lost')).toThrow(/CHECK/);
  });
});
