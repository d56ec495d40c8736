// Provider outages against the loopback Phaxio emulator: connection resets for a while, and
// submissions that hang. Work must not sit idle once the provider answers again.
import { afterEach, describe, expect, it } from 'vitest';
import { startPhaxioRig, sleep, type PhaxioRig } from '../providers/phaxio/test-fixture';

/** The shipped retry settings, so the outage is measured as an office would see it (not the fast test policy). */
const DEFAULT_RETRY = {
  maxAttempts: 5,
  busyDelaySeconds: 300,
  noAnswerDelaySeconds: 600,
  lineErrorDelaySeconds: 300,
  providerDelaySeconds: 60,
};

let rig: PhaxioRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

async function sendMany(r: PhaxioRig, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await r.send(`+1555010${String(1000 + i).padStart(4, '0')}`, `Outage test fax ${i}\n`));
  return ids;
}

/** Milliseconds until `done()` holds, polled every 50 ms, or null if it never did within `limitMs`. */
async function msUntil(done: () => boolean, limitMs: number): Promise<number | null> {
  const start = Date.now();
  while (Date.now() - start < limitMs) {
    if (done()) return Date.now() - start;
    await sleep(50);
  }
  return null;
}

function unfinished(r: PhaxioRig): number {
  return (
    r.gw.core.db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE status NOT IN ('delivered','failed','canceled')").get() as { n: number }
  ).n;
}

/** Jobs the emulator holds a fax for, and jobs it holds more than one for (by its own tags). */
function ledger(r: PhaxioRig, ids: string[]): { sent: number; twice: string[] } {
  const perJob = new Map<string, number>();
  for (const f of r.emu.faxes()) perJob.set(f.fax.tags.faxbot_job ?? '', (perJob.get(f.fax.tags.faxbot_job ?? '') ?? 0) + 1);
  return { sent: ids.filter((id) => perJob.has(id)).length, twice: ids.filter((id) => (perJob.get(id) ?? 0) > 1) };
}

describe('after a provider outage', () => {
  it('20 s of connection resets with 100 jobs: everything is sent within 15 s of the outage ending, once each', async () => {
    rig = await startPhaxioRig({ settings: { retry: DEFAULT_RETRY } });
    const outageMs = 20_000;
    rig.emu.misbehave({ kind: 'resetConnections', ms: outageMs });
    const outageEnds = Date.now() + outageMs;
    const ids = await sendMany(rig, 100);
    await sleep(Math.max(0, outageEnds - Date.now()));
    expect(ledger(rig, ids).sent).toBe(0);

    const r = rig;
    const toSent = await msUntil(() => ledger(r, ids).sent === ids.length, 30_000);
    const toFinal = await msUntil(() => unfinished(r) === 0, 30_000);
    console.log(`outage (resets): all 100 at the provider ${toSent} ms after the outage ended, all final ${toFinal} ms later`);
    expect(toSent).not.toBeNull();
    expect(toSent!).toBeLessThan(15_000);
    expect(toFinal).not.toBeNull();
    expect(ledger(rig, ids).twice).toEqual([]);
    const states = rig.gw.core.db.prepare('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status').all();
    expect(states).toEqual([{ status: 'delivered', n: 100 }]);
  }, 90_000);

  it('8 hanging submissions do not hold up 292 other jobs; the hung ones are given up at the timeout and sent once', async () => {
    rig = await startPhaxioRig({ settings: { retry: DEFAULT_RETRY, providerTimeoutSeconds: 3 } });
    // Eight requests reach the provider's front end and are never handled or answered.
    rig.emu.misbehave({ kind: 'hang', times: 8, ms: 60_000, abandon: true, method: 'POST' });
    const started = Date.now();
    const ids = await sendMany(rig, 300);
    const r = rig;
    const toOthersSent = await msUntil(() => ledger(r, ids).sent >= ids.length - 8, 60_000);
    const othersAt = Date.now() - started;
    const toAllSent = await msUntil(() => ledger(r, ids).sent === ids.length, 30_000);
    const toFinal = await msUntil(() => unfinished(r) === 0, 30_000);
    console.log(
      `outage (8 hangs): 292 others at the provider ${othersAt} ms after the first was accepted; ` +
        `all 300 ${toAllSent} ms later; all final ${toFinal} ms after that`,
    );
    expect(toOthersSent).not.toBeNull();
    // Sending never waits for the 3 s timeout of the hung calls to run out.
    expect(othersAt).toBeLessThan(15_000);
    expect(toAllSent).not.toBeNull();
    expect(toFinal).not.toBeNull();
    expect(ledger(rig, ids).twice).toEqual([]);
    const states = rig.gw.core.db.prepare('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status').all();
    expect(states).toEqual([{ status: 'delivered', n: 300 }]);
  }, 120_000);
});
