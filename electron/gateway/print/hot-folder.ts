import { mkdirSync } from 'node:fs';
import { readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { isTerminal } from '../../../shared/status';
import type { JobView } from '../../../shared/types';
import { FAX_FILE_EXTENSIONS } from '../documents/sniff';
import { AppError } from '../services/errors';
import type { PrintJobsService } from '../services/print-jobs';

/** "+15551234567 invoice.pdf", "5551234567_scan.txt": the number is the name's first word. */
const NAME_NUMBER = /^(\+?\d[\d().-]{5,24})(?=[\s_]|\.[^.]*$)/;

export function numberFromFileName(name: string): string | null {
  return NAME_NUMBER.exec(name)?.[1] ?? null;
}

/** A file is taken only once its size and modification time have not changed for this long. */
export const STABLE_MS = 2000;
const POLL_MS = 500;

interface Seen {
  size: number;
  mtimeMs: number;
  since: number;
}

export interface HotFolderDeps {
  folder: () => string;
  maxBytes: () => number;
  printJobs: PrintJobsService;
  job: (id: string) => Promise<JobView>;
  now: () => number;
  log: (message: string) => void;
}

const FAX_EXTENSIONS = new Set<string>(FAX_FILE_EXTENSIONS);

/**
 * HOT_FOLDER: PDF, TXT, JPEG, PNG and TIFF files dropped in (by an EHR, "Print to PDF", a scanner) are faxed to the
 * number in their name or in their `@@fax:…@@` tags, then moved to sent/ or failed/ with a
 * `<name>.result.json`. Polling, not fs.watch: it works the same on network shares and every OS.
 * What was taken is in the database (origin key = name + size + mtime), so a restart never sends
 * a file twice, and files still in flight are filed once their faxes finish.
 */
export class HotFolder {
  private readonly seen = new Map<string, Seen>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly deps: HotFolderDeps) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), POLL_MS);
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass: take stable files, file finished ones. Never overlaps itself. */
  tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.pass()
      .catch((error: Error) => this.deps.log(`hot folder: ${error.message}`))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async pass(): Promise<void> {
    const folder = this.deps.folder();
    if (!folder) return;
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      return;
    }
    const now = this.deps.now();
    for (const name of names) {
      if (!FAX_EXTENSIONS.has(extname(name).slice(1).toLowerCase())) continue;
      const info = await stat(join(folder, name)).catch(() => null);
      if (!info?.isFile()) continue;
      const last = this.seen.get(name);
      if (!last || last.size !== info.size || last.mtimeMs !== info.mtimeMs) {
        this.seen.set(name, { size: info.size, mtimeMs: info.mtimeMs, since: now });
        continue;
      }
      if (now - last.since < STABLE_MS) continue;
      await this.take(folder, name, `hot:${name}:${info.size}:${Math.round(info.mtimeMs)}`, info.size);
    }
    for (const name of this.seen.keys()) if (!names.includes(name)) this.seen.delete(name);
    await this.fileFinished(folder);
  }

  private async take(folder: string, name: string, originKey: string, size: number): Promise<void> {
    if (this.deps.printJobs.byOrigin(originKey)) return;
    const number = numberFromFileName(name);
    try {
      // The size limit is checked again on the bytes; this only avoids reading a huge file at all.
      if (size > this.deps.maxBytes()) throw new AppError('too_large', `${name}: the file is larger than the size limit`);
      const bytes = await readFile(join(folder, name));
      await this.deps.printJobs.receive({
        source: 'hot-folder',
        name,
        bytes,
        originKey,
        numbers: number ? [number] : [],
        requireNumber: true,
      });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // Not a fax document (damaged PDF, not UTF-8 text): nothing was recorded, so file it now.
      await this.move(folder, name, 'failed', { jobIds: [], status: 'FAILED', reason: error.message });
    }
  }

  /** Moves each taken file once every fax made from it is final (or it was refused). */
  private async fileFinished(folder: string): Promise<void> {
    for (const printJob of this.deps.printJobs.unfiled('hot-folder')) {
      let result: { jobIds: string[]; status: 'SUCCESS' | 'FAILED'; reason: string | null } | null = null;
      if (printJob.state === 'rejected' || printJob.state === 'waiting') {
        result = { jobIds: printJob.jobIds, status: 'FAILED', reason: printJob.reason ?? 'not sent' };
      } else {
        const jobs = await Promise.all(printJob.jobIds.map((id) => this.deps.job(id)));
        if (!jobs.every((job) => isTerminal(job.status))) continue;
        const failed = jobs.find((job) => job.status !== 'delivered');
        result = {
          jobIds: printJob.jobIds,
          status: failed ? 'FAILED' : 'SUCCESS',
          reason: failed ? (failed.error ?? failed.status) : null,
        };
      }
      if (printJob.fileName) await this.move(folder, printJob.fileName, result.status === 'SUCCESS' ? 'sent' : 'failed', result);
      await this.deps.printJobs.markFiled(printJob.id);
    }
  }

  private async move(folder: string, name: string, to: 'sent' | 'failed', result: object): Promise<void> {
    const target = join(folder, to);
    mkdirSync(target, { recursive: true });
    const ext = extname(name);
    const stem = name.slice(0, name.length - ext.length);
    let finalName = name;
    for (let n = 2; n < 1000; n += 1) {
      if (!(await stat(join(target, finalName)).catch(() => null))) break;
      finalName = `${stem} (${n})${ext}`;
    }
    try {
      await rename(join(folder, name), join(target, finalName));
    } catch {
      // The user moved or deleted it meanwhile; the result file still says what happened.
    }
    await writeFile(join(target, `${finalName}.result.json`), `${JSON.stringify({ file: name, ...result }, null, 2)}\n`);
    this.seen.delete(name);
  }
}
