// kill -9 of the gateway during a burst of more than 1,000 faxes, counted at a Phaxio emulator that
// runs as its own process: the gateway cannot write the ledger this test reads.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import type { Misbehaviour } from '../../e2e/emulators/common';

const TOTAL = 1_000;
const CONCURRENCY = 8;
const KEY = 'durability-key';
const SECRET = 'durability-secret';

interface Child {
  proc: ChildProcess;
  url: string;
}

/** Spawns `node --import tsx <script>` and resolves once it prints `<what> listening on <url>`. */
function startChild(script: string[], env: Record<string, string>, what: string): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', ...script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${out}`)), 30_000);
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = new RegExp(`${what} listening on (http://\\S+)`).exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ proc, url: match[1] as string });
      }
    });
    proc.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.on('exit', (code) => reject(new Error(`${what} exited ${code}: ${out}`)));
  });
}

function startEmulator(): Promise<Child> {
  return startChild(
    ['e2e/emulators/phaxio-process.ts'],
    { PHAXIO_EMULATOR_KEY: KEY, PHAXIO_EMULATOR_SECRET: SECRET, PHAXIO_EMULATOR_STEP_MS: '20' },
    'phaxio emulator',
  );
}

/** The real headless CLI, as `npm start -- --headless` runs it, on the Phaxio backend. */
function startGateway(dataDir: string, phaxioUrl: string): Promise<Child> {
  return startChild(
    ['electron/gateway/cli.ts', '--port', '0', '--data-dir', dataDir],
    {
      HOME: dataDir,
      FAX_BACKEND: 'phaxio',
      PHAXIO_BASE_URL: phaxioUrl,
      PHAXIO_API_KEY: KEY,
      PHAXIO_API_SECRET: SECRET,
      PROVIDER_TIMEOUT_SECONDS: '20',
    },
    'Faxbot Desktop gateway',
  );
}

