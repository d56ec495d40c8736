import { describe, expect, it } from 'vitest';
import { expectViolation, migrationEngines } from '../../testing/migration-engines';
import { initial } from './0001-initial';
import { jobUploads } from './0002-job-uploads';

const insertJob = `INSERT INTO jobs (id,to_input,to_e164,status,backend,source_kind,upload_path,max_attempts,next_attempt_at,created_at,updated_at)
                   VALUES ('j1','+15551230001','+15551230001','queued','simulator','txt','',5,0,1,1)`;

describe.each(migrationEngines())('migration 0002-job-uploads on $name', (engine) => {
  it('upgrades a version-1 database and keeps its jobs', async () => {
    const db = await engine.open([initial]);
    await db.run(insertJob);
    expect(await db.migrate([initial, jobUploads])).toBe(1);
    expect(await db.version()).toBe(2);
    expect(await db.all('SELECT id FROM jobs')).toEqual([{ id: 'j1' }]);
  });

  it('stores a document per job, byte for byte, and removes it with the job', async () => {
    const db = await engine.open();
    await db.run(insertJob);
    const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x0a]);
    await db.run('INSERT INTO job_uploads (job_id, bytes) VALUES (?, ?)', 'j1', bytes);
    expect(await db.all('SELECT bytes FROM job_uploads')).toEqual([{ bytes }]);
    await expectViolation(db, 'foreign key', db.run('INSERT INTO job_uploads (job_id, bytes) VALUES (?, ?)', 'missing', Buffer.from('x')));
    await db.run("DELETE FROM jobs WHERE id = 'j1'");
    expect(await db.all('SELECT COUNT(*) AS n FROM job_uploads')).toEqual([{ n: 0 }]);
  });
});
