import { PDFDocument } from 'pdf-lib';
import { afterEach, describe, expect, it } from 'vitest';
import { pdfToText } from '../testing/poppler';
import { faxForm, startTestGateway, type TestGateway } from '../testing/harness';
import { headerLine, renderCoverPage } from './cover-page';

const party = { name: 'Dr. Ann Example', company: 'Riverside Clinic', fax: '+12025550143', voice: '+12025550100' };

describe('cover page', () => {
  it('is one page whatever the note length, says the total pages including itself, and has the notice', async () => {
    const pdf = await renderCoverPage({
      template: 'confidential',
      pageSize: 'letter',
      from: { ...party, email: 'ann@example.org' },
      to: { name: 'Bob Reader', company: 'Lab', fax: '+12025550199', voice: '' },
      subject: 'Lab results – March',
      note: 'Please see attached. '.repeat(400),
      documentPages: 3,
      date: new Date(2026, 2, 2, 14, 30),
    });
    expect((await PDFDocument.load(pdf)).getPageCount()).toBe(1);
    const text = pdfToText(pdf);
    expect(text).toContain('4 pages including this cover');
    expect(text).toContain('CONFIDENTIAL');
    expect(text).toContain('Lab results - March');
    expect(text).toContain('call +12025550100');
    expect(text).toContain('Bob Reader');
  });

  it('draws the four checkboxes with the ticked ones', async () => {
    const pdf = await renderCoverPage({
      template: 'checkboxes',
      pageSize: 'a4',
      from: party,
      to: party,
      checks: ['urgent'],
      documentPages: 1,
      date: new Date(),
    });
    expect(pdfToText(pdf)).toMatch(/Urgent\s+For review\s+Please comment\s+Please reply/);
  });

  it('keeps the header line within 50 characters, shortening the sender', () => {
    const line = headerLine({
      date: new Date(2026, 2, 2, 9, 5),
      sender: 'Riverside Community Health Clinic of the Valley',
      fax: '+12025550100',
      page: 12,
      pages: 120,
    });
    expect(line.length).toBeLessThanOrEqual(50);
    expect(line).toMatch(/^2026-03-02 09:05 FROM: Rive~ \+12025550100 P\.12\/120$/);
  });
});

describe('cover and header line on sends', () => {
  let gw: TestGateway | null = null;
  afterEach(async () => {
    await gw?.close();
    gw = null;
  });

  it('POST /fax with cover, subject and note sends cover + document, counts the cover, and stamps every page', async () => {
    gw = await startTestGateway({
      startWorkers: false,
      settings: { sender: { company: 'Riverside Clinic', fax: '+12025550100', name: 'Ann' } },
    });
    const form = faxForm('+12025550199', { name: 'memo.txt', bytes: 'Results attached.' });
    form.append('cover', 'confidential');
    form.append('subject', 'Results');
    const res = await gw.post('/fax', form);
    expect(res.status).toBe(202);
    expect(res.body.pages).toBe(2);
    const row = await gw.core.jobs.row(res.body.id);
    expect(row.cover_template).toBe('confidential');
    const text = pdfToText((await gw.core.jobs.readPdf(row))!);
    expect(text).toContain('2 pages including this cover');
    expect(text.match(/FROM: Riversi~ \+12025550100 P\.\d\/2/g)).toHaveLength(2);

    const unknown = faxForm('+12025550199', { name: 'memo.txt', bytes: 'x' });
    unknown.append('cover', 'fancy');
    expect((await gw.post('/fax', unknown)).body.detail).toMatch(/Unknown cover page 'fancy': use one of standard, confidential/);
  });

  it("follows the contact's cover policy: never skips it, always adds the standard one", async () => {
    gw = await startTestGateway({ startWorkers: false });
    await gw.invoke('contacts:create', { name: 'No Covers', fax: '+12025550111', coverPolicy: 'never' });
    await gw.invoke('contacts:create', { name: 'Covers', fax: '+12025550112', coverPolicy: 'always' });
    const form = faxForm(null, { name: 'memo.txt', bytes: 'Hello' });
    form.append('to', '+12025550111');
    form.append('to', '+12025550112');
    const batch = await gw.post('/fax/batch', form);
    const byNumber = Object.fromEntries(batch.body.jobs.map((j: { to_e164: string; pages: number }) => [j.to_e164, j.pages]));
    expect(byNumber).toEqual({ '+12025550111': 1, '+12025550112': 2 });
  });
});
