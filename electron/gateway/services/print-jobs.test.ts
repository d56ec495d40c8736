import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { PrintJobView } from '../../../shared/types';
import { faxForm, startTestGateway, type TestGateway } from '../testing/harness';

const letter = readFileSync(join(__dirname, '../../../e2e/fixtures/three-page-letter.pdf'));
const admin = { 'x-api-key': 'bootstrap_admin_only' };
const authEnv = { API_KEY: 'bootstrap_admin_only', REQUIRE_API_KEY: 'true' };

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.close();
  gw = null;
});

async function createKey(scopes: string[]): Promise<string> {
  const res = await gw!.json('POST', '/admin/api-keys', { name: 'print', owner: 'tester', scopes }, admin);
  return res.body.token as string;
}

describe('print jobs: one intake for documents without a number', () => {
  it('an untagged PDF waits, is listed by GET /print-jobs (fax:send), and is faxed once a person adds a number', async () => {
    gw = await startTestGateway({ env: authEnv });
    const sender = { 'x-api-key': await createKey(['fax:send', 'fax:read']) };
    const reader = { 'x-api-key': await createKey(['fax:read']) };

    const posted = await gw.post('/print-jobs', faxForm(null, { name: 'referral.pdf', bytes: letter }), sender);
    expect(posted.status).toBe(201);
    expect(posted.body).toMatchObject({ source: 'api', file_name: 'referral.pdf', pages: 3, tag_numbers: [], state: 'waiting' });

    expect((await gw.get('/print-jobs', reader)).status).toBe(403);
    const listed = await gw.get('/print-jobs', sender);
    expect(listed.body.print_jobs.map((j: { id: string }) => j.id)).toEqual([posted.body.id]);

    const bad = await gw.json('POST', `/print-jobs/${posted.body.id}/send`, { to: ['+15551234567', '12'] }, sender);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/number/i);
    expect((await gw.get('/print-jobs', sender)).body.print_jobs).toHaveLength(1);

    const sent = await gw.json('POST', `/print-jobs/${posted.body.id}/send`, { to: '+15551234567' }, sender);
    expect(sent.status).toBe(200);
    expect(sent.body.state).toBe('sent');
    const job = await gw.waitForJob(sent.body.job_ids[0], ['delivered'], 10_000, sender);
    expect(job).toMatchObject({ status: 'SUCCESS', pages: 3, file_name: 'referral.pdf' });
    expect((await gw.get('/print-jobs', sender)).body.print_jobs).toEqual([]);

    const again = await gw.json('POST', `/print-jobs/${posted.body.id}/send`, { to: '+15551234567' }, sender);
    expect(again.status).toBe(409);
  });

  it('refuses what a desktop send refuses, with the same words, through REST and /rpc alike', async () => {
    gw = await startTestGateway();
    const rest = await gw.post('/print-jobs', faxForm(null, { name: 'photo.pdf', bytes: Buffer.from('GIF89a\x01\x02', 'latin1') }));
    const rpc = await gw.invoke('printJobs:add', {
      documents: [{ name: 'photo.pdf', contentBase64: Buffer.from('GIF89a\x01\x02', 'latin1').toString('base64') }],
    });
    const send = await gw.invoke('jobs:send', {
      to: '+15551234567',
      documents: [{ name: 'photo.pdf', contentBase64: Buffer.from('GIF89a\x01\x02', 'latin1').toString('base64') }],
    });
    expect(rest.status).toBe(415);
    expect(rpc).toEqual({
      ok: false,
      error: { code: 'unsupported_type', message: 'photo.pdf: only PDF, TXT, JPEG, PNG and TIFF files can be faxed' },
    });
    expect(send).toEqual(rpc);
    expect(rest.body.detail).toBe('photo.pdf: only PDF, TXT, JPEG, PNG and TIFF files can be faxed');
    expect((await gw.get('/print-jobs')).body.print_jobs).toEqual([]);
  });

  it('a tag fills the number but waits for a person while autosend is off', async () => {
    gw = await startTestGateway();
    const text = Buffer.from('Lab results\nFax to @@fax:+15551234567@@ and @@fax:(555) 123-4568@@\n').toString('base64');
    const added = await gw.invoke('printJobs:add', { documents: [{ name: 'results.txt', contentBase64: text }] });
    expect(added.ok).toBe(true);
    const [printJob] = (added as { value: PrintJobView[] }).value;
    expect(printJob).toMatchObject({ source: 'open-file', state: 'waiting', tagNumbers: ['+15551234567', '+15551234568'] });
    expect((await gw.invoke('jobs:list', {})) as { value: { items: unknown[] } }).toMatchObject({ value: { items: [] } });

    const discarded = await gw.invoke('printJobs:discard', { id: printJob!.id });
    expect(discarded).toMatchObject({ ok: true, value: { state: 'discarded' } });
    expect(await gw.invoke('printJobs:list', {})).toEqual({ ok: true, value: [] });
  });

  it('with PRINT_AUTOSEND_TAGGED=true a tagged document is faxed to every tagged number at once', async () => {
    gw = await startTestGateway({ env: { PRINT_AUTOSEND_TAGGED: 'true' } });
    const posted = await gw.post(
      '/print-jobs',
      faxForm(null, { name: 'orders.txt', bytes: 'Orders\n@@fax:+15551234567@@ @@fax:+15551234568@@\n' }),
    );
    expect(posted.body).toMatchObject({ state: 'sent', tag_numbers: ['+15551234567', '+15551234568'] });
    const jobs = await Promise.all(posted.body.job_ids.map((id: string) => gw!.waitForJob(id, ['delivered'])));
    expect(jobs.map((j) => j.to_e164).sort()).toEqual(['+15551234567', '+15551234568']);
    expect((await gw.get('/print-jobs')).body.print_jobs).toEqual([]);
  });

  it('a @@fax:NAME@@ tag is a phone-book contact (any case) or a group; with autosend on it is faxed to each of their numbers', async () => {
    gw = await startTestGateway({ env: { PRINT_AUTOSEND_TAGGED: 'true' } });
    const contact = async (name: string, fax: string) =>
      ((await gw!.invoke('contacts:create', { name, fax })) as { value: { id: string } }).value.id;
    await contact('Dr Smith', '+15551230001');
    const labs = [await contact('North Lab', '+15551230002'), await contact('South Lab', '+15551230003')];
    expect(await gw.invoke('groups:create', { name: 'Labs', contactIds: labs })).toMatchObject({ ok: true });

    const text = Buffer.from('Referral\n@@fax:dr  smith@@ @@fax: LABS @@\n').toString('base64');
    const added = await gw.invoke('printJobs:add', { documents: [{ name: 'referral.txt', contentBase64: text }] });
    const [printJob] = (added as { value: PrintJobView[] }).value;
    expect(printJob).toMatchObject({ state: 'sent', reason: null });
    expect(printJob!.tagNumbers.sort()).toEqual(['+15551230001', '+15551230002', '+15551230003']);
    const jobs = await Promise.all(printJob!.jobIds.map((id) => gw!.waitForJob(id, ['delivered'])));
    expect(jobs.map((j) => j.to_e164).sort()).toEqual(['+15551230001', '+15551230002', '+15551230003']);
  });

  it('an unknown name in a tag is reported on the waiting document and nothing is sent, even with autosend on', async () => {
    gw = await startTestGateway({ env: { PRINT_AUTOSEND_TAGGED: 'true' } });
    expect(await gw.invoke('contacts:create', { name: 'Dr Smith', fax: '+15551230001' })).toMatchObject({ ok: true });
    const posted = await gw.post(
      '/print-jobs',
      faxForm(null, { name: 'letter.txt', bytes: 'Letter\n@@fax:Dr Smith@@ @@fax:Dr Jones@@\n' }),
    );
    expect(posted.status).toBe(201);
    expect(posted.body).toMatchObject({
      state: 'waiting',
      tag_numbers: ['+15551230001'],
      reason: "No contact named 'Dr Jones'",
      job_ids: [],
    });
    expect((await gw.get('/print-jobs')).body.print_jobs.map((j: { reason: string }) => j.reason)).toEqual(["No contact named 'Dr Jones'"]);
    expect(await gw.invoke('jobs:list', {})).toMatchObject({ ok: true, value: { items: [] } });
  });

  it('a waiting document sent from the Send form is marked sent with its fax and cannot be sent a second time', async () => {
    gw = await startTestGateway();
    const added = await gw.invoke('printJobs:add', { documents: [{ name: 'referral.pdf', contentBase64: letter.toString('base64') }] });
    const [printJob] = (added as { value: PrintJobView[] }).value;
    const attached = await gw.invoke('printJobs:document', { id: printJob!.id });
    const documents = [(attached as { value: { name: string; contentBase64: string } }).value];

    const refused = await gw.invoke('jobs:send', { to: '12', documents, printJobIds: [printJob!.id] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await gw.invoke('printJobs:list', {})).toMatchObject({ ok: true, value: [{ id: printJob!.id, state: 'waiting' }] });

    const sent = await gw.invoke('jobs:send', { to: '+15551234567', documents, printJobIds: [printJob!.id] });
    const job = (sent as { value: { id: string } }).value;
    expect(await gw.invoke('printJobs:list', {})).toEqual({ ok: true, value: [] });
    expect((await gw.get(`/print-jobs`)).body.print_jobs).toEqual([]);
    expect((await gw.waitForJob(job.id, ['delivered'])).pages).toBe(3);

    const twice = await gw.invoke('jobs:sendBatch', { to: ['+15551234568'], documents, printJobIds: [printJob!.id] });
    expect(twice).toEqual({ ok: false, error: { code: 'conflict', message: 'referral.pdf is already sent' } });
    expect(await gw.invoke('printJobs:send', { id: printJob!.id, to: ['+15551234568'] })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    expect(await gw.invoke('jobs:list', {})).toMatchObject({ value: { items: [{ id: job.id }] } });
  });
});

describe('print spool: what the CUPS backend hands over', () => {
  function spoolJob(printDir: string, name: string, bytes: Buffer, title: string): void {
    mkdirSync(join(printDir, 'spool'), { recursive: true });
    writeFileSync(join(printDir, 'spool', `${name}.title`), title);
    writeFileSync(join(printDir, 'spool', `${name}.job`), bytes);
  }

  it('publishes its address and a 0600 secret, takes a poked job once, and refuses a wrong secret', async () => {
    const printDir = join(mkdtempSync(join(tmpdir(), 'fbd-print-')), 'print');
    gw = await startTestGateway({ printDir });
    expect(readFileSync(join(printDir, 'gateway-url'), 'utf8').trim()).toBe(gw.url);
    const header = readFileSync(join(printDir, 'auth-header'), 'utf8').trim();
    expect(statSync(join(printDir, 'auth-header')).mode & 0o777).toBe(0o600);
    expect(statSync(printDir).mode & 0o777).toBe(0o700);
    const secret = header.replace('Authorization: ', '');

    await gw.core.printSpool?.initialScan;
    spoolJob(printDir, 'cups-7-1700000000-42', letter, 'Referral - Word');
    const poke = (authorization: string, name = 'cups-7-1700000000-42') =>
      request(`${gw!.url}/print-jobs/spool/${name}`, { method: 'POST', headers: { authorization } });
    const denied = await poke('Bearer ' + '0'.repeat(64));
    expect(denied.statusCode).toBe(401);
    await denied.body.dump();
    const taken = await poke(secret);
    expect(taken.statusCode).toBe(202);
    await taken.body.dump();
    const again = await poke(secret);
    expect(again.statusCode).toBe(202);
    await again.body.dump();
    const unknown = await poke(secret, 'cups-9-1700000000-1');
    expect(unknown.statusCode).toBe(404);
    await unknown.body.dump();
    const bad = await poke(secret, '..%2Fgateway-url');
    expect(bad.statusCode).toBe(400);
    await bad.body.dump();

    const listed = await gw.get('/print-jobs');
    expect(listed.body.print_jobs).toMatchObject([{ source: 'printer', file_name: 'Referral - Word', pages: 3, state: 'waiting' }]);
  });

  it('takes jobs that were spooled while no gateway ran, at start, with the same secret as before', async () => {
    const printDir = join(mkdtempSync(join(tmpdir(), 'fbd-print-')), 'print');
    const dataDir = mkdtempSync(join(tmpdir(), 'fbd-gw-'));
    gw = await startTestGateway({ printDir, dataDir });
    const header = readFileSync(join(printDir, 'auth-header'), 'utf8');
    await gw.close();
    expect(() => readFileSync(join(printDir, 'gateway-url'))).toThrow();

    spoolJob(printDir, 'cups-8-1700000001-43', letter, 'Chart');
    gw = await startTestGateway({ printDir, dataDir });
    expect(readFileSync(join(printDir, 'auth-header'), 'utf8')).toBe(header);
    const deadline = Date.now() + 5000;
    let jobs: { file_name: string }[] = [];
    while (Date.now() < deadline && jobs.length === 0) {
      jobs = (await gw.get('/print-jobs')).body.print_jobs;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(jobs).toMatchObject([{ file_name: 'Chart', pages: 3 }]);
    expect(() => readFileSync(join(printDir, 'spool', 'cups-8-1700000001-43.job'))).toThrow();
  });
});
