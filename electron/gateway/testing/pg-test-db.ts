import { afterAll, inject } from 'vitest';
import { openPool, type PgPool } from '../store/pg/pool';
import { createTestDatabase, sharedPgCluster, startPgCluster, stopPgCluster, type PgClusterInfo } from './pg-cluster';
import './pg-global-setup';

export interface PgTestCluster {
  info(): Promise<PgClusterInfo>;
  /** DATABASE_URL of a new empty database owned by the non-superuser test role. */
  freshUrl(): Promise<string>;
  /** A pool on `url` (default: a fresh database), closed after the file's tests. */
  pool(url?: string, options?: { max?: number }): Promise<PgPool>;
}

/**
 * For a test file that needs PostgreSQL: the run's shared cluster (one per `vitest run`), or, when
 * the run has no shared folder, a cluster of this file's own that is stopped after its tests.
 */
export function usePgTestCluster(): PgTestCluster {
  // Undefined under a vitest config without pg-global-setup.
  const runDir = inject('faxbotPgRunDir') as string | undefined;
  let cluster: Promise<PgClusterInfo> | undefined;
  const pools: PgPool[] = [];
  const info = () => (cluster ??= runDir ? sharedPgCluster(runDir) : startPgCluster());
  afterAll(async () => {
    await Promise.allSettled(pools.map((p) => p.end()));
    if (!runDir && cluster) await stopPgCluster(await cluster);
  });
  return {
    info,
    freshUrl: async () => createTestDatabase(await info()),
    async pool(url, options) {
      const pool = openPool(url ?? (await createTestDatabase(await info())), options);
      pools.push(pool);
      return pool;
    },
  };
}
