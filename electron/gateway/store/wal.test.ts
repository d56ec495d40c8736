import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, startIdleCheckpoints, WAL_SIZE_LIMIT_BYTES, type Db } from './db';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function fileDb(): { db: Db; walSize: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'fbd-wal-'));
  dirs.push(dir);
  const file = join(dir, 'gateway.db');
  return { db: openDatabase(file), walSize: () => statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0 };
}

describe('the WAL stays bounded', () => {
  it('20,000 single-row commits (a flood of audited requests) leave the WAL under its limit', () => {
    const { db, walSize } = fileDb();
    const insert = db.prepare("INSERT INTO audit_log (ts, event, fields) VALUES (1, 'api_error', ?)");
    for (let i = 0; i < 20_000; i += 1) insert.run(JSON.stringify({ path: '/fax/:id', status: 401, n: i }));
    expect(walSize()).toBeGreaterThan(0);
    expect(walSize()).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES + 64 * 1024);
    db.close();
  });

  it('is truncated to zero bytes when the gateway is idle, and not while it is busy', async () => {
    const { db, walSize } = fileDb();
    db.prepare("INSERT INTO audit_log (ts, event, fields) VALUES (1, 'x', '{}')").run();
    let busy = true;
    const stop = startIdleCheckpoints(
      db,
      () => busy,
      (error) => expect.fail(String(error)),
      10,
    );
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(walSize()).toBeGreaterThan(0);
    busy = false;
    const deadline = Date.now() + 2000;
    while (walSize() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(walSize()).toBe(0);
    stop();
    db.close();
  });
});
