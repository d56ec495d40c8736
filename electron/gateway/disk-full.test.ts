import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { faxForm, startTestGateway, type TestGateway } from './testing/harness';

const TO = '+15551230001';
const BAD_KEY = { 'x-api-key': 'fbk_live_000000000000_wrongwrongwrongwrongwrong' };
const text = (kb: number) => `${'Disk full test line. '.repeat(48)}\n`.repeat(kb);

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.close();
  gw = null;
});

/** A probe that reports "still full" until the test frees the space. */
function fakeDisk() {
  const state = { spaceBack: false };
  return {
    state,
    options: {
      probeIntervalMs: 20,
      probe: async () => {
        if (!state.spaceBack) throw new Error('still full');
      },
    },
  };
}

/**
 * The database may not grow past its current size, and ballast rows take up the room left in the
 * pages of the tables the gateway writes: from here SQLite itself answers SQLITE_FULL.
 */
function fillDatabase(g: TestGateway, jobId?: string): () => void {
  const { db } = g.core;
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
  let ballastKeys = 0;
  const addKey = db.prepare("INSERT INTO api_keys (key_id, key_hash, scopes, created_at, note) VALUES (?, 'test_ballast', '[]', 0, ?)");
  const fillers = [
    db.prepare("INSERT INTO audit_log (ts, event, fields) VALUES (0, 'test_ballast', ?)"),
    { run: (note: string) => addKey.run(`ballast${(ballastKeys += 1)}`, note) },
  ];
  if (jobId) fillers.push(db.prepare(`INSERT INTO job_events (job_id, at, kind, message) VALUES ('${jobId}', 0, 'test_ballast', ?)`));
  for (const filler of fillers) {
    for (const size of [2048, 256, 16, 0]) {
      for (let i = 0; i < 10_000; i += 1) {
        try {
          filler.run('x'.repeat(size));
        } catch {
          break;
        }
      }
    }
  }
  return () => {
    db.prepare("DELETE FROM audit_log WHERE event = 'test_ballast'").run();
    db.prepare("DELETE FROM job_events WHERE kind = 'test_ballast'").run();
    db.prepare("DELETE FROM api_keys WHERE key_hash = 'test_ballast'").run();
    db.pragma('max_page_count = 4294967294');
  };
}

describe('a full disk never ends the process', () => {
  it.skipIf(!existsSync('/dev/full'))('survives the audit file failing with ENOSPC and clears once space returns', async () => {
    const disk = fakeDisk();
    gw = await startTestGateway({
      env: { API_KEY: 'bootstrap-key-for-disk-test', AUDIT_LOG_FILE: '/dev/full' },
      disk: disk.options,
    });
    expect((await gw.get('/fax/x', BAD_KEY)).status).toBe(401);
    // The audit line is flushed 100 ms later; /dev/full answers ENOSPC to every write.
    const deadline = Date.now() + 3000;
    while ((await gw.core.status()).diskProblem === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect((await gw.core.status()).diskProblem).toMatch(/The disk is full/);
    const ready = await gw.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.disk_space).toBe(false);
    expect(ready.body.warnings.join(' ')).toMatch(/disk is full/);
    disk.state.spaceBack = true;
    const cleared = Date.now() + 3000;
    while ((await gw.core.status()).diskProblem !== null && Date.now() < cleared) await new Promise((r) => setTimeout(r, 20));
    expect((await gw.core.status()).diskProblem).toBeNull();
    expect((await gw.get('/health/ready')).status).toBe(200);
  });

  it('answers 503 {detail} for SQLITE_FULL, keeps sending nothing while full, and resumes by itself', async () => {
    const disk = fakeDisk();
    gw = await startTestGateway({
      env: { API_KEY: 'bootstrap-key-for-disk-test' },
      disk: disk.options,
    });
    const key = { 'x-api-key': 'bootstrap-key-for-disk-test' };
    const freeSpace = fillDatabase(gw);

    const refused = await gw.post('/fax', faxForm(TO, { name: 'a.txt', bytes: text(100) }), key);
    expect(refused.status).toBe(503);
    expect(refused.body.detail).toMatch(/^The disk is full: /);
    expect(refused.headers['retry-after']).toBe('30');
    // A bad key still gets its 401 (its audit row is dropped and counted, not thrown).
    const bad = await gw.get('/fax/x', BAD_KEY);
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ detail: 'Invalid or missing API key' });
    expect((await gw.get('/health/ready')).status).toBe(503);
    expect((await gw.core.status()).diskProblem).toMatch(/disk is full/);
    // The window's door (IPC and /rpc) says the same sentence.
    const viaWindow = await gw.invoke('keys:create', { scopes: ['fax:read'] });
    expect(viaWindow).toEqual({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/^The disk is full: /) } });

    freeSpace();
    disk.state.spaceBack = true;
    const deadline = Date.now() + 3000;
    while ((await gw.core.status()).diskProblem !== null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect((await gw.get('/health/ready')).status).toBe(200);
    const accepted = await gw.post('/fax', faxForm(TO, { name: 'a.txt', bytes: text(100) }), key);
    expect(accepted.status).toBe(202);
    expect((await gw.waitForJob(accepted.body.id, ['delivered'], 10_000, key)).state).toBe('delivered');
    // Audit rows are written once per event-loop turn, so the bad key's row may find room after all;
    // either it is stored or it was dropped and counted, never lost silently.
    const audited = await gw.core.audit.recent(50);
    const dropped = audited.some((entry) => entry.event === 'audit_dropped' && entry.reason === 'disk_full');
    const stored = audited.some((entry) => entry.event === 'api_error' && entry.path === '/fax/:id' && entry.status === 401);
    expect(dropped || stored).toBe(true);
  });

  it('an outbox job that hits SQLITE_FULL mid-way neither crashes nor is lost', async () => {
    const disk = fakeDisk();
    gw = await startTestGateway({
      env: { API_KEY: 'bootstrap-key-for-disk-test' },
      startWorkers: false,
      disk: disk.options,
      outbox: { tickMs: 20, leaseMs: 300 },
    });
    const key = { 'x-api-key': 'bootstrap-key-for-disk-test' };
    const accepted = await gw.post('/fax', faxForm(TO, { name: 'big.txt', bytes: text(200) }), key);
    expect(accepted.status).toBe(202);
    const freeSpace = fillDatabase(gw, accepted.body.id);
    // The TXT becomes a PDF and the job's timeline grows: a write fails inside Outbox.process.
    await gw.core.outbox.runOnce();
    expect((await gw.core.status()).diskProblem).toMatch(/disk is full/);
    freeSpace();
    disk.state.spaceBack = true;
    gw.core.outbox.start();
    expect((await gw.waitForJob(accepted.body.id, ['delivered'], 10_000, key)).state).toBe('delivered');
  });

  it('removes orphan upload parts at start, but not the fresh ones another gateway on the folder is writing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fbd-orphans-'));
    mkdirSync(join(dataDir, 'jobs'), { recursive: true });
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    for (const name of ['abc-upload.part', 'abc-fax.pdf.1234-0a0b0c0d0e0f.tmp']) {
      writeFileSync(join(dataDir, 'jobs', name), 'half a file');
      utimesSync(join(dataDir, 'jobs', name), twoHoursAgo, twoHoursAgo);
    }
    writeFileSync(join(dataDir, 'jobs', 'live-upload.part'), 'being written by another gateway');
    writeFileSync(join(dataDir, 'jobs', 'abc-upload.pdf'), '%PDF-1.4 kept');
    try {
      gw = await startTestGateway({ dataDir });
      expect(readdirSync(join(dataDir, 'jobs')).sort()).toEqual(['abc-upload.pdf', 'live-upload.part']);
    } finally {
      await gw?.close();
      gw = null;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** Tests run as root on our machines; elsewhere mount is refused and this block says so and skips. */
function mountSmallTmpfs(dir: string, size: string): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return (error as Error).message.split('\n')[0] ?? 'mount failed';
  }
}

