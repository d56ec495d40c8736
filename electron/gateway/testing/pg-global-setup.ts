import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { readSharedCluster, stopPgCluster } from './pg-cluster';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Folder where the run's one PostgreSQL cluster is described once a test file starts it. */
    faxbotPgRunDir: string;
  }
}

/** Hands the run a folder for its shared cluster (started lazily, see sharedPgCluster) and stops it at the end. */
export default function setup(project: TestProject): () => Promise<void> {
  const runDir = mkdtempSync(join(tmpdir(), 'faxbot-pg-run-'));
  writeFileSync(join(runDir, 'guard.pid'), String(process.pid));
  project.provide('faxbotPgRunDir', runDir);
  return async () => {
    const info = readSharedCluster(runDir);
    try {
      if (info) await stopPgCluster(info);
    } finally {
      rmSync(runDir, { recursive: true, force: true });
    }
  };
}
