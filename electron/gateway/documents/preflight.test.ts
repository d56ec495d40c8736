import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PDFDocument, PDFName, degrees } from 'pdf-lib';
import type { PDFObject, PDFRef } from 'pdf-lib';
import { DocumentError } from './errors';
import { MAX_FAX_PAGES } from './page-limits';
import { describePages, mergePdfs, preflightPdf } from './preflight';

const LETTER: [number, number] = [612, 792];
const A4: [number, number] = [595.28, 841.89];
const LEGAL: [number, number] = [612, 1008];

async function makePdf(sizes: [number, number][], edit?: (doc: PDFDocument) => void): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (const size of sizes) doc.addPage(size).drawText('page', { x: 72, y: 700 });
  edit?.(doc);
  return doc.save({ addDefaultPage: false });
}

/** A 2x2 image XObject with the given /ColorSpace, drawn on page `pageIndex`. */
function addImage(
  doc: PDFDocument,
  pageIndex: number,
  colorSpace: string | (PDFObject | number)[],
  extra: { ImageMask?: boolean } = {},
): PDFRef {
  const channels = colorSpace === 'DeviceGray' ? 1 : 3;
  const image = doc.context.stream(new Uint8Array(4 * channels), {
    Type: 'XObject',
    Subtype: 'Image',
    Width: 2,
    Height: 2,
    BitsPerComponent: 8,
    ColorSpace: colorSpace,
    ...extra,
  });
  const ref = doc.context.register(image);
  doc.getPage(pageIndex).node.newXObject('Im', ref);
  return ref;
}

const hasQpdf = spawnSync('qpdf', ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'preflight-'));
afterAll(() => {
  spawnSync('rm', ['-rf', dir]);
});

describe('preflightPdf: accepted documents', () => {
  it('accepts a 3-page Letter PDF with no warnings', async () => {
    const r = await preflightPdf(await makePdf([LETTER, LETTER, LETTER]));
    expect(r).toEqual({ ok: true, pages: 3, warnings: [], pageSizes: Array(3).fill({ widthPt: 612, heightPt: 792 }) });
  });

  it('accepts A4 without a size warning', async () => {
    expect(await preflightPdf(await makePdf([A4]))).toMatchObject({ ok: true, pages: 1, warnings: [] });
  });

  it('warns that a Legal page will be scaled, naming the page and its size', async () => {
    const r = await preflightPdf(await makePdf([LETTER, LEGAL, LETTER]));
    if (!r.ok) throw new Error(r.message);
    expect(r.warnings).toEqual([
      {
        code: 'page_size',
        pages: [2],
        message: 'Page 2 is not Letter or A4 size (8.5 x 14 in). They will be scaled to fit the fax page, so small print gets smaller.',
      },
    ]);
  });

  it('warns about landscape pages, whether drawn wide or turned with /Rotate', async () => {
    const pdf = await makePdf([LETTER, [792, 612], LETTER], (doc) => doc.getPage(2).setRotation(degrees(90)));
    const r = await preflightPdf(pdf);
    if (!r.ok) throw new Error(r.message);
    expect(r.pageSizes[2]).toEqual({ widthPt: 792, heightPt: 612 });
    expect(r.warnings.map((w) => [w.code, w.pages])).toEqual([['landscape', [2, 3]]]);
    expect(r.warnings[0]?.message).toBe('Pages 2 and 3 are landscape and will be turned to portrait for sending.');
  });

  it('warns about colour images, including ones inside form XObjects', async () => {
    const pdf = await makePdf([LETTER, LETTER, LETTER, LETTER], (doc) => {
      addImage(doc, 0, 'DeviceGray');
      addImage(doc, 1, 'DeviceRGB');
      const cmyk = doc.context.register(
        doc.context.stream(new Uint8Array(16), {
          Type: 'XObject',
          Subtype: 'Image',
          Width: 2,
          Height: 2,
          BitsPerComponent: 8,
          ColorSpace: 'DeviceCMYK',
        }),
      );
      const form = doc.context.register(
        doc.context.stream('', { Type: 'XObject', Subtype: 'Form', BBox: [0, 0, 10, 10], Resources: { XObject: { Im0: cmyk } } }),
      );
      doc.getPage(2).node.newXObject('Fm', form);
      addImage(doc, 3, 'DeviceRGB', { ImageMask: true });
    });
    const r = await preflightPdf(pdf);
    if (!r.ok) throw new Error(r.message);
    expect(r.warnings).toEqual([
      {
        code: 'color_images',
        pages: [2, 3],
        message: 'Pages 2 and 3 have colour images. Fax is black and white: photos and coloured areas may come out dark or hard to read.',
      },
    ]);
  });

  it('treats ICCBased and Indexed colour spaces by their components', async () => {
    const pdf = await makePdf([LETTER, LETTER, LETTER], (doc) => {
      const gray = doc.context.register(doc.context.stream(new Uint8Array(1), { N: 1 }));
      const rgb = doc.context.register(doc.context.stream(new Uint8Array(1), { N: 3 }));
      addImage(doc, 0, [PDFName.of('ICCBased'), gray]);
      addImage(doc, 1, [PDFName.of('ICCBased'), rgb]);
      addImage(doc, 2, [PDFName.of('Indexed'), PDFName.of('DeviceRGB'), 1, doc.context.obj([0, 0, 0, 255, 0, 0])]);
    });
    const r = await preflightPdf(pdf);
    if (!r.ok) throw new Error(r.message);
    expect(r.warnings.find((w) => w.code === 'color_images')?.pages).toEqual([2, 3]);
  });

  it('warns about a large file', async () => {
    const pdf = await makePdf([LETTER]);
    const r = await preflightPdf(pdf, { largeFileBytes: 100 });
    if (!r.ok) throw new Error(r.message);
    expect(r.warnings.map((w) => w.code)).toEqual(['large_file']);
    expect(r.warnings[0]?.message).toMatch(/^This PDF is 0\.0 MB\. Large files upload slowly/);
  });

  it(`accepts exactly ${MAX_FAX_PAGES} pages`, async () => {
    const r = await preflightPdf(await makePdf(Array<[number, number]>(MAX_FAX_PAGES).fill(LETTER)));
    expect(r).toMatchObject({ ok: true, pages: MAX_FAX_PAGES });
  });
});

