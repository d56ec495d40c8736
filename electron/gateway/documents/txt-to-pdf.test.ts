import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, decodePDFRawStream } from 'pdf-lib';
import { DocumentError } from './errors';
import { preflightPdf } from './preflight';
import { textGrid, textToPdf } from './txt-to-pdf';

// pdftotext (Debian poppler-utils) reads the PDF the way a viewer would, so tests can check
// that every character the user typed is really on the page.
const hasPdftotext = spawnSync('pdftotext', ['-v']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'txt-to-pdf-'));
let fileNo = 0;

/** Text of the PDF; `layout` keeps horizontal spacing (pdftotext -layout). */
function extractText(pdf: Uint8Array, layout = false): string {
  const file = join(dir, `${++fileNo}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', [...(layout ? ['-layout'] : []), '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

/** BaseFont names of the fonts the PDF's pages use, without pdf-lib's "-1234" suffix. */
async function fontNames(pdf: Uint8Array): Promise<string[]> {
  const doc = await PDFDocument.load(pdf);
  const names = new Set<string>();
  for (const page of doc.getPages()) {
    const fonts = page.node.Resources()?.lookupMaybe(PDFName.of('Font'), PDFDict);
    for (const [, ref] of fonts?.entries() ?? []) {
      const font = doc.context.lookup(ref, PDFDict);
      const base = font.lookup(PDFName.of('BaseFont'));
      if (base instanceof PDFName) names.add(base.decodeText().replace(/-\d+$/, ''));
    }
  }
  return [...names].sort();
}

/** Decoded content stream of page 1: the drawing operators, positions included. */
async function pageContent(pdf: Uint8Array): Promise<string> {
  const doc = await PDFDocument.load(pdf);
  const contents = doc.getPage(0).node.Contents();
  const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => doc.context.lookup(ref)) : [contents];
  return streams
    .map((s) => {
      if (!(s instanceof PDFRawStream)) throw new Error('unexpected content stream type');
      return Buffer.from(decodePDFRawStream(s).decode()).toString('latin1');
    })
    .join('\n');
}

async function pageCount(pdf: Uint8Array): Promise<number> {
  return (await PDFDocument.load(pdf)).getPageCount();
}

afterAll(() => {
  spawnSync('rm', ['-rf', dir]);
});

describe('textGrid', () => {
  it('gives about 80 columns at 10 pt with 0.75 in margins and a header band', () => {
    expect(textGrid('letter')).toEqual({ cols: 84, rows: 55 });
    expect(textGrid('a4')).toEqual({ cols: 81, rows: 59 });
  });
});

describe('textToPdf', () => {
  it('renders Latin text with the standard Courier font (nothing embedded) on US Letter', async () => {
    const r = await textToPdf('Dear Dr. Smith,\n\nPlease find the referral attached — “urgent”, 25 €.\n');
    expect(r).toMatchObject({ pages: 1, font: 'standard', missingGlyphs: 0 });
    const doc = await PDFDocument.load(r.pdf);
    expect(doc.getPage(0).getSize()).toEqual({ width: 612, height: 792 });
    expect(await fontNames(r.pdf)).toEqual(['Courier']);
  });

  it('uses A4 when asked', async () => {
    const r = await textToPdf('hello', { pageSize: 'a4' });
    const { width, height } = (await PDFDocument.load(r.pdf)).getPage(0).getSize();
    expect([width, height]).toEqual([595.28, 841.89]);
  });

  it('paginates: 120 lines make 3 Letter pages (55 lines each)', async () => {
    const text = Array.from({ length: 120 }, (_, i) => `line ${i + 1}`).join('\n');
    const r = await textToPdf(text);
    expect(r.pages).toBe(3);
    expect(await pageCount(r.pdf)).toBe(3);
  });

  it('starts a new page at each form feed, and a trailing one adds no blank page', async () => {
    const r = await textToPdf('page one\fpage two\r\n\fpage three\f\r\n');
    expect(r.pages).toBe(3);
    expect(await pageCount(r.pdf)).toBe(3);
  });

  it('draws a tab exactly like the spaces up to the next 8-column stop', async () => {
    const [tabbed, spaced] = await Promise.all([textToPdf('a\tbc\td'), textToPdf('a       bc      d')]);
    expect(await pageContent(tabbed.pdf)).toBe(await pageContent(spaced.pdf));
  });

  it('gives one page for text followed by lots of empty lines', async () => {
    const r = await textToPdf('hello' + '\n'.repeat(500));
    expect(r.pages).toBe(1);
  });

  it('rejects empty and whitespace-only text with a typed error', async () => {
    for (const text of ['', '   ', '\n\r\n\t\f  \u200B']) {
      const err = await textToPdf(text).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DocumentError);
      expect(err).toMatchObject({ code: 'empty_text' });
    }
  });

  it('embeds DejaVu Sans Mono for Greek and Cyrillic', async () => {
    const r = await textToPdf('Καλημέρα κόσμε\nПривет, мир\n');
    expect(r).toMatchObject({ pages: 1, font: 'embedded', missingGlyphs: 0 });
    expect(await fontNames(r.pdf)).toEqual(['DejaVuSansMono']);
  });

  it('falls back to UnifontEX for CJK, and counts characters no font has', async () => {
    const r = await textToPdf('中文 日本語 한국어 and Ωmega\nprivate use: \u{F0000}\n');
    expect(r.font).toBe('embedded');
    expect(r.missingGlyphs).toBe(1);
    expect(await fontNames(r.pdf)).toEqual(['DejaVuSansMono', 'UnifontExMono']);
  });

  it('produces PDFs that pass preflight with no warnings', async () => {
    for (const text of ['plain', 'Ωmega 中文']) {
      const r = await textToPdf(text);
      expect(await preflightPdf(r.pdf)).toMatchObject({ ok: true, pages: 1, warnings: [] });
    }
  });

  it('never throws on arbitrary Unicode with something printable (property)', async () => {
    const printable = /[^\p{White_Space}\p{Cc}\p{Cf}]/u;
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 300 }).filter((s) => printable.test(s)),
        fc.constantFrom('letter' as const, 'a4' as const),
        async (text, pageSize) => {
          const r = await textToPdf(text, { pageSize });
          expect(r.pages).toBeGreaterThanOrEqual(1);
          expect(await pageCount(r.pdf)).toBe(r.pages);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe.skipIf(!hasPdftotext)('textToPdf output as a reader sees it (pdftotext)', () => {
  it('wraps a 5,000-character line onto several lines and keeps every character', async () => {
    const line = Array.from({ length: 5000 }, (_, i) => String.fromCharCode(0x41 + (i % 26))).join('');
    const r = await textToPdf(line);
    expect(r.pages).toBe(2); // 60 lines of 84 columns, 55 lines per page
    // pdftotext marks the page break with \f at the start of the next page's first line.
    const lines = extractText(r.pdf)
      .replace(/\f/g, '')
      .split('\n')
      .filter((l) => l !== '');
    expect(lines).toHaveLength(60);
    expect(lines.join('')).toBe(line);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(84);
  });

  it('word-wraps a long paragraph without losing words', async () => {
    const words = Array.from({ length: 700 }, (_, i) => `word${i}`);
    const r = await textToPdf(words.join(' '));
    expect(extractText(r.pdf).split(/\s+/).filter(Boolean)).toEqual(words);
  });

  it('keeps Greek, Cyrillic and CJK text readable', async () => {
    const text = 'Καλημέρα κόσμε\nСъешь же ещё этих мягких французских булок\n中文字符 日本語のテキスト 한국어';
    const r = await textToPdf(text);
    const out = extractText(r.pdf);
    expect(out).toContain('Καλημέρα κόσμε');
    expect(out).toContain('Съешь же ещё этих мягких французских булок');
    expect(out.replace(/\s+/g, '')).toContain('中文字符日本語のテキスト한국어');
  });
});
