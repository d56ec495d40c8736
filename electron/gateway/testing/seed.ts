import type { Db } from '../store/db';

const STATUSES = ['delivered', 'delivered', 'delivered', 'failed', 'canceled'] as const;

/**
 * Fills the store with `count` finished jobs, one a minute going back from `newest`, so list
 * paging, search and the window's virtual list can be exercised at office-years scale.
 */
export function seedJobs(db: Db, count: number, newest = Date.now()): void {
  const insert = db.prepare(
    `INSERT INTO jobs (id, to_input, to_e164, status, backend, test_mode, file_name, source_kind, upload_path, pages,
       attempts, max_attempts, next_attempt_at, failure_class, error, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'simulator', 1, ?, 'txt', '/nonexistent', 1, 1, 5, 0, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < count; i += 1) {
      const status = STATUSES[i % STATUSES.length] as (typeof STATUSES)[number];
      const number = `+1555${String(1_000_000 + (i % 8_999_999)).padStart(7, '0')}`;
      const at = newest - (count - i) * 60_000;
      insert.run(
        `seed${String(i).padStart(28, '0')}`,
        number,
        number,
        status,
        `seeded-${i}.txt`,
        status === 'failed' ? 'busy' : null,
        status === 'failed' ? 'The line was busy.' : null,
        at,
        at,
      );
    }
  })();
}