describe('preflightPdf: rejected documents', () => {
  it(`rejects more than ${MAX_FAX_PAGES} pages`, async () => {
    const r = await preflightPdf(await makePdf(Array<[number, number]>(MAX_FAX_PAGES + 1).fill(LETTER)));
    expect(r).toEqual({
      ok: false,
      reason: 'too_many_pages',
      message: 'This PDF has 351 pages. A fax can have at most 350; split it into smaller documents.',
    });
  });

  it('rejects a PDF with no pages', async () => {
    expect(await preflightPdf(await makePdf([]))).toEqual({ ok: false, reason: 'no_pages', message: 'This PDF has no pages.' });
  });

  it('rejects a PDF whose trailer has /Encrypt', async () => {
    const pdf = await makePdf([LETTER], (doc) => {
      doc.context.trailerInfo.Encrypt = doc.context.register(doc.context.obj({ Filter: 'Standard', V: 1, R: 2, P: -4 }));
    });
    expect(await preflightPdf(pdf)).toEqual({
      ok: false,
      reason: 'encrypted',
      message: 'This PDF is password-protected. Remove the password (or its security settings) and try again.',
    });
  });

  it('rejects garbage, an empty file and a PDF cut off mid-download as corrupt', async () => {
    const good = await makePdf([LETTER, LETTER, LETTER]);
    const cases = [
      new TextEncoder().encode('%PDF-1.7\nthis is not really a pdf'),
      new Uint8Array(),
      good.subarray(0, Math.floor(good.length * 0.5)),
      good.subarray(0, good.length - 40),
    ];
    for (const bytes of cases) {
      expect(await preflightPdf(bytes)).toMatchObject({
        ok: false,
        reason: 'corrupt',
        message: expect.stringMatching(/damaged or incomplete/),
      });
    }
  });
});

describe.skipIf(!hasQpdf)('preflightPdf on PDFs encrypted by qpdf', () => {
  it('rejects AES-256 with a user password and with only an owner password', async () => {
    const plain = join(dir, 'plain.pdf');
    writeFileSync(plain, await makePdf([LETTER, LETTER]));
    for (const [user, name] of [
      ['secret', 'user.pdf'],
      ['', 'owner-only.pdf'],
    ] as const) {
      const out = join(dir, name);
      execFileSync('qpdf', ['--encrypt', user, 'owner', '256', '--', plain, out]);
      expect(await preflightPdf(readFileSync(out))).toMatchObject({ ok: false, reason: 'encrypted' });
    }
  });
});

describe('mergePdfs', () => {
  it('joins documents in order, keeping sizes and rotation', async () => {
    const a = await makePdf([LETTER, LETTER]);
    const b = await makePdf([A4], (doc) => doc.getPage(0).setRotation(degrees(90)));
    const merged = await mergePdfs([a, b]);
    expect(merged.pages).toBe(3);
    const r = await preflightPdf(merged.pdf);
    if (!r.ok) throw new Error(r.message);
    expect(r.pageSizes).toEqual([
      { widthPt: 612, heightPt: 792 },
      { widthPt: 612, heightPt: 792 },
      { widthPt: 841.89, heightPt: 595.28 },
    ]);
  });

  it('says which document is unreadable', async () => {
    const good = await makePdf([LETTER]);
    const locked = await makePdf([LETTER], (doc) => {
      doc.context.trailerInfo.Encrypt = doc.context.register(doc.context.obj({ Filter: 'Standard', V: 1, R: 2 }));
    });
    const err = await mergePdfs([good, locked]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DocumentError);
    expect(err).toMatchObject({ code: 'encrypted', message: expect.stringMatching(/^Document 2 of 2: This PDF is password-protected/) });
  });

  it('refuses an empty list', async () => {
    await expect(mergePdfs([])).rejects.toMatchObject({ code: 'no_documents' });
  });
});

describe('describePages', () => {
  it('reads naturally', () => {
    expect(describePages([3], 10)).toBe('Page 3');
    expect(describePages([2, 5, 7], 10)).toBe('Pages 2, 5 and 7');
    expect(describePages([1, 2, 3], 3)).toBe('All 3 pages');
    expect(describePages([1, 2, 3, 4, 5, 6, 7, 8], 20)).toBe('8 pages (1, 2, 3, 4, 5, …)');
  });
});