async function postFax(url: string, n: number): Promise<string | null> {
  const form = new FormData();
  form.append('to', `+1555020${String(1000 + (n % 8000)).padStart(4, '0')}`);
  form.append('file', new Blob([`durability test fax number ${n}\n`]), `fax-${n}.txt`);
  const body = new Response(form);
  try {
    const res = await request(`${url}/fax`, {
      method: 'POST',
      headers: { 'content-type': body.headers.get('content-type') as string },
      body: Buffer.from(await body.arrayBuffer()),
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const json = (await res.body.json()) as { id?: string };
    return res.statusCode === 202 && json.id ? json.id : null;
  } catch {
    return null; // the connection died with the process: not accepted, so nothing was promised
  }
}

/** Every sent fax the emulator holds, per job id tag, read through its own API. */
async function emulatorLedger(phaxioUrl: string): Promise<Map<string, number>> {
  const perJob = new Map<string, number>();
  const authorization = `Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`;
  for (let page = 1; page < 100; page++) {
    const res = await request(`${phaxioUrl}/faxes?direction=sent&per_page=1000&page=${page}`, { headers: { authorization } });
    const body = (await res.body.json()) as { data: { tags: Record<string, string> }[] };
    for (const fax of body.data) perJob.set(fax.tags.faxbot_job ?? '', (perJob.get(fax.tags.faxbot_job ?? '') ?? 0) + 1);
    if (body.data.length < 1000) break;
  }
  return perJob;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const dataDir = mkdtempSync(join(tmpdir(), 'fbd-durability-'));
const children: Child[] = [];
afterAll(() => {
  for (const child of children) child.proc.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

function query<T>(sql: string, ...params: unknown[]): T {
  const db = new Database(join(dataDir, 'gateway.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).get(...params) as T;
  } finally {
    db.close();
  }
}

/** Ids of attempts committed as submitting now, and still submitting `ms` later (held at the provider). */
async function heldSubmissions(ms: number): Promise<string[]> {
  const now = () =>
    new Set(
      (query<{ ids: string | null }>("SELECT group_concat(id) AS ids FROM jobs WHERE submit_state = 'submitting'").ids ?? '')
        .split(',')
        .filter(Boolean),
    );
  const before = now();
  await sleep(ms);
  const after = now();
  return [...before].filter((id) => after.has(id));
}

describe('durability: kill -9 of the gateway during a burst, counted at an emulator in its own process', () => {
  it(`every accepted fax reaches a final state, none lost, none submitted twice (${TOTAL}+ faxes, 3 kills)`, async () => {
    const emulator = await startEmulator();
    children.push(emulator);
    const misbehave = (m: Misbehaviour) => emulator.proc.stdin!.write(`${JSON.stringify(m)}\n`);
    const accepted: string[] = [];
    let next = 0;

    /** Runs one gateway life: bursts until `until` says kill (then kill -9) or TOTAL are accepted. */
    const phases: string[] = [];
    const life = async (until: (() => Promise<boolean>) | null): Promise<{ killedWith: number }> => {
      const started = Date.now();
      const gateway = await startGateway(dataDir, emulator.url);
      const listening = Date.now();
      children.push(gateway);
      let stop = false;
      const burst = async () => {
        for (let guard = 0; !stop && accepted.length < TOTAL && guard < TOTAL * 2; guard++) {
          const id = await postFax(gateway.url, next++);
          if (id) accepted.push(id);
        }
      };
      const killer = async () => {
        if (!until) return;
        const deadline = Date.now() + 30_000;
        while (!(await until()) && Date.now() < deadline) await sleep(5);
        stop = true;
        gateway.proc.kill('SIGKILL');
      };
      await Promise.all([killer(), ...Array.from({ length: CONCURRENCY }, burst)]);
      if (until && gateway.proc.exitCode === null && gateway.proc.signalCode === null) {
        await new Promise((resolve) => gateway.proc.once('exit', resolve));
      }
      phases.push(`life ${phases.length + 1}: start ${listening - started} ms, run ${Date.now() - listening} ms`);
      return { killedWith: accepted.length };
    };

    // 1. Before submit: accepted jobs still queued, nothing in flight for them yet.
    const first = await life(
      async () => accepted.length >= 150 && query<{ n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE status = 'queued'").n > 0,
    );
    // 2. An attempt committed as submitting whose request the provider holds and will never handle.
    let armed = false;
    const second = await life(async () => {
      if (accepted.length < 400) return false;
      if (!armed) misbehave({ kind: 'hang', times: 4, ms: 8_000, abandon: true, method: 'POST' });
      armed = true;
      return (await heldSubmissions(1_000)).length > 0;
    });
    // 3. The provider has accepted the fax, but its answer has not reached us, so our row has not changed.
    armed = false;
    const third = await life(async () => {
      if (accepted.length < 650) return false;
      if (!armed) misbehave({ kind: 'delayResponse', times: 4, ms: 8_000, method: 'POST' });
      armed = true;
      return (await heldSubmissions(1_000)).length > 0;
    });
    await life(null);
    expect(accepted.length).toBeGreaterThanOrEqual(TOTAL);

    const drainStarted = Date.now();
    const deadline = drainStarted + 60_000;
    let unfinished = accepted.length;
    while (Date.now() < deadline) {
      unfinished = query<{ n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE status NOT IN ('delivered','failed','canceled')").n;
      if (unfinished === 0) break;
      await sleep(250);
    }
    phases.push(`all final ${Date.now() - drainStarted} ms after the last was accepted`);
    expect(unfinished).toBe(0);

    const db = new Database(join(dataDir, 'gateway.db'), { readonly: true });
    const status = new Map(
      (db.prepare('SELECT id, status FROM jobs').all() as { id: string; status: string }[]).map((j) => [j.id, j.status]),
    );
    const count = (pattern: string) =>
      (db.prepare('SELECT COUNT(*) AS n FROM job_events WHERE message LIKE ?').get(pattern) as { n: number }).n;
    const confirmed = count('Confirmed with Phaxio after an interruption%');
    const resent = count('Interrupted before the provider received the fax%');
    db.close();
    const ledger = await emulatorLedger(emulator.url);

    const notDelivered = accepted.filter((id) => status.get(id) !== 'delivered');
    const neverAtProvider = accepted.filter((id) => !ledger.has(id));
    const twice = accepted.filter((id) => (ledger.get(id) ?? 0) > 1);
    const unknownAtProvider = [...ledger.keys()].filter((id) => !status.has(id));
    console.log(
      `durability: ${accepted.length} accepted over 4 gateway lives (killed with ${first.killedWith}, ${second.killedWith}, ` +
        `${third.killedWith} accepted); emulator holds ${[...ledger.values()].reduce((a, b) => a + b, 0)} faxes for ` +
        `${ledger.size} jobs; ${confirmed} interrupted attempts found at the provider, ${resent} resent as the same attempt; ` +
        `${notDelivered.length} not delivered, ${neverAtProvider.length} lost, ${twice.length} submitted twice (${phases.join('; ')})`,
    );
    expect(notDelivered).toEqual([]);
    expect(neverAtProvider).toEqual([]);
    expect(twice).toEqual([]);
    expect(unknownAtProvider).toEqual([]);
    // The kills landed in both windows that matter, so the reconciliation above was exercised, not lucky.
    expect(confirmed).toBeGreaterThan(0);
    expect(resent).toBeGreaterThan(0);
  }, 180_000);
});
