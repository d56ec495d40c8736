import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { usePgTestCluster } from '../../testing/pg-test-db';
import { claimDueJobs, releaseLease, renewLeases, takeOverExpiredLeases } from './job-leases';
import { migratePg } from './migrate';
import type { PgPool } from './pool';

const pg = usePgTestCluster();
const NOW = 1_700_000_000_000;

/** Two gateways on one freshly migrated database: a pool each. */
async function twoInstances(): Promise<[PgPool, PgPool]> {
  const url = await pg.freshUrl();
  const a = await pg.pool(url, { max: 3 });
  await migratePg(a);
  return [a, await pg.pool(url, { max: 3 })];
}

async function addJobs(pool: PgPool, count: number, fields: { backend?: string; dueAt?: number; prefix?: string } = {}): Promise<void> {
  await pool.query(
    `INSERT INTO jobs (id, to_input, to_e164, status, backend, source_kind, upload_path, max_attempts, next_attempt_at, created_at, updated_at)
     SELECT $1 || lpad(i::text, 4, '0'), '+15551230001', '+15551230001', 'queued', $2, 'pdf', '', 5, $3::bigint + i, $3, $3
     FROM generate_series(1, $4) AS i`,
    [fields.prefix ?? 'j', fields.backend ?? 'phaxio', fields.dueAt ?? NOW - 10_000, count],
  );
}

describe('job leases shared by two instances (FOR UPDATE SKIP LOCKED)', () => {
  it('two instances claiming at once take every due job exactly once, in due order', async () => {
    const [a, b] = await twoInstances();
    await addJobs(a, 300);
    const claimed = new Map<string, string[]>([
      ['a', []],
      ['b', []],
    ]);
    const drain = async (pool: PgPool, owner: string) => {
      for (let round = 0; round < 200; round += 1) {
        const rows = await claimDueJobs(pool, { owner, now: NOW, limit: 8 });
        if (rows.length === 0) return;
        expect(rows.map((r) => r.id)).toEqual(rows.map((r) => r.id).sort());
        expect(rows.every((r) => r.lease_owner === owner && r.lease_expires_at! > Date.now())).toBe(true);
        claimed.get(owner)!.push(...rows.map((r) => r.id));
      }
    };
    await Promise.all([drain(a, 'a'), drain(b, 'b')]);
    const all = [...claimed.get('a')!, ...claimed.get('b')!];
    expect(all).toHaveLength(300);
    expect(new Set(all).size).toBe(300);
    expect(claimed.get('a')!.length).toBeGreaterThan(0);
    expect(claimed.get('b')!.length).toBeGreaterThan(0);
    const { rows } = await a.query('SELECT lease_owner, COUNT(*) AS n FROM jobs GROUP BY lease_owner ORDER BY lease_owner');
    expect(rows).toEqual([
      { lease_owner: 'a', n: claimed.get('a')!.length },
      { lease_owner: 'b', n: claimed.get('b')!.length },
    ]);
  });

  it('leaves jobs that are not due, already leased, final, or for a paused backend', async () => {
    const [a, b] = await twoInstances();
    await addJobs(a, 2, { prefix: 'due-' });
    await addJobs(a, 2, { prefix: 'later-', dueAt: NOW + 60_000 });
    await addJobs(a, 2, { prefix: 'sinch-', backend: 'sinch' });
    await addJobs(a, 1, { prefix: 'done-' });
    await a.query("UPDATE jobs SET status = 'delivered' WHERE id LIKE 'done-%'");
    expect((await claimDueJobs(a, { owner: 'a', now: NOW, limit: 1 })).map((r) => r.id)).toEqual(['due-0001']);
    const rows = await claimDueJobs(b, { owner: 'b', now: NOW, limit: 50, pausedBackends: ['sinch'] });
    expect(rows.map((r) => r.id)).toEqual(['due-0002']);
  });

  it("a dead instance's leases are taken over once they expire, with the attempt state kept for reconciliation", async () => {
    const url = await pg.freshUrl();
    const setup = await pg.pool(url, { max: 1 });
    await migratePg(setup);
    await addJobs(setup, 5);
    const a = await pg.pool(url, { max: 1 });
    const b = await pg.pool(url, { max: 1 });
    const leaseMs = 1_500;
    const claimedAt = Date.now();
    const mine = await claimDueJobs(a, { owner: 'a', now: NOW, limit: 5, leaseMs });
    expect(mine).toHaveLength(5);
    // A commits its first attempt as submitting, then dies before recording the provider's answer.
    await a.query("UPDATE jobs SET submit_state = 'submitting', attempts = 1 WHERE id = 'j0001' AND lease_owner = 'a'");
    await a.end();

    expect(await takeOverExpiredLeases(b, { owner: 'b', limit: 10 })).toEqual([]);
    const started = Date.now();
    let taken: Awaited<ReturnType<typeof takeOverExpiredLeases>> = [];
    while (taken.length === 0 && Date.now() - started < 5_000) {
      await sleep(100);
      taken = await takeOverExpiredLeases(b, { owner: 'b', limit: 10 });
    }
    expect(Date.now() - claimedAt).toBeGreaterThanOrEqual(leaseMs);
    expect(taken.map((r) => [r.id, r.previous_owner, r.lease_owner]).sort()).toEqual(
      ['j0001', 'j0002', 'j0003', 'j0004', 'j0005'].map((id) => [id, 'a', 'b']),
    );
    expect(taken.find((r) => r.id === 'j0001')).toMatchObject({ submit_state: 'submitting', attempts: 1, status: 'queued' });

    // A comes back (a stall, not a death): it learns it lost the jobs and cannot release B's lease.
    const revived = await pg.pool(url, { max: 1 });
    expect(await renewLeases(revived, 'a', ['j0001', 'j0002'])).toEqual(new Set());
    expect(await releaseLease(revived, 'a', 'j0001')).toBe(false);
    expect(await releaseLease(b, 'b', 'j0001')).toBe(true);
    expect((await claimDueJobs(revived, { owner: 'a', now: NOW, limit: 5 })).map((r) => r.id)).toEqual(['j0001']);
  });

  it('a live instance that renews its leases keeps them; two survivors split expired leases without overlap', async () => {
    const url = await pg.freshUrl();
    const [a, b, c] = [await pg.pool(url, { max: 2 }), await pg.pool(url, { max: 2 }), await pg.pool(url, { max: 2 })];
    await migratePg(a);
    await addJobs(a, 40);
    const leaseMs = 1_500;
    const held = (await claimDueJobs(a, { owner: 'a', now: NOW, limit: 40, leaseMs })).map((r) => r.id);
    // Three renewals a third of a lease apart carry A's leases past their first expiry.
    for (let i = 0; i < 3; i += 1) {
      await sleep(leaseMs / 3);
      expect((await renewLeases(a, 'a', held, leaseMs)).size).toBe(40);
      expect(await takeOverExpiredLeases(b, { owner: 'b', limit: 100 })).toEqual([]);
    }
    // A stops renewing (it died): B and C race for its jobs.
    await sleep(leaseMs + 100);
    const [byB, byC] = await Promise.all([
      takeOverExpiredLeases(b, { owner: 'b', limit: 25 }),
      takeOverExpiredLeases(c, { owner: 'c', limit: 25 }),
    ]);
    const ids = [...byB, ...byC].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(40);
  });
});
