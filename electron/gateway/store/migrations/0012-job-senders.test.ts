import { describe, expect, it } from 'vitest';
import { migrationEngines } from '../../testing/migration-engines';
import { MIGRATIONS } from './index';
import { jobSenders } from './0012-job-senders';

const before = MIGRATIONS.filter((m) => m.version < 12);

describe.each(migrationEngines())('migration 0012-job-senders on $name', (engine) => {
  it('names the sender of jobs and batches already sent with a key, and leaves the window’s own faxes unnamed', async () => {
    const db = await engine.open(before);
    await db.run("INSERT INTO api_keys (key_id, key_hash, name, scopes, created_at) VALUES ('k1', 'h', 'Reception', '[\"fax:send\"]', 1)");
    await db.run("INSERT INTO job_batches (id, api_key_id, created_at) VALUES ('b1', 'k1', 1)");
    const insertJob = `INSERT INTO jobs (id,to_input,to_e164,status,backend,source_kind,upload_path,max_attempts,next_attempt_at,created_at,updated_at,api_key_id,batch_id)
       VALUES (?,'+15551230001','+15551230001','queued','simulator','txt','',5,0,1,1,?,?)`;
    await db.run(insertJob, 'j1', 'k1', 'b1');
    await db.run(insertJob, 'j2', null, null);
    expect(await db.migrate([...before, jobSenders])).toBe(1);
    expect(await db.version()).toBe(12);
    expect(await db.all('SELECT id, sender FROM jobs ORDER BY id')).toEqual([
      { id: 'j1', sender: 'Reception' },
      { id: 'j2', sender: null },
    ]);
    expect(await db.all('SELECT sender FROM job_batches')).toEqual([{ sender: 'Reception' }]);
  });
});
