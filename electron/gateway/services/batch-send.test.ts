import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GroupView } from '../../../shared/contacts';
import { faxForm, startTestGateway, type TestGateway } from '../testing/harness';
import { fixtureAsImage } from '../testing/images';

const open: TestGateway[] = [];
afterEach(async () => {
  for (const gw of open.splice(0)) await gw.close();
});

async function gateway(options: Parameters<typeof startTestGateway>[0] = {}): Promise<TestGateway> {
  const gw = await startTestGateway(options);
  open.push(gw);
  return gw;
}

function batchForm(fields: [string, string][]): FormData {
  const form = faxForm(null, { name: 'memo.txt', bytes: 'Quarterly figures attached.' });
  for (const [name, value] of fields) form.append(name, value);
  return form;
}

const jobCount = (gw: TestGateway) => (gw.core.db.prepare('SELECT COUNT(*) AS n FROM jobs').get() as { n: number }).n;

describe('several recipients: POST /fax/batch', () => {
  it('sends to a group of three with one failing number, then resends to the failed one', async () => {
    const gw = await gateway();
    const ids = [];
    for (const [name, fax] of [
      ['North', '+12025550101'],
      ['South', '+12025550034'],
      ['East', '+12025550103'],
    ] as const) {
      const made = await gw.invoke('contacts:create', { name, fax });
      if (!made.ok) throw new Error(made.error.message);
      ids.push((made.value as { id: string }).id);
    }
    const group = (await gw.invoke('groups:create', { name: 'Branches', contactIds: ids })) as { ok: true; value: GroupView };

    // The group by name, and one of its numbers typed again: faxed once.
    const accepted = await gw.post(
      '/fax/batch',
      batchForm([
        ['group', 'Branches'],
        ['to', '(202) 555-0101'],
      ]),
    );
    expect(accepted.status).toBe(202);
    expect(accepted.body.total).toBe(3);
    expect(accepted.body.jobs.map((j: { to_e164: string }) => j.to_e164).sort()).toEqual(['+12025550034', '+12025550101', '+12025550103']);
    for (const job of accepted.body.jobs) await gw.waitForJob(job.id, ['delivered', 'failed']);

    const done = await gw.get(`/fax/batch/${accepted.body.batch_id}`);
    expect(done.body).toMatchObject({ total: 3, delivered: 2, failed: 1, pending: 0 });
    const failed = done.body.jobs.find((j: { state: string }) => j.state === 'failed');
    expect(failed.to_e164).toBe('+12025550034');
    expect(failed.batch_id).toBe(accepted.body.batch_id);

    const resent = await gw.invoke('jobs:resendFailed', { batchId: accepted.body.batch_id });
    expect(resent).toMatchObject({ ok: true, value: { counts: { total: 3, delivered: 2, failed: 0, pending: 1 } } });
    expect(group.value.contactIds).toHaveLength(3);
  });

  it('a scanned TIFF goes to several numbers as the same three pages', async () => {
    const gw = await gateway();
    const form = faxForm(null, { name: 'scan.tif', bytes: fixtureAsImage('tiffgray', '1-3') });
    form.append('to', '+12025550101, +12025550103');
    const accepted = await gw.post('/fax/batch', form);
    expect(accepted.status).toBe(202);
    for (const job of accepted.body.jobs) expect(await gw.waitForJob(job.id, ['delivered'])).toMatchObject({ pages: 3 });
  });

  it('queues nothing when one recipient is wrong, and says which', async () => {
    const gw = await gateway({ startWorkers: false });
    const refused = await gw.post(
      '/fax/batch',
      batchForm([
        ['to', '+12025550101, 12'],
        ['group', 'Nobody'],
      ]),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toMatch(/^Nothing was sent: recipient 2: .*; No group called "Nobody"/);
    expect(jobCount(gw)).toBe(0);
    expect((await gw.post('/fax/batch', batchForm([]))).body.detail).toMatch(/at least one recipient/);
  });

  it('keeps POST /fax exactly one recipient', async () => {
    const gw = await gateway({ startWorkers: false });
    const res = await gw.post('/fax', faxForm('+12025550101, +12025550102', { name: 'a.txt', bytes: 'x' }));
    expect(res.status).toBe(400);
    expect(jobCount(gw)).toBe(0);
  });
});

describe('scheduled send', () => {
  it('is not sent early, is editable until it starts, survives a restart and is sent once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fbd-sched-'));
    let clock = Date.parse('2026-03-02T09:00:00Z');
    const now = () => clock;
    try {
      let gw = await gateway({ dataDir, now });
      const sendAt = '2026-03-02T10:01:00+01:00'; // one minute ahead, written with an offset
      const accepted = await gw.post(
        '/fax',
        batchForm([
          ['to', '+12025550101'],
          ['send_at', sendAt],
        ]),
      );
      expect(accepted.status).toBe(202);
      expect(accepted.body).toMatchObject({ state: 'queued', send_at: '2026-03-02T09:01:00.000Z' });
      const id = accepted.body.id as string;

      await new Promise((resolve) => setTimeout(resolve, 300)); // many outbox ticks
      expect((await gw.get(`/fax/${id}`)).body).toMatchObject({ state: 'queued', attempts: 0 });
      const listed = await gw.invoke('jobs:list', { scheduled: true });
      expect(listed).toMatchObject({ ok: true, value: { total: 1 } });

      const edited = await gw.invoke('jobs:reschedule', { id, to: '+12025550102', sendAt: '2026-03-02T09:02:00Z' });
      expect(edited).toMatchObject({ ok: true, value: { toE164: '+12025550102', sendAt: '2026-03-02T09:02:00.000Z' } });
      expect((await gw.invoke('jobs:reschedule', { id, sendAt: '2026-03-01T09:02:00Z' })).ok).toBe(false);

      await gw.close();
      open.splice(0);
      clock += 90_000; // still 30 s early after the restart
      gw = await gateway({ dataDir, now });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await gw.get(`/fax/${id}`)).body.state).toBe('queued');

      clock += 31_000;
      await gw.waitForJob(id, ['sending', 'delivered']);
      // The simulator's steps follow the injected clock: let time run so it can finish.
      const ticking = setInterval(() => (clock += 1000), 20);
      try {
        await gw.waitForJob(id, ['delivered']);
      } finally {
        clearInterval(ticking);
      }
      const sent = gw.core.db.prepare('SELECT COUNT(*) AS n, MIN(submitted_at) AS at FROM sim_submissions WHERE job_id = ?').get(id) as {
        n: number;
        at: number;
      };
      expect(sent.n).toBe(1);
      expect(sent.at).toBeGreaterThanOrEqual(Date.parse('2026-03-02T09:02:00Z'));
      const late = await gw.invoke('jobs:reschedule', { id, sendAt: '2026-03-02T11:00:00Z' });
      expect(late).toMatchObject({ ok: false, error: { code: 'conflict' } });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a send_at without an offset or in the past', async () => {
    const gw = await gateway({ startWorkers: false });
    const noOffset = await gw.post(
      '/fax',
      batchForm([
        ['to', '+12025550101'],
        ['send_at', '2099-03-02T10:00:00'],
      ]),
    );
    expect(noOffset).toMatchObject({ status: 400, body: { detail: expect.stringMatching(/UTC offset/) } });
    const past = await gw.post(
      '/fax',
      batchForm([
        ['to', '+12025550101'],
        ['send_at', '2001-03-02T10:00:00Z'],
      ]),
    );
    expect(past.body.detail).toBe("'send_at' is in the past");
    expect(jobCount(gw)).toBe(0);
  });
});

