import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';

const TOTAL = 240;
const KILL_AFTER = 90;
const CONCURRENCY = 8;

interface Child {
  proc: ChildProcess;
  url: string;
}

/** Starts the real headless CLI, as `npm start -- --headless` does, and waits for its URL. */
function startGateway(dataDir: string): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'electron/gateway/cli.ts', '--port', '0', '--data-dir', dataDir], {
    // The simulated provider answers 150 ms after recording a fax, as a real API would over the
    // network, so the kill lands between "provider has it" and "we recorded it" for some jobs.
    env: { PATH: process.env.PATH, HOME: dataDir, SIMULATOR_STEP_MS: '60', SIMULATOR_SUBMIT_LATENCY_MS: '150', FAX_BACKEND: 'simulator' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${out}`)), 30_000);
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ proc, url: match[1] as string });
      }
    });
    proc.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.on('exit', (code) => reject(new Error(`gateway exited ${code}: ${out}`)));
  });
}

async function postFax(url: string, n: number): Promise<string | null> {
  const form = new FormData();
  form.append('to', `+1555123${String(1000 + (n % 8000)).padStart(4, '0')}`.replace(/0017$|0030$|0034$|0055$|0117$/, '0001'));
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

const dataDir = mkdtempSync(join(tmpdir(), 'fbd-durability-'));
let current: Child | null = null;
afterAll(() => {
  current?.proc.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('durability: kill -9 during a burst', () => {
  it(`loses no accepted job and submits none twice across a crash (${TOTAL} jobs)`, async () => {
    const accepted: string[] = [];
    let next = 0;
    current = await startGateway(dataDir);
    const first = current;
    let killed = false;
    let acceptedAtKill = 0;
    const burst = async (child: Child) => {
      for (let guard = 0; !killed && guard < TOTAL * 4; guard += 1) {
        const id = await postFax(child.url, next++);
        if (id) accepted.push(id);
      }
    };
    /**
     * Kills the gateway mid-burst at a moment when an attempt is committed as "submitting" but
     * not yet recorded: the window a crash must not turn into a lost or doubled fax.
     */
    const killInTheWindow = async () => {
      const deadline = Date.now() + 30_000;
      while (accepted.length < KILL_AFTER && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      const db = new Database(join(dataDir, 'gateway.db'), { readonly: true, fileMustExist: true });
      const submitting = db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE submit_state = 'submitting'");
      while (Date.now() < deadline && (submitting.get() as { n: number }).n === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      db.close();
      killed = true;
      acceptedAtKill = accepted.length;
      first.proc.kill('SIGKILL');
    };
    await Promise.all([killInTheWindow(), ...Array.from({ length: CONCURRENCY }, () => burst(first))]);
    expect(killed).toBe(true);
    if (first.proc.exitCode === null && first.proc.signalCode === null) await new Promise((resolve) => first.proc.once('exit', resolve));

    const restartedAt = Date.now();
    current = await startGateway(dataDir);
    const second = current;
    const target = TOTAL;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let guard = 0; accepted.length < target && guard < TOTAL; guard += 1) {
          const id = await postFax(second.url, next++);
          if (id) accepted.push(id);
        }
      }),
    );
    expect(accepted.length).toBeGreaterThanOrEqual(TOTAL);

    // Wait (bounded) for every accepted job to finish.
    const deadline = Date.now() + 90_000;
    let unfinished = accepted.length;
    while (Date.now() < deadline) {
      const db = new Database(join(dataDir, 'gateway.db'), { readonly: true });
      unfinished = (
        db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE status NOT IN ('delivered','failed','canceled')").get() as { n: number }
      ).n;
      db.close();
      if (unfinished === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(unfinished).toBe(0);

    const db = new Database(join(dataDir, 'gateway.db'), { readonly: true });
    const jobs = new Map(
      (db.prepare('SELECT id, status, attempts FROM jobs').all() as { id: string; status: string; attempts: number }[]).map((j) => [
        j.id,
        j,
      ]),
    );
    const submissions = db.prepare('SELECT job_id, attempt, COUNT(*) AS n FROM sim_submissions GROUP BY job_id, attempt').all() as {
      job_id: string;
      attempt: number;
      n: number;
    }[];
    const perJob = db.prepare('SELECT job_id, COUNT(*) AS n FROM sim_submissions GROUP BY job_id').all() as { job_id: string; n: number }[];
    const reconciled = (
      db.prepare("SELECT COUNT(*) AS n FROM job_events WHERE message LIKE '%interruption%' OR message LIKE 'Interrupted%'").get() as {
        n: number;
      }
    ).n;
    const pendingAtRestart = (
      db.prepare("SELECT COUNT(DISTINCT job_id) AS n FROM job_events WHERE message LIKE 'Attempt 1:%' AND at > ?").get(restartedAt) as {
        n: number;
      }
    ).n;
    db.close();

    const lost = accepted.filter((id) => jobs.get(id)?.status !== 'delivered');
    expect(lost).toEqual([]);
    expect(submissions.filter((s) => s.n > 1)).toEqual([]);
    expect(perJob.filter((s) => s.n !== 1)).toEqual([]);
    expect(reconciled).toBeGreaterThan(0);
    for (const id of accepted) expect(jobs.get(id)?.attempts).toBe(1);
    console.log(
      `durability: ${accepted.length} accepted, killed with ${acceptedAtKill} accepted and an attempt in flight, ${jobs.size} rows, ` +
        `${pendingAtRestart} dispatched after the restart, ${reconciled} interrupted attempts reconciled, 0 lost, 0 double submissions`,
    );
  }, 180_000);
});
