import { rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempNameFor } from '../storage/artifact-store';
import { AppError } from './errors';

/** Error codes that mean "the data folder cannot take more bytes" (Node fs and SQLite). */
const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

/** True for a full disk or a failing one: both mean nothing can be saved until someone acts. */
export function isStorageFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return DISK_FULL_CODES.has(code) || code.startsWith('SQLITE_IOERR') || code === 'EIO';
}

export interface DiskHealthDeps {
  dataDir: string;
  now: () => number;
  /** Called when the state flips either way (the window and /health/ready read it). */
  onChange: () => void;
  log: (message: string) => void;
  /** Resolves when there is room again; the default writes and removes a small file and asks statfs. */
  probe?: () => Promise<void>;
  probeIntervalMs?: number;
}

/** Room the probe insists on, so a nearly full disk does not flap between full and not full. */
const MIN_FREE_BYTES = 1024 * 1024;

/**
 * Remembers that the data folder's disk filled up (any storage error seen anywhere reports here),
 * and while it is full, probes cheaply every few seconds; the first good probe clears the state,
 * so sending and receiving resume without a restart.
 */
export class DiskHealth {
  private fullSince: number | null = null;
  private reason = '';
  private timer: NodeJS.Timeout | null = null;
  private probing = false;
  private readonly probe: () => Promise<void>;

  constructor(private readonly deps: DiskHealthDeps) {
    this.probe = deps.probe ?? (() => probeFreeSpace(deps.dataDir));
  }

  /** Records a storage failure; false (and nothing changes) when the error is something else. */
  report(error: unknown): boolean {
    if (!isStorageFailure(error)) return false;
    if (this.fullSince !== null) return true;
    this.fullSince = this.deps.now();
    this.reason = (error as { code: string }).code;
    this.deps.log(`storage: the disk holding the data folder is full or failing (${this.reason}); retrying every few seconds`);
    this.schedule();
    this.deps.onChange();
    return true;
  }

  /** A sentence for people (null while all is well). */
  problem(): string | null {
    if (this.fullSince === null) return null;
    const kind = this.reason.startsWith('SQLITE_IOERR') || this.reason === 'EIO' ? 'failing (I/O errors)' : 'full';
    return `The disk is ${kind}: the data folder ${this.deps.dataDir} cannot save anything until space is freed. Faxbot Desktop resumes by itself.`;
  }

  /** What a request that needed to save something answers while the disk is full. */
  error(): AppError {
    return new AppError('unavailable', this.problem() ?? 'The disk is full.', { 'Retry-After': '30' });
  }

  /** One probe now (tests, and the timer). */
  async check(): Promise<boolean> {
    if (this.fullSince === null) return true;
    if (this.probing) return false;
    this.probing = true;
    try {
      await this.probe();
    } catch {
      return false;
    } finally {
      this.probing = false;
    }
    const minutes = Math.round((this.deps.now() - this.fullSince) / 60_000);
    this.fullSince = null;
    this.reason = '';
    this.stop();
    this.deps.log(`storage: space is available again after ${minutes} min; resuming`);
    this.deps.onChange();
    return true;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    this.stop();
    this.timer = setInterval(() => void this.check(), this.deps.probeIntervalMs ?? 5_000);
    this.timer.unref();
  }
}

/** statfs for the free space, then a small real write: a quota or a read-only remount shows up too. */
export async function probeFreeSpace(dataDir: string): Promise<void> {
  const stats = await statfs(dataDir);
  if (stats.bavail * stats.bsize < MIN_FREE_BYTES) throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
  // Unique per process and call: several gateways may share the folder.
  const file = tempNameFor(join(dataDir, '.space-probe'));
  try {
    await writeFile(file, Buffer.alloc(64 * 1024), { flush: true });
  } finally {
    await rm(file, { force: true });
  }
}
