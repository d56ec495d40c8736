import { describe, expect, it } from 'vitest';
import { expectViolation, migrationEngines } from '../../testing/migration-engines';
import { initial } from './0001-initial';
import { jobUploads } from './0002-job-uploads';
import { printJobs } from './0008-print-jobs';

const insert = `INSERT INTO print_jobs (id, origin_key, source, file_name, pages, state, created_at, updated_at)
                VALUES (?, ?, 'printer', 'a.pdf', 1, ?, 1, 1)`;

describe.each(migrationEngines())('migration 0008-print-jobs on $name', (engine) => {
  it('upgrades a version-2 database without touching its jobs', async () => {
    const db = await engine.open([initial, jobUploads]);
    await db.run(
      `INSERT INTO jobs (id,to_input,to_e164,status,backend,source_kind,upload_path,max_attempts,next_attempt_at,created_at,updated_at)
       VALUES ('j1','+15551230001','+15551230001','queued','simulator','txt','',5,0,1,1)`,
    );
    expect(await db.migrate([initial, jobUploads, printJobs])).toBe(1);
    expect(await db.version()).toBe(8);
    expect(await db.all('SELECT id FROM jobs')).toEqual([{ id: 'j1' }]);
  });

  it('takes each origin once and only known states; tags and job ids start as empty JSON lists', async () => {
    const db = await engine.open();
    await db.run(insert, 'p1', 'printer:cups-1', 'waiting');
    expect(await db.all('SELECT tag_numbers, job_ids FROM print_jobs')).toEqual([{ tag_numbers: '[]', job_ids: '[]' }]);
    await expectViolation(db, 'unique', db.run(insert, 'p2', 'printer:cups-1', 'waiting'));
    await expectViolation(db, 'check', db.run(insert, 'p3', 'printer:cups-3', 'lost'));
  });
});
