import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, startPgCluster, stopPgCluster } from './pg-cluster';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('throwaway PostgreSQL cluster', () => {
  it('runs as a non-root user on loopback only; a cluster whose test run died is removed by the next start', async () => {
    // A run that was killed: its guard process no longer exists.
    const deadGuard = spawnSync('true').pid!;
    const orphan = await startPgCluster(deadGuard);
    expect(readFileSync(`/proc/${orphan.pid}/status`, 'utf8')).not.toMatch(/^Uid:\s+0\s/m);
    const client = new pg.Client(await createTestDatabase(orphan));
    await client.connect();
    const { rows } = await client.query("SELECT current_setting('listen_addresses') AS listen, current_setting('fsync') AS fsync");
    expect(rows[0]).toEqual({ listen: '127.0.0.1', fsync: 'off' });
    await client.end();

    const next = await startPgCluster();
    try {
      expect(alive(orphan.pid)).toBe(false);
      expect(existsSync(orphan.dir)).toBe(false);
      expect(alive(next.pid)).toBe(true);
    } finally {
      await stopPgCluster(next);
    }
    expect(alive(next.pid)).toBe(false);
    expect(existsSync(next.dir)).toBe(false);
  });
});
