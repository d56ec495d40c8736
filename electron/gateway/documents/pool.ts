import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerReply } from './document-worker';
import { DocumentError, type DocumentErrorCode } from './errors';
import type { DocumentTask, DocumentTaskResults } from './tasks';

export interface DocumentPoolOptions {
  /** Worker threads; default cores - 1, at least 1. */
  size?: number;
  /** Wall time one document may take before its worker is killed and replaced. */
  timeBudgetMs?: number;
  /** V8 heap one document may use before its worker is killed and replaced. */
  memoryBudgetMb?: number;
}

export const DEFAULT_TIME_BUDGET_MS = 20_000;
export const DEFAULT_MEMORY_BUDGET_MB = 512;

const TOO_SLOW = 'This document takes too long to read (it is very large or built unusually). Print it to a new PDF and try again.';
const TOO_BIG = 'This document needs too much memory to read (it is very large or built unusually). Print it to a new PDF and try again.';

interface Pending {
  id: number;
  task: DocumentTask;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  /** The worker has loaded its code; a document's time budget starts only then. */
  ready: boolean;
  job: Pending | null;
  timer: NodeJS.Timeout | null;
}

/**
 * The worker script: the bundled one beside the Electron or the headless bundle, else the TypeScript source, loaded
 * through tsx's ESM API (Node 20 does not apply `--import` loaders inside worker threads).
 */
function workerEntry(): { script: string; eval: boolean } {
  const here = dirname(fileURLToPath(import.meta.url));
  // document-worker.cjs beside the Electron main bundle, document-worker.mjs beside the headless gateway bundle.
  const bundled = ['document-worker.cjs', 'document-worker.mjs'].map((name) => join(here, name)).find((file) => existsSync(file));
  if (bundled) return { script: bundled, eval: false };
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('tsx/package.json');
  const { exports } = require(manifest) as { exports: Record<string, { import: { default: string } }> };
  const api = pathToFileURL(join(dirname(manifest), exports['./esm/api']?.import.default ?? 'dist/esm/api/index.mjs')).href;
  const source = pathToFileURL(join(here, 'document-worker.ts')).href;
  return {
    script: `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`,
    eval: true,
  };
}

/**
 * Parses, checks, converts and merges documents on worker threads, so a hostile or huge file never
 * blocks the gateway's event loop. Each document gets a time and a heap budget; a worker that
 * exceeds either is terminated, replaced, and the document refused with a DocumentError.
 */
export class DocumentPool {
  private readonly size: number;
  private readonly timeBudgetMs: number;
  private readonly memoryBudgetMb: number;
  private readonly slots = new Set<Slot>();
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: DocumentPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? availableParallelism() - 1);
    this.timeBudgetMs = options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS;
    this.memoryBudgetMb = options.memoryBudgetMb ?? DEFAULT_MEMORY_BUDGET_MB;
  }

  run<K extends DocumentTask['op']>(task: Extract<DocumentTask, { op: K }>): Promise<DocumentTaskResults[K]> {
    if (this.closed) return Promise.reject(new Error('The document pool is closed.'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve: resolve as (value: unknown) => void, reject });
      this.pump();
    });
  }

  /** Starts the workers now, so the first document does not wait for one to load its code. */
  warm(): void {
    while (!this.closed && this.slots.size < this.size) this.spawn();
  }

  /** Workers currently alive (idle or busy); for tests and diagnostics. */
  get workers(): number {
    return this.slots.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('The document pool is closed.'));
    await Promise.all([...this.slots].map((slot) => this.retire(slot, new Error('The document pool is closed.'))));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const slot = [...this.slots].find((s) => s.ready && s.job === null);
      if (!slot) {
        // Workers still starting will take the queue when ready; start another only if there is room.
        const starting = [...this.slots].filter((s) => !s.ready).length;
        if (starting < this.queue.length && this.slots.size < this.size) this.spawn();
        return;
      }
      const job = this.queue.shift() as Pending;
      slot.job = job;
      slot.timer = setTimeout(() => void this.retire(slot, new DocumentError('too_complex', TOO_SLOW)), this.timeBudgetMs);
      slot.worker.postMessage({ id: job.id, task: job.task });
    }
  }

  private spawn(): Slot {
    const entry = workerEntry();
    const worker = new Worker(entry.script, {
      eval: entry.eval,
      resourceLimits: { maxOldGenerationSizeMb: this.memoryBudgetMb, maxYoungGenerationSizeMb: 32 },
    });
    // An idle pool never keeps the process alive.
    worker.unref();
    const slot: Slot = { worker, ready: false, job: null, timer: null };
    this.slots.add(slot);
    worker.on('message', (reply: WorkerReply | 'ready') => {
      if (reply === 'ready') {
        slot.ready = true;
        return this.pump();
      }
      const job = slot.job;
      if (!job || job.id !== reply.id) return;
      this.settle(slot);
      if (reply.ok) job.resolve(reply.result);
      else if (reply.error?.code) job.reject(new DocumentError(reply.error.code as DocumentErrorCode, reply.error.message));
      else job.reject(new Error(reply.error?.message ?? 'document worker failed'));
      this.pump();
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const outOfMemory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      void this.retire(slot, outOfMemory ? new DocumentError('too_complex', TOO_BIG) : error);
    });
    worker.on('exit', () => void this.retire(slot, new Error('The document worker stopped unexpectedly.')));
    return slot;
  }

  private settle(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
  }

  /** Ends a worker (over budget, crashed, or closing); its document is refused and the next one gets a fresh worker. */
  private async retire(slot: Slot, error: Error): Promise<void> {
    if (!this.slots.delete(slot)) return;
    // A worker that cannot even start (e.g. a budget too small to load the code) refuses the next document, so nothing waits forever.
    const job = slot.job ?? (slot.ready ? null : (this.queue.shift() ?? null));
    this.settle(slot);
    job?.reject(error);
    await slot.worker.terminate();
    if (!this.closed) this.pump();
  }
}

let shared: DocumentPool | null = null;

/** The gateway's one pool, created on first use. */
export function documentPool(): DocumentPool {
  shared ??= new DocumentPool();
  return shared;
}
