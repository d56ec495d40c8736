import { describe, expect, it } from 'vitest';
import { expectViolation, migrationEngines } from '../../testing/migration-engines';
import { initial } from './0001-initial';
import { jobUploads } from './0002-job-uploads';
import { sipAttempts } from './0009-sip-attempts';

const insertJob = `INSERT INTO jobs (id,to_input,to_e164,status,backend,source_kind,upload_path,max_attempts,next_attempt_at,created_at,updated_at)
  VALUES ('j1','+15551230001','+15551230001','queued','sip','txt','',5,0,1,1)`;

describe.each(migrationEngines())('migration 0009-sip-attempts on $name', (engine) => {
  it('upgrades an existing database, keeps its jobs, and leaves their resolution at the default (fine)', async () => {
    const db = await engine.open([initial, jobUploads]);
    await db.run(insertJob);
    expect(await db.migrate([initial, jobUploads, sipAttempts])).toBe(1);
    expect(await db.version()).toBe(9);
    expect(await db.all('SELECT id, resolution FROM jobs')).toEqual([{ id: 'j1', resolution: null }]);
  });

  it('records one Originate per job attempt and refuses unknown states and resolutions', async () => {
    const db = await engine.open();
    const add = `INSERT INTO sip_attempts (provider_id, job_id, attempt, tiff_path, pages, state, originated_at, updated_at)
                 VALUES (?, 'j1', ?, '/spool/x.tif', 2, ?, 1, 1)`;
    await db.run(add, 'sip-j1-1', 1, 'originating');
    await expectViolation(db, 'unique', db.run(add, 'sip-j1-1b', 1, 'originating'));
    await expectViolation(db, 'check', db.run(add, 'sip-j1-2', 2, 'ringing'));
    await db.run(insertJob);
    await expectViolation(db, 'check', db.run("UPDATE jobs SET resolution = 'superfine'"));
    await db.run("UPDATE jobs SET resolution = 'standard'");
  });
});
