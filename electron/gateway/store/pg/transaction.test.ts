import { describe, expect, it } from 'vitest';
import { usePgTestCluster } from '../../testing/pg-test-db';
import { inTransaction } from './transaction';

const pg = usePgTestCluster();

describe('inTransaction', () => {
  it('commits what resolves and rolls back what throws', async () => {
    const pool = await pg.pool();
    await pool.query('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    await inTransaction(pool, (c) => c.query('INSERT INTO t VALUES (1)'));
    await expect(
      inTransaction(pool, async (c) => {
        await c.query('INSERT INTO t VALUES (2)');
        throw new Error('the provider said no');
      }),
    ).rejects.toThrow('the provider said no');
    await expect(inTransaction(pool, (c) => c.query('INSERT INTO t VALUES (1)'))).rejects.toMatchObject({ code: '23505' });
    expect((await pool.query('SELECT id FROM t')).rows).toEqual([{ id: 1 }]);
  });

  it('runs a transaction again when PostgreSQL picks it as a deadlock victim; both writers finish', async () => {
    const pool = await pg.pool(undefined, { max: 4 });
    await pool.query('CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)');
    await pool.query('INSERT INTO counters VALUES (1, 0), (2, 0)');
    let runs = 0;
    let bothHoldFirstRow!: () => void;
    const barrier = new Promise<void>((resolve) => (bothHoldFirstRow = resolve));
    let holding = 0;
    // Each takes its first row, waits until the other holds its own, then asks for the other's: a deadlock.
    const writer = (first: number, second: number) =>
      inTransaction(pool, async (c) => {
        runs += 1;
        await c.query('UPDATE counters SET n = n + 1 WHERE id = $1', [first]);
        if (++holding === 2) bothHoldFirstRow();
        await Promise.race([barrier, new Promise((r) => setTimeout(r, 2_000))]);
        await c.query('UPDATE counters SET n = n + 1 WHERE id = $1', [second]);
      });
    await Promise.all([writer(1, 2), writer(2, 1)]);
    expect(runs).toBe(3);
    expect((await pool.query('SELECT id, n FROM counters ORDER BY id')).rows).toEqual([
      { id: 1, n: 2 },
      { id: 2, n: 2 },
    ]);
  });
});
