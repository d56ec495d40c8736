import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../services/errors';
import type { PrintJobsService } from '../services/print-jobs';

/**
 * The per-user print folder the CUPS backend delivers into. It does not follow the data folder
 * (desktop and headless use different ones), so the backend, which knows only the user, finds it:
 * `~/.faxbot-desktop/print`. FAXBOT_PRINT_DIR moves it (tests, several gateways for one user).
 */
export function defaultPrintDir(env: Record<string, string | undefined>, home = homedir()): string {
  return env.FAXBOT_PRINT_DIR || join(home, '.faxbot-desktop', 'print');
}

/** What the backend may name a spool file: `cups-<job>-<time>-<pid>`, nothing that walks out of the folder. */
const SPOOL_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,119}$/;
/** A safety net for a backend that could not reach us (no curl, gateway restarting): well inside a minute. */
const RESCAN_MS = 15_000;

/**
 * Print jobs land in `<printDir>/spool/<name>.job` (title beside it in `<name>.title`), written by
 * the backend as the printing user. The gateway writes its address (`gateway-url`) and a per-user
 * secret (`auth-header`, mode 0600) there; the backend pokes `POST /print-jobs/spool/<name>` with
 * it. Whatever is not poked (gateway stopped, no curl) is taken at start and by a periodic scan,
 * so a job is never dropped; the spool name is the origin key, so it is never taken twice.
 */
export class PrintSpool {
  readonly spoolDir: string;
  private secret: Buffer | null = null;
  private url = '';
  private timer: NodeJS.Timeout | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** The scan at start, which takes jobs printed while no gateway ran. */
  initialScan: Promise<number> = Promise.resolve(0);

  constructor(
    readonly dir: string,
    private readonly printJobs: PrintJobsService,
    private readonly log: (message: string) => void,
  ) {
    this.spoolDir = join(dir, 'spool');
  }

  /** Publishes this gateway's address and secret, then takes whatever waited while it was stopped. */
  start(url: string): void {
    for (const folder of [this.dir, this.spoolDir]) {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      chmodSync(folder, 0o700);
    }
    const headerFile = join(this.dir, 'auth-header');
    let secret = '';
    try {
      secret = /^Authorization: Bearer ([0-9a-f]{64})\s*$/.exec(readFileSync(headerFile, 'utf8'))?.[1] ?? '';
    } catch {
      // First start: no secret yet.
    }
    if (!secret) secret = randomBytes(32).toString('hex');
    this.secret = Buffer.from(secret);
    writeFileSync(headerFile, `Authorization: Bearer ${secret}\n`, { mode: 0o600 });
    chmodSync(headerFile, 0o600);
    writeFileSync(join(this.dir, 'gateway-url'), `${url}\n`, { mode: 0o600 });
    this.url = url;
    this.initialScan = this.scan();
    this.timer = setInterval(() => void this.scan(), RESCAN_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // A stale address would only make the backend's poke fail; the spool keeps the job either way.
    // Another gateway of the same user may have published its address since: leave that one.
    const file = join(this.dir, 'gateway-url');
    try {
      if (readFileSync(file, 'utf8').trim() === this.url) rmSync(file, { force: true });
    } catch {
      // Already gone.
    }
  }

  /** Constant-time check of the backend's `Authorization: Bearer <secret>`. */
  authorized(header: string | undefined): boolean {
    const given = /^Bearer ([0-9a-f]{64})$/.exec(header ?? '')?.[1];
    if (!given || !this.secret) return false;
    return timingSafeEqual(Buffer.from(given), this.secret);
  }

  /** One spool file; calls run one at a time so a poke and a scan never race over the same file. */
  ingest(name: string): Promise<'taken' | 'missing'> {
    if (!SPOOL_NAME.test(name)) return Promise.reject(new AppError('bad_request', 'Invalid spool file name'));
    const run = this.queue.then(() => this.take(name));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async scan(): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.spoolDir);
    } catch {
      return 0;
    }
    let taken = 0;
    for (const file of names.sort()) {
      const name = file.endsWith('.job') ? file.slice(0, -4) : '';
      if (!SPOOL_NAME.test(name)) continue;
      try {
        if ((await this.ingest(name)) === 'taken') taken += 1;
      } catch (error) {
        this.log(`print spool: ${name} not taken yet (${(error as Error).message})`);
      }
    }
    return taken;
  }

  private async take(name: string): Promise<'taken' | 'missing'> {
    const jobPath = join(this.spoolDir, `${name}.job`);
    const titlePath = join(this.spoolDir, `${name}.title`);
    let bytes: Buffer;
    try {
      bytes = await readFile(jobPath);
    } catch {
      return 'missing';
    }
    const title = await readFile(titlePath, 'utf8').catch(() => '');
    try {
      await this.printJobs.receive({
        source: 'printer',
        name: title.trim() || 'Print job',
        bytes,
        originKey: `printer:${name}`,
      });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // Not a document we can fax (CUPS hands us only PDF or text): kept aside, never deleted.
      const rejected = join(this.spoolDir, 'rejected');
      mkdirSync(rejected, { recursive: true, mode: 0o700 });
      await rename(jobPath, join(rejected, `${name}.job`));
      this.log(`print spool: ${name} refused: ${error.message}`);
    }
    await rm(jobPath, { force: true });
    await rm(titlePath, { force: true });
    return 'taken';
  }
}