describe('history filters and CSV export', () => {
  it('filters by batch, contact and date, and exports the filtered list as CSV with contact names', async () => {
    const gw = await gateway({ startWorkers: false });
    const ann = (await gw.invoke('contacts:create', { name: 'Ann', fax: '+12025550143' })) as { ok: true; value: { id: string } };
    const batch = await gw.post('/fax/batch', batchForm([['to', '+12025550143, +12025550199']]));
    await gw.post('/fax', batchForm([['to', '+12025550143']]));
    const list = async (input: Record<string, unknown>) =>
      ((await gw.invoke('jobs:list', input)) as { ok: true; value: { total: number } }).value.total;
    expect(await list({ batchId: batch.body.batch_id })).toBe(2);
    expect(await list({ contactId: ann.value.id })).toBe(2);
    expect(await list({ until: '2001-01-01T00:00:00Z' })).toBe(0);
    expect(await list({ from: '2001-01-01T00:00:00+02:00', contactId: ann.value.id, batchId: batch.body.batch_id })).toBe(1);

    const csv = (await gw.invoke('jobs:exportCsv', { contactId: ann.value.id })) as { ok: true; value: { text: string } };
    const lines = csv.value.text.split('\r\n');
    expect(lines[0]).toBe('created_at,to,contact,status,pages,attempts,file_name,cover,send_at,batch_id,error,job_id,sent_by');
    expect(lines).toHaveLength(3);
    expect(lines.slice(1).every((line) => line.includes(',+12025550143,Ann,queued,'))).toBe(true);
  });
});
