import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { faxForm, startTestGateway, type TestGateway } from '../testing/harness';

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.close();
  gw = null;
});

describe('retention sweep', () => {
  it('deletes finished outbound documents after ARTIFACT_TTL_DAYS and keeps rows; inbound retention is independent', async () => {
    let offset = 0;
    gw = await startTestGateway({ env: { ARTIFACT_TTL_DAYS: '7', INBOUND_RETENTION_DAYS: '30' }, now: () => Date.now() + offset });
    const sent = await gw.post('/fax', faxForm('+15551230001', { name: 'a.txt', bytes: 'keep me a week' }));
    await gw.waitForJob(sent.body.id, ['delivered']);
    const inbound = await gw.invoke('inbound:simulate', {});
    if (!inbound.ok) throw new Error(inbound.error.message);
    const row = await gw.core.jobs.row(sent.body.id);
    const storedUpload = async () => (await gw!.core.store.jobs.upload(row.id)) !== null;
    expect(row.upload_path).toBe('');
    expect(await storedUpload()).toBe(true);
    const pdfFile = join(gw.dataDir, 'jobs', `${row.id}-fax.pdf`);
    expect(row.pdf_path).toBe(`local:${row.id}-fax.pdf`);
    expect(existsSync(pdfFile)).toBe(true);

    offset += 8 * 86_400_000;
    const first = await gw.core.retention.runOnce();
    expect(first).toMatchObject({ outbound: 1, inbound: 0 });
    expect(await storedUpload()).toBe(false);
    expect(existsSync(pdfFile)).toBe(false);
    expect((await gw.get(`/fax/${sent.body.id}`)).body.state).toBe('delivered');
    expect((await gw.invoke('jobs:mintMediaLink', { id: sent.body.id })).ok).toBe(false);

    offset += 23 * 86_400_000;
    const second = await gw.core.retention.runOnce();
    expect(second).toMatchObject({ outbound: 0, inbound: 1 });
    const id = (inbound.value as { id: string }).id;
    expect((await gw.get(`/inbound/${id}`)).body.status).toBe('deleted');
    expect((await gw.get(`/inbound/${id}/pdf`)).status).toBe(404);
  });

  it('with ARTIFACT_TTL_DAYS=0 outbound documents stay, but inbound retention still runs (Faxbot tied them)', async () => {
    let now = Date.now();
    gw = await startTestGateway({ env: { INBOUND_RETENTION_DAYS: '1' }, now: () => now });
    const inbound = await gw.invoke('inbound:simulate', {});
    now += 2 * 86_400_000;
    expect(await gw.core.retention.runOnce()).toMatchObject({ outbound: 0, inbound: 1 });
    expect(inbound.ok).toBe(true);
  });

  it('deletes audit rows after AUDIT_LOG_RETENTION_DAYS and says so in the log', async () => {
    let now = Date.now();
    const lines: string[] = [];
    gw = await startTestGateway({ env: { AUDIT_LOG_RETENTION_DAYS: '7' }, now: () => now, log: (line) => lines.push(line) });
    // The sweep the gateway runs at start writes its own row; counted once it is there.
    const deadline = Date.now() + 5_000;
    while ((await gw.core.audit.recent(1, 'retention_sweep')).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    for (let i = 0; i < 50; i += 1) gw.core.audit.record('job_created', { job_id: `old${i}` });
    await gw.core.audit.flushRows();
    const old = (gw.core.db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n;
    expect(old).toBeGreaterThanOrEqual(50);
    now += 8 * 86_400_000;
    gw.core.audit.record('job_created', { job_id: 'recent' });
    expect(await gw.core.retention.runOnce()).toMatchObject({ audit: old });
    expect((await gw.core.audit.recent(100, 'job_created')).map((e) => e.job_id)).toEqual(['recent']);
    expect(lines).toContain(`retention: removed ${old} audit rows older than 7 days`);
  });
});

describe('audit log', () => {
  it('writes JSON lines with ids and event names, never full numbers, tokens or document text', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fbd-audit-'));
    gw = await startTestGateway({ env: { API_KEY: 'bootstrap-secret-key' }, dataDir });
    const created = await gw.json(
      'POST',
      '/admin/api-keys',
      { name: 'n', scopes: ['fax:send', 'fax:read'] },
      { 'x-api-key': 'bootstrap-secret-key' },
    );
    const token = created.body.token as string;
    const sent = await gw.post('/fax', faxForm('+15557654321', { name: 'secret-plan.txt', bytes: 'TOP SECRET DOCUMENT BODY' }), {
      'x-api-key': token,
    });
    await gw.waitForJob(sent.body.id, ['delivered'], 10_000, { 'x-api-key': token });
    const link = await gw.invoke('jobs:mintMediaLink', { id: sent.body.id });
    const mediaToken = new URL((link as { value: { url: string } }).value.url).searchParams.get('token') as string;
    await gw.close();
    gw = null;
    const file = readFileSync(join(dataDir, 'audit.jsonl'), 'utf8');
    rmSync(dataDir, { recursive: true, force: true });
    const lines = file
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => l.event)).toEqual(
      expect.arrayContaining(['api_key_created', 'job_created', 'job_status', 'media_token_minted']),
    );
    for (const forbidden of [
      '+15557654321',
      '5557654321',
      'TOP SECRET',
      'bootstrap-secret-key',
      token,
      mediaToken,
      token.split('_').slice(3).join('_'),
    ]) {
      expect(file).not.toContain(forbidden);
    }
  });
});

describe('readiness', () => {
  it('is ready in test mode, and 503 with a reason when the backend has no credentials', async () => {
    gw = await startTestGateway();
    expect((await gw.get('/health/ready')).body).toMatchObject({ status: 'ready', backend: 'simulator', test_mode: true });
    await gw.close();
    gw = await startTestGateway({ env: { FAX_BACKEND: 'phaxio' } });
    const res = await gw.get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('not_ready');
    expect(res.body.warnings.join(' ')).toMatch(/phaxio/);
  });
});