describe('a real full disk (2 MB tmpfs data folder)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fbd-tmpfs-'));
  const mountError = mountSmallTmpfs(dir, '2m');
  if (mountError) rmSync(dir, { recursive: true, force: true });

  it.skipIf(mountError !== null)(
    `fills up, answers 503, never crashes, and resumes when space is freed${mountError ? ` (skipped: ${mountError})` : ''}`,
    async () => {
      try {
        gw = await startTestGateway({ dataDir: dir, env: { API_KEY: 'bootstrap-key-for-disk-test' }, disk: { probeIntervalMs: 50 } });
        const key = { 'x-api-key': 'bootstrap-key-for-disk-test' };
        // Ballast that fills the volume, to be deleted later as a person would.
        const ballast = join(dir, 'ballast.bin');
        try {
          writeFileSync(ballast, Buffer.alloc(4 * 1024 * 1024));
        } catch {
          // ENOSPC once the volume is full: exactly the point.
        }
        const statuses = new Set<number>();
        for (let i = 0; i < 40 && (await gw.core.status()).diskProblem === null; i += 1) {
          statuses.add((await gw.post('/fax', faxForm(TO, { name: 'a.txt', bytes: text(300) }), key)).status);
          statuses.add((await gw.get('/fax/x', BAD_KEY)).status);
        }
        expect((await gw.core.status()).diskProblem).toMatch(/disk is full/);
        const full = await gw.post('/fax', faxForm(TO, { name: 'a.txt', bytes: text(300) }), key);
        expect(full.status).toBe(503);
        expect(full.body.detail).toMatch(/^The disk is full/);
        expect([...statuses].every((s) => s < 500 || s === 503)).toBe(true);
        expect((await gw.get('/health/ready')).status).toBe(503);
        expect(readdirSync(join(dir, 'jobs')).filter((n) => n.endsWith('.part'))).toEqual([]);

        rmSync(ballast, { force: true });
        const deadline = Date.now() + 5000;
        while ((await gw.core.status()).diskProblem !== null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        expect((await gw.core.status()).diskProblem).toBeNull();
        const accepted = await gw.post('/fax', faxForm(TO, { name: 'a.txt', bytes: text(10) }), key);
        expect(accepted.status).toBe(202);
        expect((await gw.waitForJob(accepted.body.id, ['delivered'], 10_000, key)).state).toBe('delivered');
      } finally {
        await gw?.close();
        gw = null;
        execFileSync('umount', [dir]);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
