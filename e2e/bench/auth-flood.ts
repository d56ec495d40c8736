/**
 * Issue 15 figure: N requests with wrong API keys against a fresh headless gateway (real loopback
 * HTTP), then what they cost: audit rows added, audit.jsonl bytes, database + WAL bytes, and how
 * the answers split by status. `tsx e2e/bench/auth-flood.ts [N]`; prints one JSON object.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { createGateway } from '../../electron/gateway/server';
import { MemorySecretStore } from '../../electron/gateway/secrets/memory';
import { memorySettingsStore } from '../../electron/gateway/testing/harness';

const total = Number(process.argv[2] ?? 20_000);
const concurrency = 32;
const dataDir = mkdtempSync(join(tmpdir(), 'fbd-auth-flood-'));
const size = (name: string) => statSync(join(dataDir, name), { throwIfNoEntry: false })?.size ?? 0;
const dbBytes = () => size('gateway.db') + size('gateway.db-wal') + size('gateway.db-shm');

const gateway = await createGateway({
  dataDir,
  port: 0,
  host: '127.0.0.1',
  env: { API_KEY: 'the-real-bootstrap-key-for-the-bench' },
  log: () => undefined,
  secretStore: new MemorySecretStore(),
  settingsStore: memorySettingsStore(),
});
const rows = () => (gateway.core.db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n;
await new Promise((resolve) => setTimeout(resolve, 300));
const before = { rows: rows(), auditFileBytes: size('audit.jsonl'), dbBytes: dbBytes() };
const dispatcher = new Agent({ connections: concurrency });
const statuses: Record<number, number> = {};
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const i = next++;
      const res = await request(`${gateway.url}/fax/abc`, {
        dispatcher,
        headers: { 'x-api-key': `fbk_live_${(i % 4096).toString(16).padStart(12, '0')}_wrong-secret-${i}-xxxxxxxxxxxxxxxx` },
      });
      await res.body.dump();
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
await new Promise((resolve) => setTimeout(resolve, 300)); // the audit file flushes every 100 ms
const after = { rows: rows(), auditFileBytes: size('audit.jsonl'), dbBytes: dbBytes() };
await gateway.close();
await dispatcher.close();
const closed = dbBytes();
rmSync(dataDir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    requests: total,
    seconds: Number(seconds.toFixed(2)),
    statuses,
    auditRowsAdded: after.rows - before.rows,
    auditFileBytesAdded: after.auditFileBytes - before.auditFileBytes,
    dbAndWalBytes: { before: before.dbBytes, after: after.dbBytes, afterClose: closed },
  }),
);
process.exit(0);
