import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  openSync,
  closeSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  renameSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A throwaway PostgreSQL cluster for tests: initdb in a temporary folder, one postmaster on a free
 * loopback port, a superuser only the harness uses and a NON-superuser role (`faxbot`) that owns
 * each test database, as on an office server. PostgreSQL refuses to run as root, so as root the
 * cluster runs as the `postgres` OS user (Debian's package creates it).
 */
export interface PgClusterInfo {
  dir: string;
  port: number;
  pid: number;
  superPassword: string;
  rolePassword: string;
  /** Milliseconds from initdb to accepting connections. */
  startMs: number;
}

export const TEST_ROLE = 'faxbot';
const SUPERUSER = 'postgres';
const DIR_PREFIX = 'faxbot-pg-';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/** The newest installed server's bin folder (Debian: /usr/lib/postgresql/<major>/bin), or PG_BIN. */
export function postgresBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!majors[0]) throw new Error('PostgreSQL is not installed: run `bash scripts/setup-system.sh` (Debian package postgresql).');
  return join(root, majors[0], 'bin');
}

function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    return { uid: Number(execFileSync('id', ['-u', SUPERUSER]).toString()), gid: Number(execFileSync('id', ['-g', SUPERUSER]).toString()) };
  } catch {
    throw new Error('PostgreSQL refuses to run as root and there is no `postgres` user: run `bash scripts/setup-system.sh`.');
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Like e2e/emulators/common's waitFor, without its pdf-lib import: vitest's globalSetup loads this file on every run. */
async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Clusters left behind by a test run that was killed (its guard process is gone) are stopped and
 * removed, so a crashed run cannot pile up postmasters.
 */
function sweepAbandoned(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    let guardPid: number;
    try {
      guardPid = Number(readFileSync(join(dir, 'guard.pid'), 'utf8'));
    } catch {
      continue;
    }
    if (processAlive(guardPid)) continue;
    const postmaster = Number(readPostmasterPid(dir)[0]);
    if (postmaster > 0 && processAlive(postmaster)) process.kill(postmaster, 'SIGQUIT');
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts a cluster. `guardPid` is the process whose death means the cluster is abandoned (the
 * test run's main process when shared); it defaults to this process.
 */
export async function startPgCluster(guardPid = process.pid): Promise<PgClusterInfo> {
  const started = Date.now();
  try {
    sweepAbandoned();
  } catch {
    // A half-removed folder of another run is not this run's problem.
  }
  const bin = postgresBinDir();
  const owner = runAs();
  const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
  writeFileSync(join(dir, 'guard.pid'), String(guardPid));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const superPassword = randomBytes(16).toString('hex');
  const rolePassword = randomBytes(16).toString('hex');
  try {
    const pwfile = join(dir, 'pw');
    writeFileSync(pwfile, superPassword, { mode: 0o600 });
    if (owner) chownSync(pwfile, owner.uid, owner.gid);
    execFileSync(
      join(bin, 'initdb'),
      ['-D', join(dir, 'data'), '-U', SUPERUSER, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync'],
      { ...owner, stdio: ['ignore', 'ignore', 'pipe'], timeout: START_TIMEOUT_MS, cwd: dir },
    );
    rmSync(pwfile);
    let lastError: unknown;
    // Another process may take the free port between the probe and the bind: try a few ports.
    for (let tries = 0; tries < 3; tries += 1) {
      const port = await freePort();
      try {
        const pid = await startPostmaster(bin, dir, port, owner);
        await createTestRole(port, superPassword, rolePassword);
        return { dir, port, pid, superPassword, rolePassword, startMs: Date.now() - started };
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function startPostmaster(bin: string, dir: string, port: number, owner: { uid: number; gid: number } | undefined): Promise<number> {
  const logFile = join(dir, `postgres-${port}.log`);
  const log = openSync(logFile, 'a');
  if (owner) chownSync(logFile, owner.uid, owner.gid);
  // Detached: the cluster outlives the worker that started it and is stopped by its pid.
  // fsync off: a test cluster never needs to survive a power cut, and it is several times faster.
  const child = spawn(
    join(bin, 'postgres'),
    [
      '-D',
      join(dir, 'data'),
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${dir}`,
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ],
    { ...owner, detached: true, stdio: ['ignore', log, log], cwd: dir },
  );
  closeSync(log);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error('postgres did not start');
  let exited = false;
  child.once('exit', () => (exited = true));
  try {
    await waitUntil(
      async () => {
        if (exited) throw new Error(`postgres exited at start: ${readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' | ')}`);
        // postmaster.pid's last line is the server's state: `starting`, then `ready`.
        return /ready/.test(readPostmasterPid(dir).at(-1) ?? '');
      },
      START_TIMEOUT_MS,
      'postgres to accept connections',
    );
  } catch (error) {
    if (!exited) process.kill(pid, 'SIGQUIT');
    throw error;
  }
  return pid;
}

function readPostmasterPid(dir: string): string[] {
  try {
    return readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8')
      .trim()
      .split('\n');
  } catch {
    return [];
  }
}

function superClient(info: Pick<PgClusterInfo, 'port' | 'superPassword'>): pg.Client {
  return new pg.Client({
    host: '127.0.0.1',
    port: info.port,
    user: SUPERUSER,
    password: info.superPassword,
    database: 'postgres',
    connectionTimeoutMillis: 5_000,
  });
}

async function asSuperuser<T>(info: Pick<PgClusterInfo, 'port' | 'superPassword'>, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = superClient(info);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function createTestRole(port: number, superPassword: string, rolePassword: string): Promise<void> {
  await asSuperuser({ port, superPassword }, (c) =>
    c.query(`CREATE ROLE ${TEST_ROLE} LOGIN PASSWORD '${rolePassword}' NOSUPERUSER NOCREATEDB NOCREATEROLE`),
  );
}

/** A new empty database owned by the test role; returns its DATABASE_URL. */
export async function createTestDatabase(info: PgClusterInfo): Promise<string> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await asSuperuser(info, (c) => c.query(`CREATE DATABASE ${name} OWNER ${TEST_ROLE}`));
  return roleUrl(info, name);
}

function roleUrl(info: PgClusterInfo, database: string, password = info.rolePassword): string {
  return `postgres://${TEST_ROLE}:${password}@127.0.0.1:${info.port}/${database}`;
}

/** Fast shutdown, bounded; then the folder goes. */
export async function stopPgCluster(info: Pick<PgClusterInfo, 'dir' | 'pid'>): Promise<void> {
  try {
    if (processAlive(info.pid)) {
      process.kill(info.pid, 'SIGINT');
      await waitUntil(() => !processAlive(info.pid), STOP_TIMEOUT_MS, 'postgres to stop').catch(() => process.kill(info.pid, 'SIGKILL'));
    }
  } finally {
    rmSync(info.dir, { recursive: true, force: true });
  }
}

/**
 * One cluster per test run, started by whichever test file first needs it: vitest's globalSetup
 * (pg-global-setup.ts) only hands out a folder; the first worker to take `start.lock` in it starts
 * the cluster and writes `cluster.json`, the others wait for that file (bounded). The run's
 * teardown stops it. Runs that never touch PostgreSQL pay nothing.
 */
export async function sharedPgCluster(runDir: string): Promise<PgClusterInfo> {
  const infoFile = join(runDir, 'cluster.json');
  const errorFile = join(runDir, 'error.txt');
  let mine = false;
  try {
    closeSync(openSync(join(runDir, 'start.lock'), 'wx'));
    mine = true;
  } catch {
    // Another worker is starting it.
  }
  if (mine) {
    try {
      const info = await startPgCluster(Number(readFileSync(join(runDir, 'guard.pid'), 'utf8')));
      writeFileSync(`${infoFile}.tmp`, JSON.stringify(info));
      renameSync(`${infoFile}.tmp`, infoFile);
      return info;
    } catch (error) {
      writeFileSync(errorFile, error instanceof Error ? error.message : String(error));
      throw error;
    }
  }
  await waitUntil(
    () => {
      if (existsSync(errorFile)) throw new Error(readFileSync(errorFile, 'utf8'));
      return existsSync(infoFile);
    },
    START_TIMEOUT_MS * 2,
    'the shared PostgreSQL cluster',
  );
  return JSON.parse(readFileSync(infoFile, 'utf8')) as PgClusterInfo;
}

export function readSharedCluster(runDir: string): PgClusterInfo | null {
  const infoFile = join(runDir, 'cluster.json');
  return existsSync(infoFile) ? (JSON.parse(readFileSync(infoFile, 'utf8')) as PgClusterInfo) : null;
}
