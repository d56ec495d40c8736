import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../e2e/emulators/common';
import { usePgTestCluster } from '../../testing/pg-test-db';
import {
  EVENTS_CHANNEL,
  EventListener,
  notificationPayloads,
  NOTIFY_PAYLOAD_LIMIT,
  publishEvent,
  type ReceivedEvent,
} from './event-fanout';

const pg = usePgTestCluster();
const listeners: EventListener[] = [];
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((l) => l.close()));
});

/** An instance's listener, recording what reaches it. */
async function listen(url: string, instanceId: string) {
  const received: ReceivedEvent[] = [];
  const logs: string[] = [];
  let resyncs = 0;
  const listener = new EventListener({
    url,
    instanceId,
    onEvent: (event) => received.push(event),
    onResync: () => (resyncs += 1),
    log: (line) => logs.push(line),
    reconnectFirstMs: 50,
  });
  listeners.push(listener);
  await listener.start();
  expect(listener.listening).toBe(true);
  return { listener, received, logs, resyncs: () => resyncs };
}

describe('event fan-out with LISTEN/NOTIFY', () => {
  it("reaches the other instance, not the sender's own listener, and only when the change commits", async () => {
    const url = await pg.freshUrl();
    const pool = await pg.pool(url);
    const a = await listen(url, 'instance-a');
    const b = await listen(url, 'instance-b');

    await publishEvent(pool, 'instance-a', { kind: 'job:updated', ids: ['job-1'] });
    await waitFor(() => b.received.length === 1, 3_000, 'B to hear A');
    expect(b.received).toEqual([{ from: 'instance-a', kind: 'job:updated', ids: ['job-1'] }]);

    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await publishEvent(client, 'instance-a', { kind: 'job:updated', ids: ['rolled-back'] });
      await client.query('ROLLBACK');
      await client.query('BEGIN');
      await publishEvent(client, 'instance-a', { kind: 'inbound:received', ids: ['in-1'] });
      await sleep(200);
      expect(b.received).toHaveLength(1);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await waitFor(() => b.received.length === 2, 3_000, 'the committed event');
    expect(b.received[1]).toEqual({ from: 'instance-a', kind: 'inbound:received', ids: ['in-1'] });
    await sleep(200);
    expect(a.received).toEqual([]);
  });

  it('splits 2,000 ids over notifications below the 8000-byte limit; all arrive once, in order', async () => {
    const ids = Array.from({ length: 2_000 }, () => randomUUID());
    const payloads = notificationPayloads('instance-a', { kind: 'job:updated', ids });
    expect(payloads.length).toBeGreaterThan(5);
    expect(payloads.every((p) => Buffer.byteLength(p) <= NOTIFY_PAYLOAD_LIMIT)).toBe(true);

    const url = await pg.freshUrl();
    const b = await listen(url, 'instance-b');
    await publishEvent(await pg.pool(url), 'instance-a', { kind: 'job:updated', ids });
    await waitFor(() => b.received.length === payloads.length, 5_000, 'every part');
    expect(b.received.flatMap((e) => e.ids)).toEqual(ids);
    expect(() => notificationPayloads('a', { kind: 'job:updated', ids: ['x'.repeat(8_000)] })).toThrow(/does not fit a notification/);
  });

  it('listens again after its connection is killed, asks its consumer to re-read, and hears later events', async () => {
    const url = await pg.freshUrl();
    const pool = await pg.pool(url);
    const b = await listen(url, 'instance-b');
    const { rows } = await pool.query("SELECT pid FROM pg_stat_activity WHERE application_name = 'faxbot-events:instance-b'");
    expect(rows).toHaveLength(1);
    await pool.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    await waitFor(() => b.resyncs() === 1 && b.listener.listening, 5_000, 'B to listen again');
    expect(b.logs).toContain('events: listening again');
    await publishEvent(pool, 'instance-a', { kind: 'keys:changed', ids: ['k1'] });
    await waitFor(() => b.received.length === 1, 3_000, 'the event after the reconnect');
  });

  it('ignores a notification on its channel that is not a Faxbot event, without logging its content', async () => {
    const url = await pg.freshUrl();
    const pool = await pg.pool(url);
    const b = await listen(url, 'instance-b');
    await pool.query(`NOTIFY ${EVENTS_CHANNEL}, 'secret-looking garbage'`);
    await publishEvent(pool, 'instance-a', { kind: 'job:updated', ids: ['job-2'] });
    await waitFor(() => b.received.length === 1, 3_000, 'the real event');
    expect(b.logs).toEqual(['events: ignored a notification that is not a Faxbot event']);
  });
});
