import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../e2e/emulators/common';
import { usePgTestCluster } from '../../testing/pg-test-db';
import type { PgPool } from './pool';
import { SingletonRunner } from './singleton';

const pg = usePgTestCluster();
const runners: SingletonRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.close()));
});

/** Two instances of a named task; `events` records who started and stopped it, in order. */
function instances(url: string, name: string, options: { retryMs?: number; sessionTimeoutMs?: number }[]) {
  const events: string[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const made = options.map((o, i) => {
    const who = String.fromCharCode(65 + i);
    const runner = new SingletonRunner({
      url,
      retryMs: o.retryMs ?? 150,
      sessionTimeoutMs: o.sessionTimeoutMs,
      task: {
        name,
        start: () => {
          events.push(`${who} start`);
          running += 1;
          mostAtOnce = Math.max(mostAtOnce, running);
        },
        stop: () => {
          events.push(`${who} stop`);
          running -= 1;
        },
      },
    });
    runners.push(runner);
    return runner;
  });
  return { runners: made, events, mostAtOnce: () => mostAtOnce };
}

async function lockHolderPid(pool: PgPool): Promise<number> {
  const { rows } = await pool.query<{ pid: number }>(
    `SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database
     WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()`,
  );
  expect(rows).toHaveLength(1);
  return rows[0]!.pid;
}

describe('singleton work on advisory locks', () => {
  it('runs on exactly one of two instances, and moves when the holder shuts down', async () => {
    const url = await pg.freshUrl();
    const {
      runners: [a, b],
      events,
    } = instances(url, 'retention', [{}, {}]);
    a!.start();
    b!.start();
    await waitFor(() => a!.isHolder || b!.isHolder, 5_000, 'a holder');
    await sleep(500);
    expect([a!.isHolder, b!.isHolder].filter(Boolean)).toHaveLength(1);
    const [holder, other] = a!.isHolder ? [a!, b!] : [b!, a!];
    const [h, o] = holder === a ? ['A', 'B'] : ['B', 'A'];
    expect(events).toEqual([`${h} start`]);

    await holder.close();
    const closedAt = Date.now();
    await waitFor(() => other.isHolder, 5_000, 'the takeover');
    const tookMs = Date.now() - closedAt;
    expect(events).toEqual([`${h} start`, `${h} stop`, `${o} start`]);
    expect(tookMs).toBeLessThan(3_000);
  });

  it("takes over within the bound when the holder's connection is killed (pg_terminate_backend), never running twice", async () => {
    const url = await pg.freshUrl();
    const admin = await pg.pool(url, { max: 1 });
    const {
      runners: [a, b],
      events,
      mostAtOnce,
      // A tries again only after a minute: with its connection gone it stays out, as a dead instance would.
    } = instances(url, 'tunnel', [{ retryMs: 60_000 }, {}]);
    a!.start();
    await waitFor(() => a!.isHolder, 5_000, 'A to hold the lock');
    b!.start();
    await sleep(400);
    expect(b!.isHolder).toBe(false);

    const killedAt = Date.now();
    await admin.query('SELECT pg_terminate_backend($1)', [await lockHolderPid(admin)]);
    await waitFor(() => b!.isHolder, 5_000, 'B to take over');
    const takeoverMs = Date.now() - killedAt;
    expect(events).toEqual(['A start', 'A stop', 'B start']);
    expect(mostAtOnce()).toBe(1);
    expect(takeoverMs).toBeLessThan(3_000);
    expect(a!.isHolder).toBe(false);
  });

  it('a holder that goes silent loses its session after sessionTimeoutMs, and the other instance takes over', async () => {
    const url = await pg.freshUrl();
    // A checks its connection only once a minute: to the server it looks like a frozen process.
    const {
      runners: [a, b],
      events,
    } = instances(url, 'poller', [{ retryMs: 60_000, sessionTimeoutMs: 800 }, {}]);
    a!.start();
    await waitFor(() => a!.isHolder, 5_000, 'A to hold the lock');
    b!.start();
    await waitFor(() => b!.isHolder, 5_000, 'B to take over');
    expect(events).toEqual(['A start', 'A stop', 'B start']);
    expect(a!.isHolder).toBe(false);
  });

  it('different tasks do not block each other', async () => {
    const url = await pg.freshUrl();
    const tunnel = instances(url, 'tunnel', [{}]);
    const retention = instances(url, 'retention', [{}]);
    tunnel.runners[0]!.start();
    retention.runners[0]!.start();
    await waitFor(() => tunnel.runners[0]!.isHolder && retention.runners[0]!.isHolder, 5_000, 'both tasks to run');
  });
});
