import { describe, expect, it } from 'vitest';
import { openDatabase } from '../store/db';
import { sqliteStore } from '../store/sqlite';
import { AuditLog } from './audit';
import { isStorageFailure } from './disk-health';

function rig() {
  const db = openDatabase(':memory:');
  const clock = { now: 1_700_000_000_000 };
  const storageErrors: unknown[] = [];
  const audit = new AuditLog(sqliteStore(db).audit, {
    now: () => clock.now,
    target: () => ({ enabled: true, file: '', format: 'json' }),
    onStorageError: (error) => {
      storageErrors.push(error);
      return isStorageFailure(error);
    },
  });
  // Oldest first, once every recorded row has been written.
  const rows = async () => {
    await audit.flushRows();
    return (await audit.recent(1_000_000)).reverse().map(({ ts: _ts, event, ...fields }) => ({ event, fields }));
  };
  return { db, clock, audit, rows, storageErrors };
}

describe('audit log', () => {
  it('writes a burst of identical events once, then one row saying how many more came', async () => {
    const { audit, clock, rows } = rig();
    for (let i = 0; i < 1000; i += 1) audit.record('api_error', { path: '/fax/:id', status: 401 });
    audit.record('api_error', { path: '/fax/:id', status: 403 });
    expect(await rows()).toHaveLength(2);
    clock.now += 60_000;
    audit.record('api_error', { path: '/fax/:id', status: 401 });
    expect((await rows()).map((r) => r.fields)).toEqual([
      { path: '/fax/:id', status: 401 },
      { path: '/fax/:id', status: 403 },
      { path: '/fax/:id', status: 401, repeated: 999 },
      { path: '/fax/:id', status: 401 },
    ]);
  });

  it('retention deletes rows older than the cutoff and keeps the rest', async () => {
    const { audit, clock, rows } = rig();
    for (let i = 0; i < 12_000; i += 1) audit.record('job_created', { job_id: `old${i}` });
    clock.now += 10 * 86_400_000;
    audit.record('job_created', { job_id: 'new' });
    expect(await audit.sweep(clock.now - 86_400_000)).toBe(12_000);
    expect((await rows()).map((r) => r.fields.job_id)).toEqual(['new']);
  });

  it('drops rows while the disk is full, never throws, and reports how many once it can write', async () => {
    const { db, audit, rows, storageErrors } = rig();
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    let written = 0;
    for (let i = 0; i < 5_000 && storageErrors.length === 0; i += 1) {
      audit.record('job_created', { job_id: `j${i}` });
      await audit.flushRows();
      written += 1;
    }
    expect(storageErrors.length).toBe(1);
    expect(() => audit.record('job_created', { job_id: 'while-full' })).not.toThrow();
    await audit.flushRows();
    db.pragma('max_page_count = 4294967294');
    audit.record('job_created', { job_id: 'after' });
    const all = await rows();
    const last = all.slice(-2);
    expect(last.map((r) => r.event)).toEqual(['job_created', 'audit_dropped']);
    expect(last[1]!.fields).toEqual({ count: 2, reason: 'disk_full' });
    expect(all).toHaveLength(written - 1 + 2);
  });
});
