import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { build } from 'esbuild';
import { request } from 'undici';
// @ts-expect-error -- plain .mjs build script without type declarations
import { gatewayBuildOptions } from '../../build/build-electron.mjs';
// @ts-expect-error -- plain .mjs (npm start runs it without TypeScript)
import { GATEWAY_BUNDLE } from '../../scripts/gateway-node.mjs';

/**
 * npm run bench: start-up (process start to first 200 /health, and idle memory), then POST /fax
 * (small TXT) and GET /fax/{id} with an API key, against the headless gateway as `npm start`
 * runs it (the compiled bundle), next to a trivial Node server measured in the same run. Loopback only.
 */
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
/** `npm run bench -- --only startup` runs the start-up scenario alone (no throughput runs). */
const ONLY_STARTUP = (() => {
  const at = process.argv.indexOf('--only');
  if (at === -1) return false;
  if (process.argv[at + 1] === 'startup') return true;
  throw new Error(`--only accepts one scenario, "startup" (got "${process.argv[at + 1] ?? ''}")`);
})();
const STARTS = 5;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const API_KEY = 'bench-bootstrap-key';
const BOUNDARY = 'B';
const POST_BODY =
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="to"\r\n\r\n+15551230001\r\n` +
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="small.txt"\r\nContent-Type: text/plain\r\n\r\nhello fax world\n\r\n` +
  `--${BOUNDARY}--\r\n`;

function startChild(args: string[], env: Record<string, string>): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`did not start: ${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ proc, url: match[1] as string });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  });
}

interface Figure {
  name: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function measure(name: string, options: autocannon.Options): Promise<Figure> {
  // A short warm-up lets the JIT settle, for the baseline and the gateway alike.
  // autocannon 9 supports `warmup`; its bundled typings predate it.
  const warmup = { warmup: { connections: CONNECTIONS, duration: 2 } } as Partial<autocannon.Options>;
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...warmup, ...options });
  return {
    name,
    reqPerSec: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** A fresh headless gateway (its own data folder) with an API key and one job to read. */
async function startGateway(): Promise<{ proc: ChildProcess; url: string; token: string; jobId: string; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fbd-bench-'));
  const { proc, url } = await startChild([GATEWAY_BUNDLE, '--port', '0', '--data-dir', dataDir], {
    HOME: dataDir,
    API_KEY,
    REQUIRE_API_KEY: 'true',
    FAX_BACKEND: 'simulator',
  });
  const created = await request(`${url}/admin/api-keys`, {
    method: 'POST',
    headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', scopes: ['fax:send', 'fax:read'] }),
  });
  const { token } = (await created.body.json()) as { token: string };
  const first = await request(`${url}/fax`, {
    method: 'POST',
    headers: { 'x-api-key': token, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    body: POST_BODY,
  });
  const { id } = (await first.body.json()) as { id: string };
  return { proc, url, token, jobId: id, dataDir };
}

async function stop(proc: ChildProcess, dataDir?: string): Promise<void> {
  proc.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 500));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

interface Startup {
  name: string;
  /** Median over STARTS runs: spawn to the first 200 from /health. */
  medianMs: number;
  runsMs: number[];
  /** Resident memory after the process sat idle for a second (Linux /proc), MB. */
  idleRssMb: number | null;
}

function rssMb(pid: number): number | null {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

/** Starts `args` STARTS times the same way, timing spawn to the first 200 /health; memory from the last run. */
async function measureStartup(
  name: string,
  launch: () => { args: string[]; env: Record<string, string>; dataDir?: string },
): Promise<Startup> {
  const runsMs: number[] = [];
  let idleRssMb: number | null = null;
  for (let run = 0; run < STARTS; run += 1) {
    const { args, env, dataDir } = launch();
    const started = performance.now();
    const { proc, url } = await startChild(args, env);
    try {
      const deadline = started + 30_000;
      for (;;) {
        const status = await request(`${url}/health`)
          .then(async (response) => (await response.body.dump(), response.statusCode))
          .catch(() => 0);
        if (status === 200) break;
        if (performance.now() > deadline) throw new Error(`${name}: no 200 from /health within 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      runsMs.push(Math.round(performance.now() - started));
      if (run === STARTS - 1) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        idleRssMb = rssMb(proc.pid ?? 0);
      }
    } finally {
      await stop(proc, dataDir);
    }
  }
  const sorted = [...runsMs].sort((a, b) => a - b);
  return { name, medianMs: sorted[Math.floor(STARTS / 2)] as number, runsMs, idleRssMb };
}

