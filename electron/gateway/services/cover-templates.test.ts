import { PDFDocument } from 'pdf-lib';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoverPreview, CoverTemplateView } from '../../../shared/cover';
import type { BatchView } from '../../../shared/types';
import { coverTemplatePdf } from '../testing/cover-template-pdf';
import { startTestGateway, type TestGateway } from '../testing/harness';

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.close();
  gw = null;
});

async function call<T>(method: string, input: unknown): Promise<T> {
  const result = await gw!.invoke(method, input);
  if (!result.ok) throw new Error(result.error.message);
  return result.value as T;
}

const memo = { name: 'memo.txt', contentBase64: Buffer.from('Results attached.').toString('base64') };

describe('cover templates through the contract (covers:*, jobs:send*)', () => {
  it('imports, lists, previews for the first recipient, sends to a batch, and deletes', async () => {
    gw = await startTestGateway({ settings: { simulator: { stepDelayMs: 40 }, sender: { company: 'Riverside Clinic' } } });
    const contentBase64 = Buffer.from(await coverTemplatePdf()).toString('base64');
    const imported = await call<{ template: CoverTemplateView; warnings: string[] }>('covers:import', {
      name: 'acme',
      label: 'ACME letterhead',
      contentBase64,
    });
    expect(imported.template).toMatchObject({ name: 'acme', label: 'ACME letterhead', builtIn: false });
    const list = await call<CoverTemplateView[]>('covers:list', {});
    expect(list.map((t) => [t.name, t.builtIn])).toEqual([
      ['standard', true],
      ['confidential', true],
      ['checkboxes', true],
      ['plain', true],
      ['acme', false],
    ]);

    const ann = await call<{ id: string }>('contacts:create', { name: 'Ann Example', fax: '+12025550143' });
    const group = await call<{ id: string }>('groups:create', { name: 'Labs', contactIds: [ann.id] });
    const preview = await call<CoverPreview>('covers:preview', {
      groupId: group.id,
      cover: { template: 'acme', subject: 'March' },
      documentPages: 2,
    });
    expect(preview).toMatchObject({ template: 'acme', pages: 3, recipient: 'Ann Example', reason: null });
    const previewPdf = await PDFDocument.load(Buffer.from(preview.pdfBase64 ?? '', 'base64'));
    expect(previewPdf.getPageCount()).toBe(1);
    expect(previewPdf.getForm().getFields()).toHaveLength(0);

    // Half-typed number: the cover still previews, addressed to nobody yet.
    const typing = await call<CoverPreview>('covers:preview', { to: '202 55', cover: { template: 'plain' }, documentPages: 1 });
    expect(typing).toMatchObject({ template: 'plain', pages: 2, recipient: null });
    // No cover chosen and no contact rule: nothing to preview.
    expect(await call<CoverPreview>('covers:preview', { to: '+12025550143', cover: null, documentPages: 1 })).toEqual({
      template: null,
      pdfBase64: null,
      pages: 1,
      recipient: 'Ann Example',
      reason: null,
    });

    const batch = await call<BatchView>('jobs:sendBatch', {
      to: ['+12025550101'],
      groupIds: [group.id],
      documents: [memo],
      cover: { template: 'ACME', note: 'Call me' },
    });
    expect(batch.jobs.map((j) => [j.pages, j.coverTemplate])).toEqual([
      [2, 'acme'],
      [2, 'acme'],
    ]);

    const unknown = await gw.invoke('jobs:send', { to: '+12025550101', documents: [memo], cover: { template: 'gone' } });
    expect(unknown).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: expect.stringMatching(/^Unknown cover page 'gone'/) },
    });

    expect(await call('covers:delete', { name: 'acme' })).toEqual({ deleted: true });
    // Jobs already queued keep the cover they were composed with.
    const kept = await call<unknown>('jobs:get', { id: batch.jobs[0]!.id });
    expect(kept).toMatchObject({ job: { pages: 2, coverTemplate: 'acme' } });
    expect(await gw.invoke('covers:delete', { name: 'acme' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('refuses an import with a sentence naming the unknown fields', async () => {
    gw = await startTestGateway();
    const pdf = await coverTemplatePdf({ fields: [{ name: 'Recipient Name', x: 100, y: 600, width: 200, height: 20 }] });
    const refused = await gw.invoke('covers:import', { name: 'x', contentBase64: Buffer.from(pdf).toString('base64') });
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'bad_request',
        message: expect.stringMatching(/^This PDF has form fields that are not cover fields: 'Recipient Name'\./),
      },
    });
    expect((await call<CoverTemplateView[]>('covers:list', {})).map((t) => t.name)).toEqual([
      'standard',
      'confidential',
      'checkboxes',
      'plain',
    ]);
  });
});
