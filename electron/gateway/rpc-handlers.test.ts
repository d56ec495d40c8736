import { PDFDocument } from 'pdf-lib';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobPage, JobView, PreflightView } from '../../shared/types';
import { startTestGateway, type TestGateway } from './testing/harness';
import { fixtureAsImage, greyPng } from './testing/images';

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.close();
  gw = null;
});

async function pdf(pages: number, size: [number, number] = [612, 792]): Promise<string> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i += 1) doc.addPage(size).drawText(`Page ${i + 1}`);
  return Buffer.from(await doc.save()).toString('base64');
}
const text = (s: string) => Buffer.from(s).toString('base64');

describe('the desktop send path (jobs:send, jobs:preflight)', () => {
  it('sends several documents as one fax, in order, with the page count known at once', async () => {
    gw = await startTestGateway();
    const result = await gw.invoke('jobs:send', {
      to: '(555) 123-0001',
      documents: [
        { name: 'cover.txt', contentBase64: text('Cover page\nFor: Billing') },
        { name: 'invoice.pdf', contentBase64: await pdf(2) },
      ],
    });
    expect(result.ok).toBe(true);
    const job = (result as { value: JobView }).value;
    expect(job).toMatchObject({ status: 'queued', pages: 3, toE164: '+15551230001', fileName: 'cover.txt (+1 more)', testMode: true });
    const done = await gw.waitForJob(job.id, ['delivered']);
    expect(done.pages).toBe(3);
  });

  it('preflight reports pages and warnings before sending, and a readable error for a bad file', async () => {
    gw = await startTestGateway();
    const a4 = await gw.invoke('jobs:preflight', {
      documents: [
        { name: 'a4.pdf', contentBase64: await pdf(1, [595, 842]) },
        { name: 'wide.pdf', contentBase64: await pdf(1, [792, 612]) },
      ],
    });
    const view = (a4 as { value: PreflightView }).value;
    expect(view).toMatchObject({ ok: true, pages: 2, error: null });
    expect(view.warnings.map((w) => w.code)).toContain('landscape');
    const bad = await gw.invoke('jobs:preflight', {
      documents: [{ name: 'photo.png', contentBase64: Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]).toString('base64') }],
    });
    expect(bad).toMatchObject({ ok: true, value: { ok: false } });
    expect((bad as { value: PreflightView }).value.error).toMatch(/photo\.png: only PDF, TXT, JPEG, PNG and TIFF/);
    const badSend = await gw.invoke('jobs:send', { to: '+15551230001', documents: [{ name: 'empty.txt', contentBase64: text('   ') }] });
    expect(badSend).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('a photo and a multi-page TIFF scan are sent as one fax; the preview gets the pages an image becomes', async () => {
    gw = await startTestGateway();
    const photo = { name: 'photo.png', contentBase64: greyPng(640, 480, 120).toString('base64') };
    const scan = { name: 'scan.tif', contentBase64: fixtureAsImage('tiffgray', '1-3').toString('base64') };
    const check = (await gw.invoke('jobs:preflight', { documents: [photo] })) as { value: PreflightView };
    expect(check.value).toMatchObject({ ok: true, pages: 1, error: null });
    const preview = await PDFDocument.load(Buffer.from(check.value.previewPdfBase64 ?? '', 'base64'));
    expect(preview.getPageCount()).toBe(1);
    const sent = await gw.invoke('jobs:send', { to: '+15551230001', documents: [photo, scan] });
    expect(sent).toMatchObject({ ok: true, value: { pages: 4 } });
  });

  it('pages through the timeline newest first with a cursor, filters by status and searches by the last digits', async () => {
    gw = await startTestGateway({ startWorkers: false });
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const sent = await gw.invoke('jobs:send', {
        to: `+1555123000${i}`,
        documents: [{ name: `n${i}.txt`, contentBase64: text(`fax ${i}`) }],
      });
      ids.push((sent as { value: JobView }).value.id);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    const first = (await gw.invoke('jobs:list', { limit: 2 })) as { value: JobPage };
    expect(first.value.total).toBe(5);
    expect(first.value.items.map((j) => j.id)).toEqual([ids[4], ids[3]]);
    const second = (await gw.invoke('jobs:list', { limit: 2, cursor: first.value.nextCursor })) as { value: JobPage };
    expect(second.value.items.map((j) => j.id)).toEqual([ids[2], ids[1]]);
    const byDigits = (await gw.invoke('jobs:list', { limit: 10, search: '0003' })) as { value: JobPage };
    expect(byDigits.value.items.map((j) => j.id)).toEqual([ids[3]]);
    await gw.invoke('jobs:cancel', { id: ids[0] });
    const canceled = (await gw.invoke('jobs:list', { limit: 10, status: ['canceled'] })) as { value: JobPage };
    expect(canceled.value.items.map((j) => j.id)).toEqual([ids[0]]);
  });

  it('numbers:check explains what is wrong, for live validation in the window', async () => {
    gw = await startTestGateway();
    expect(await gw.invoke('numbers:check', { to: '(202) 555-0143' })).toMatchObject({
      ok: true,
      value: { ok: true, e164: '+12025550143', country: 'US' },
    });
    expect(await gw.invoke('numbers:check', { to: '12' })).toMatchObject({ ok: true, value: { ok: false } });
  });
});
