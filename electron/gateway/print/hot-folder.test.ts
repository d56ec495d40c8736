import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobPage } from '../../../shared/types';
import { startTestGateway, type TestGateway } from '../testing/harness';
import { fixtureAsImage } from '../testing/images';
import { numberFromFileName } from './hot-folder';

const letter = readFileSync(join(__dirname, '../../../e2e/fixtures/three-page-letter.pdf'));

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.close();
  gw = null;
});

async function until<T>(what: string, probe: () => T | null | Promise<T | null>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function result(folder: string, where: 'sent' | 'failed', name: string): Record<string, unknown> | null {
  const file = join(folder, where, `${name}.result.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : null;
}

async function jobCount(): Promise<number> {
  const page = (await gw!.invoke('jobs:list', {})) as { ok: true; value: JobPage };
  return page.value.items.length;
}

function hotGateway(folder: string, extra: { dataDir?: string; stepDelayMs?: number; outcome?: string } = {}) {
  return startTestGateway({
    dataDir: extra.dataDir,
    env: { HOT_FOLDER: folder },
    settings: { simulator: { stepDelayMs: extra.stepDelayMs ?? 40, outcome: extra.outcome ?? 'delivered' } },
  });
}

describe('hot folder numbers', () => {
  it('reads the number at the start of a file name', () => {
    expect(numberFromFileName('+15551234567 invoice.pdf')).toBe('+15551234567');
    expect(numberFromFileName('555-123-4567_scan.txt')).toBe('555-123-4567');
    expect(numberFromFileName('+15551234567.pdf')).toBe('+15551234567');
    expect(numberFromFileName('invoice +15551234567.pdf')).toBeNull();
    expect(numberFromFileName('2024 report.pdf')).toBeNull();
  });
});

describe('hot folder (HOT_FOLDER)', () => {
  it('sends to a phone-book name in a tag, and files a name not in the phone book under failed/ with the reason', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'fbd-hot-'));
    gw = await hotGateway(folder);
    expect(await gw.invoke('contacts:create', { name: 'Dr Smith', fax: '+15551230001' })).toMatchObject({ ok: true });
    writeFileSync(join(folder, 'referral.txt'), 'Referral\n@@fax:dr smith@@\n');
    writeFileSync(join(folder, 'letter.txt'), 'Letter\n@@fax:Dr Jones@@\n');

    const referral = await until('referral filed', () => result(folder, 'sent', 'referral.txt'));
    expect(await gw.waitForJob((referral.jobIds as string[])[0]!, ['delivered'])).toMatchObject({ to_e164: '+15551230001' });
    expect(await until('letter refused', () => result(folder, 'failed', 'letter.txt'))).toMatchObject({
      status: 'FAILED',
      reason: "No contact named 'Dr Jones'",
      jobIds: [],
    });
    expect(await jobCount()).toBe(1);
  });

  it('sends a numbered PDF, a numbered TIFF scan and a tagged text file, files each under sent/ with its result, and refuses an untagged one', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'fbd-hot-'));
    gw = await hotGateway(folder);
    writeFileSync(join(folder, '+15551234567 invoice.pdf'), letter);
    writeFileSync(join(folder, 'orders.txt'), 'Orders\n@@fax:+15551234568@@\n');
    writeFileSync(join(folder, 'scan.pdf'), letter);
    writeFileSync(join(folder, 'notes.docx'), 'not ours');
    writeFileSync(join(folder, '+15551234569 scan.tif'), fixtureAsImage('tiffgray', '1-3'));

    const invoice = await until('invoice filed', () => result(folder, 'sent', '+15551234567 invoice.pdf'));
    expect(invoice).toMatchObject({ file: '+15551234567 invoice.pdf', status: 'SUCCESS', reason: null });
    const [jobId] = invoice.jobIds as string[];
    expect(await gw.waitForJob(jobId!, ['delivered'])).toMatchObject({ to_e164: '+15551234567', pages: 3 });
    expect(existsSync(join(folder, 'sent', '+15551234567 invoice.pdf'))).toBe(true);

    const scan = await until('TIFF filed', () => result(folder, 'sent', '+15551234569 scan.tif'));
    expect(await gw.waitForJob((scan.jobIds as string[])[0]!, ['delivered'])).toMatchObject({ to_e164: '+15551234569', pages: 3 });

    expect(await until('orders filed', () => result(folder, 'sent', 'orders.txt'))).toMatchObject({ status: 'SUCCESS' });
    expect(await until('scan refused', () => result(folder, 'failed', 'scan.pdf'))).toMatchObject({
      status: 'FAILED',
      reason: 'no fax number',
      jobIds: [],
    });
    expect(readdirSync(folder).sort()).toEqual(['failed', 'notes.docx', 'sent']);
    expect(await jobCount()).toBe(3);
    // A refused file is not left waiting in the window either.
    expect(await gw.invoke('printJobs:list', {})).toEqual({ ok: true, value: [] });
  });

  it('asks for a full folder path, and reports a folder that does not exist as not watched', async () => {
    gw = await startTestGateway();
    const relative = await gw.invoke('settings:update', { patch: { print: { hotFolder: 'Fax' } } });
    expect(relative).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(JSON.stringify(relative)).toContain('full path of the hot folder');
    const missing = join(tmpdir(), 'fbd-hot-missing', 'nowhere');
    expect(await gw.invoke('settings:update', { patch: { print: { hotFolder: missing } } })).toMatchObject({ ok: true });
    expect(await gw.invoke('printRoutes:get', {})).toMatchObject({ ok: true, value: { hotFolder: { folder: missing, watching: false } } });
  });

  it('waits out a file still being written (size and mtime stable for 2 s)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'fbd-hot-'));
    gw = await hotGateway(folder);
    const name = '+15551234567 growing.pdf';
    writeFileSync(join(folder, name), letter.subarray(0, 1000));
    for (let i = 1; i <= 3; i += 1) {
      await new Promise((r) => setTimeout(r, 900));
      appendFileSync(join(folder, name), letter.subarray(i * 1000, Math.min((i + 1) * 1000, letter.length)));
    }
    expect(existsSync(join(folder, name))).toBe(true);
    appendFileSync(join(folder, name), letter.subarray(4000));
    const filed = await until('growing file filed', () => result(folder, 'sent', name) ?? result(folder, 'failed', name));
    expect(filed).toMatchObject({ status: 'SUCCESS' });
    expect(await gw.waitForJob((filed.jobIds as string[])[0]!, ['delivered'])).toMatchObject({ pages: 3 });
  });

  it('refuses a file over MAX_FILE_SIZE_MB without reading it, and says so', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'fbd-hot-'));
    gw = await startTestGateway({ env: { HOT_FOLDER: folder, MAX_FILE_SIZE_MB: '1' } });
    writeFileSync(join(folder, '+15551234567 big.txt'), 'x'.repeat(1024 * 1024 + 1));
    const filed = await until('big file refused', () => result(folder, 'failed', '+15551234567 big.txt'));
    expect(filed).toMatchObject({ status: 'FAILED', jobIds: [] });
    expect(String(filed.reason)).toMatch(/size limit/);
    expect(await jobCount()).toBe(0);
  });

  it('files a fax that finally failed under failed/ with the reason', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'fbd-hot-'));
    gw = await hotGateway(folder, { outcome: 'invalid_number' });
    writeFileSync(join(folder, '+15551234567 bad.pdf'), letter);
    const filed = await until('failed file', () => result(folder, 'failed', '+15551234567 bad.pdf'));
    expect(filed.status).toBe('FAILED');
    expect(String(filed.reason)).toMatch(/number/i);
  });

  it('after a restart a file in flight is neither sent again nor forgotten', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'fbd-hot-'));
    const dataDir = mkdtempSync(join(tmpdir(), 'fbd-gw-'));
    gw = await hotGateway(folder, { dataDir, stepDelayMs: 1500 });
    writeFileSync(join(folder, '+15551234567 chart.pdf'), letter);
    await until('the fax queued', async () => ((await jobCount()) === 1 ? true : null));
    await gw.close();
    expect(existsSync(join(folder, '+15551234567 chart.pdf'))).toBe(true);

    gw = await hotGateway(folder, { dataDir, stepDelayMs: 40 });
    const filed = await until('chart filed after restart', () => result(folder, 'sent', '+15551234567 chart.pdf'), 20_000);
    expect(filed.status).toBe('SUCCESS');
    expect(await jobCount()).toBe(1);
  });
});
