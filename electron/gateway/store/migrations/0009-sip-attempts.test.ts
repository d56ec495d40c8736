import { describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion } from '../db';
import { initial } from './0001-initial';
import { jobUploads } from './0002-job-uploads';
import { sipAttempts } from './0009-sip-attempts';

const insertJob = `INSERT INTO jobs (id,to_input,to_e164,status,backend,source_kind,upload_path,max_attempts,next_attempt_at,created_at,updated_at)
  VALUES ('j1','+15551230001','+15551230001','queued','sip','txt','',5,0,1,1)`;

describe('migration 0009-sip-attempts', () => {
  it('upgrades an existing database, keeps its jobs, and leaves their resolution at the default (fine)', () => {
    const db = openDatabase(':memory:', [initial, jobUploads]);
    db.prepare(insertJob).run();
    expect(migrate(db, [initial, jobUploads, sipAttempts])).toBe(1);
    expect(schemaVersion(db)).toBe(9);
    expect(db.prepare('SELECT id, resolution FROM jobs').all()).toEqual([{ id: 'j1', resolution: null }]);
  });

  it('records one Originate per job attempt and refuses unknown states and resolutions', () => {
    const db = openDatabase(':memory:');
    const add = db.prepare(
      `INSERT INTO sip_attempts (provider_id, job_id, attempt, tiff_path, pages, state, originated_at, updated_at)
       VALUES (?, 'j1', ?, '/spool/x.tif', 2, ?, 1, 1)`,
    );
    add.run('sip-j1-1', 1, 'originating');
    expect(() => add.run('sip-j1-1b', 1, 'originating')).toThrow(/UNIQUE/);
    expect(() => add.run('sip-j1-2', 2, 'ringing')).toThrow(/CHECK/);
    db.prepare(insertJob).run();
    expect(() => db.prepare("UPDATE jobs SET resolution = 'superfine'").run()).toThrow(/CHECK/);
    db.prepare("UPDATE jobs SET resolution = 'standard'").run();
  });
});