async function main(): Promise<void> {
  // The bundle `npm start` runs, built fresh so the figures are for these sources.
  await build({ ...gatewayBuildOptions(), logLevel: 'silent' });
  const trivialStart = await measureStartup('trivial Node server', () => ({ args: ['e2e/bench/trivial-server.mjs'], env: {} }));
  const gatewayStart = await measureStartup('headless gateway', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fbd-bench-start-'));
    return {
      args: [GATEWAY_BUNDLE, '--port', '0', '--data-dir', dataDir],
      env: { HOME: dataDir, FAX_BACKEND: 'simulator' },
      dataDir,
    };
  });
  const startups = [trivialStart, gatewayStart];
  console.log(`\nStart-up: process start to first 200 /health, median of ${STARTS}\n`);
  console.log('| process | median ms | runs ms | idle RSS MB |');
  console.log('|---|---:|---|---:|');
  for (const s of startups) console.log(`| ${s.name} | ${s.medianMs} | ${s.runsMs.join(', ')} | ${s.idleRssMb ?? 'n/a'} |`);
  const startRatio = gatewayStart.medianMs / trivialStart.medianMs;
  console.log(
    `Gateway start: ${gatewayStart.medianMs} ms, ${startRatio.toFixed(1)}x the trivial server (goals: < 500 ms, <= 6x); ` +
      `idle RSS ${gatewayStart.idleRssMb ?? 'n/a'} MB (goal: <= 66 MB, Faxbot's API idle)`,
  );
  if (ONLY_STARTUP) {
    writeResults({ startups, startRatio });
    return;
  }

  const figures: Figure[] = [];
  const trivial = await startChild(['e2e/bench/trivial-server.mjs'], {});
  try {
    figures.push(await measure('trivial Node server GET /', { url: trivial.url }));
  } finally {
    await stop(trivial.proc);
  }
  // Each gateway scenario gets a fresh gateway, so reads are not measured while the outbox works
  // off the thousands of jobs the POST run accepted.
  for (const scenario of ['post', 'get'] as const) {
    const gw = await startGateway();
    try {
      const headers = { 'x-api-key': gw.token };
      figures.push(
        scenario === 'post'
          ? await measure('gateway POST /fax (small TXT, API key)', {
              url: `${gw.url}/fax`,
              method: 'POST',
              headers: { ...headers, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
              body: POST_BODY,
            })
          : await measure('gateway GET /fax/{id} (API key)', { url: `${gw.url}/fax/${gw.jobId}`, headers }),
      );
    } finally {
      await stop(gw.proc, gw.dataDir);
    }
  }

  const [base, post, get] = figures as [Figure, Figure, Figure];
  console.log(`\nFaxbot Desktop benchmark — ${CONNECTIONS} connections, ${DURATION_S} s each after a 2 s warm-up, loopback\n`);
  console.log('| target | req/s | p50 ms | p99 ms | non-2xx | errors |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const f of figures) console.log(`| ${f.name} | ${f.reqPerSec} | ${f.p50} | ${f.p99} | ${f.non2xx} | ${f.errors} |`);
  const ratios = {
    postVsTrivial: post.reqPerSec / base.reqPerSec,
    getVsTrivial: get.reqPerSec / base.reqPerSec,
    postVsFaxbot237: post.reqPerSec / 237,
  };
  console.log(
    `\nPOST /fax: ${(ratios.postVsTrivial * 100).toFixed(1)}% of the trivial server; ${ratios.postVsFaxbot237.toFixed(1)}x Faxbot's 237 req/s (goal: >= 2,400 req/s)`,
  );
  console.log(`GET /fax/{id}: ${(ratios.getVsTrivial * 100).toFixed(1)}% of the trivial server (goal: >= 35%)`);
  writeResults({ connections: CONNECTIONS, durationS: DURATION_S, startups, startRatio, figures, ratios });
}

function writeResults(results: Record<string, unknown>): void {
  const resultsDir = join('e2e', 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), ...results }, null, 2));
  console.log(`results written to ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
