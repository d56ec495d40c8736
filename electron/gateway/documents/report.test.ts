import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterEach, describe, expect, it } from 'vitest';
import { faxForm, startTestGateway, type TestGateway } from '../testing/harness';

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.close();
  gw = null;
});

function pdfText(pdf: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'fbd-report-'));
  try {
    writeFileSync(join(dir, 'in.pdf'), pdf);
    if (process.env.REPORT_PNG) execFileSync('pdftoppm', ['-r', '70', '-png', '-singlefile', join(dir, 'in.pdf'), process.env.REPORT_PNG]);
    return execFileSync('pdftotext', ['-layout', join(dir, 'in.pdf'), '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('GET /fax/{id}/report.pdf', () => {
  it('gives a one-page report of a finished fax with the result, contact, pages and a first-page thumbnail', async () => {
    const admin = { 'x-api-key': 'report-test-admin-key-000000000000' };
    gw = await startTestGateway({
      env: { API_KEY: admin['x-api-key'] },
      settings: { simulator: { stepDelayMs: 300 }, sender: { company: 'Riverside Clinic', fax: '+12025550100' } },
    });
    await gw.invoke('contacts:create', { name: 'Ann Example', fax: '+12025550143' });
    const sent = await gw.post('/fax', faxForm('+12025550143', { name: 'results.txt', bytes: 'Lab results\n\nAll normal.' }), admin);
    expect((await gw.get(`/fax/${sent.body.id}/report.pdf`, admin)).status).toBe(409);
    await gw.waitForJob(sent.body.id, ['delivered'], 10_000, admin);

    const reader = await gw.invoke('keys:create', { name: 'reader', scopes: ['fax:read'] });
    const lister = await gw.invoke('keys:create', { name: 'lister', scopes: ['inbound:list'] });
    const token = (r: typeof reader) => ({ 'x-api-key': (r as { ok: true; value: { token: string } }).value.token });
    expect((await gw.get(`/fax/${sent.body.id}/report.pdf`, token(lister))).status).toBe(403);
    const report = await gw.get(`/fax/${sent.body.id}/report.pdf`, token(reader));
    expect(report.status).toBe(200);
    expect(report.headers['content-type']).toBe('application/pdf');
    const pdf = await PDFDocument.load(report.bytes);
    expect(pdf.getPageCount()).toBe(1);
    const text = pdfText(report.bytes);
    expect(text).toContain('DELIVERED');
    expect(text).toMatch(/To:\s+Ann Example\s+\+12025550143/);
    expect(text).toMatch(/Pages sent:\s+1 of 1/);
    expect(text).toMatch(/Attempts:\s+1 of 5/);
    expect(text).toContain('First page');
    expect(text).toContain('test mode');
  }, 30_000);
});

describe('reports saved to a folder', () => {
  it('writes one report per finished fax into the folder from Settings', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'fbd-reports-'));
    try {
      gw = await startTestGateway({ settings: { simulator: { stepDelayMs: 30 }, sender: { reportFolder: join(folder, 'reports') } } });
      const sent = await gw.post('/fax', faxForm('+12025550143', { name: 'a.txt', bytes: 'Hello' }));
      await gw.waitForJob(sent.body.id, ['delivered']);
      const deadline = Date.now() + 10_000;
      let files: string[] = [];
      while (files.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        // The folder itself is made with the first report.
        files = readdirSync(folder, { recursive: true })
          .map(String)
          .filter((name) => name.endsWith('.pdf'))
          .map((name) => name.replace(/^reports[\\/]/, ''));
      }
      expect(files).toEqual([expect.stringMatching(new RegExp(`^fax-report-\\d{4}-\\d{2}-\\d{2}-${sent.body.id}\\.pdf$`))]);
      expect(pdfText(readFileSync(join(folder, 'reports', files[0] as string)))).toContain('DELIVERED');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 30_000);
});
