import { describe, expect, it } from 'vitest';
import type { JobPage } from '../../../shared/types';
import { startTestGateway } from '../testing/harness';
import { seedJobs } from '../testing/seed';

describe('the timeline at 100,000 jobs: paging and search are done by the store', () => {
  it('pages newest first with a keyset cursor, counts, filters and searches without loading the table', async () => {
    const gw = await startTestGateway({ startWorkers: false });
    try {
      seedJobs(gw.core.db, 100_000);
      const first = (await gw.invoke('jobs:list', { limit: 50 })) as { ok: true; value: JobPage };
      expect(first.value.total).toBe(100_000);
      expect(first.value.items).toHaveLength(50);
      expect(first.value.items[0]?.id).toBe(`seed${String(99_999).padStart(28, '0')}`);
      let cursor = first.value.nextCursor;
      let seen = 50;
      for (let page = 0; page < 20 && cursor; page += 1) {
        const next = (await gw.invoke('jobs:list', { limit: 200, cursor })) as { ok: true; value: JobPage };
        seen += next.value.items.length;
        cursor = next.value.nextCursor;
      }
      expect(seen).toBe(50 + 20 * 200);
      const failed = (await gw.invoke('jobs:list', { limit: 10, status: ['failed'] })) as { ok: true; value: JobPage };
      expect(failed.value.total).toBe(20_000);
      const search = (await gw.invoke('jobs:list', { limit: 10, search: '5551054321' })) as { ok: true; value: JobPage };
      expect(search.value.items.map((j) => j.toE164)).toEqual(['+15551054321']);
    } finally {
      await gw.close();
    }
  }, 60_000);
});
