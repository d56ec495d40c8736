import { describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion } from '../db';
import { MIGRATIONS } from './index';
import { jobSenders } from './0012-job-senders';

const before = MIGRATIONS.filter((m) => m.version < 12);

describe('migration 0012-job-senders', () => {
  it('names the sender of jobs and batches already sent with a key, and leaves the window’s own faxes unnamed', () => {
    const db = openDatabase(':memory:', before);
    db.prepare(
      "INSERT INTO api_keys (key_id, key_hash, name, scopes, created_at) VALUES ('k1', 'h', 'Reception', '[\"fax:send\"]', 1)",
    ).run();
    db.prepare("INSERT INTO job_batches (id, api_key_id, created_at) VALUES ('b1', 'k1', 1)").run();
    const job = db.prepare(
      `INSERT INTO jobs (id,to_input,to_e164,status,backend,source_kind,upload_path,max_attempts,next_attempt_at,created_at,updated_at,api_key_id,batch_id)
       VALUES (?,'+15551230001','+15551230001','queued','simulator','txt','',5,0,1,1,?,?)`,
    );
    job.run('j1', 'k1', 'b1');
    job.run('j2', null, null);
    expect(migrate(db, [...before, jobSenders])).toBe(1);
    expect(schemaVersion(db)).toBe(12);
    expect(db.prepare('SELECT id, sender FROM jobs ORDER BY id').all()).toEqual([
      { id: 'j1', sender: 'Reception' },
      { id: 'j2', sender: null },
    ]);
    expect(db.prepare('SELECT sender FROM job_batches').all()).toEqual([{ sender: 'Reception' }]);
  });
});
