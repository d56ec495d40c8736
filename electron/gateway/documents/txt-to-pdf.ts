import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { PDFFont, PDFPage } from 'pdf-lib';
import { DocumentError } from './errors';
import { cachingFontkit, glyphColumns, loadFallbackFont, loadMainFont } from './fonts';
import type { LoadedFont } from './fonts';
import { CELL, HEADER_BAND, LINE_HEIGHT, MARGIN, PAGE_SIZES, textGrid, type PageSize } from './page-limits';
import { isBlankText, layoutPages, normaliseText } from './text-layout';

export { textGrid };

export type { PageSize } from './page-limits';

export interface TextToPdfResult {
  pdf: Uint8Array;
  pages: number;
  /** 'standard': Courier, no font embedded (fast path); 'embedded': DejaVu Sans Mono (+ UnifontEX). */
  font: 'standard' | 'embedded';
  /** Characters no bundled font can draw; each is printed as U+FFFD so the reader sees a gap. */
  missingGlyphs: number;
}

const FONT_SIZE = 10;
const REPLACEMENT = 0xfffd;

/**
 * Render plain text as a fax-ready PDF: monospace 10 pt on an 80-odd column grid, long lines
 * wrapped, tabs every 8 columns, form feed = new page. Throws DocumentError('empty_text') when
 * there is nothing to print.
 */
export async function textToPdf(text: string, opts: { pageSize?: PageSize } = {}): Promise<TextToPdfResult> {
  const pageSize = opts.pageSize ?? 'letter';
  const clean = normaliseText(text);
  if (isBlankText(clean)) {
    throw new DocumentError('empty_text', 'This text file is empty. There is nothing to fax.');
  }
  const doc = await PDFDocument.create();
  const grid = textGrid(pageSize);
  const standard = await canUseStandardFont(clean);
  const renderer = standard ? standardRenderer(doc) : await embeddedRenderer(doc, clean);
  const pages = layoutPages(clean, { ...grid, columnsOf: renderer.columnsOf });

  const [width, height] = PAGE_SIZES[pageSize];
  for (const lines of pages) {
    const page = doc.addPage([width, height]);
    lines.forEach((line, row) => {
      const baseline = height - MARGIN - HEADER_BAND - FONT_SIZE - row * LINE_HEIGHT;
      if (line.trim() !== '') renderer.drawLine(page, line, baseline);
    });
  }
  return {
    pdf: await doc.save(),
    pages: pages.length,
    font: standard ? 'standard' : 'embedded',
    missingGlyphs: renderer.missingGlyphs(),
  };
}

interface LineRenderer {
  columnsOf: (codePoint: number) => number;
  drawLine: (page: PDFPage, line: string, baseline: number) => void;
  missingGlyphs: () => number;
}

let winAnsi: Promise<ReadonlySet<number>> | undefined;

/** Courier needs no embedding, so it is used whenever every character is WinAnsi-encodable. */
async function canUseStandardFont(clean: string): Promise<boolean> {
  // pdf-lib's own list of what Courier can encode, taken once from a throwaway document.
  winAnsi ??= PDFDocument.create().then((d) => new Set(d.embedStandardFont(StandardFonts.Courier).getCharacterSet()));
  const encodable = await winAnsi;
  for (const ch of clean) {
    if (ch === '\n' || ch === '\t' || ch === '\f') continue;
    if (!encodable.has(ch.codePointAt(0) ?? 0)) return false;
  }
  return true;
}

function standardRenderer(doc: PDFDocument): LineRenderer {
  const courier = doc.embedStandardFont(StandardFonts.Courier);
  return {
    columnsOf: () => 1,
    drawLine: (page, line, baseline) => page.drawText(line, { x: MARGIN, y: baseline, size: FONT_SIZE, font: courier }),
    missingGlyphs: () => 0,
  };
}

type Slot = 'main' | 'fallback' | 'missing';

async function embeddedRenderer(doc: PDFDocument, clean: string): Promise<LineRenderer> {
  doc.registerFontkit(cachingFontkit);
  const main = await loadMainFont();
  const slots = new Map<number, Slot>();
  for (const ch of clean) {
    const cp = ch.codePointAt(0) ?? 0;
    if (!slots.has(cp)) slots.set(cp, main.font.hasGlyphForCodePoint(cp) ? 'main' : 'missing');
  }
  const needsFallback = [...slots.values()].includes('missing');
  const fallback = needsFallback ? await loadFallbackFont() : undefined;
  if (fallback) {
    for (const [cp, slot] of slots) {
      if (slot === 'missing' && fallback.font.hasGlyphForCodePoint(cp)) slots.set(cp, 'fallback');
    }
  }

  // Sizes chosen so one column of each font is exactly CELL wide, keeping the grid aligned.
  const sizeFor = (f: LoadedFont): number => (CELL * f.font.unitsPerEm) / f.cellUnits;
  const mainPdfFont = await doc.embedFont(main.bytes, { subset: true });
  const fallbackPdfFont = fallback ? await doc.embedFont(fallback.bytes, { subset: true }) : undefined;

  const columns = new Map<number, number>();
  const columnsOf = (cp: number): number => {
    let cols = columns.get(cp);
    if (cols === undefined) {
      const slot = slots.get(cp) ?? 'missing';
      cols = slot === 'fallback' && fallback ? glyphColumns(fallback, cp) : glyphColumns(main, slot === 'main' ? cp : REPLACEMENT);
      columns.set(cp, cols);
    }
    return cols;
  };

  let missing = 0;
  const drawLine = (page: PDFPage, line: string, baseline: number): void => {
    // Split the line into runs of one font; each run starts at its grid column.
    let run = '';
    let runFont: PDFFont = mainPdfFont;
    let runSize = sizeFor(main);
    let runCol = 0;
    let col = 0;
    const flush = (): void => {
      if (run.trim() !== '') page.drawText(run, { x: MARGIN + runCol * CELL, y: baseline, size: runSize, font: runFont });
      run = '';
      runCol = col;
    };
    for (const ch of line) {
      const cp = ch.codePointAt(0) ?? 0;
      const slot = slots.get(cp) ?? 'missing';
      const useFallback = slot === 'fallback' && fallbackPdfFont !== undefined && fallback !== undefined;
      const font = useFallback ? fallbackPdfFont : mainPdfFont;
      if (font !== runFont) {
        flush();
        runFont = font;
        runSize = useFallback ? sizeFor(fallback) : sizeFor(main);
      }
      if (slot === 'missing') missing++;
      run += slot === 'missing' ? String.fromCodePoint(REPLACEMENT) : ch;
      col += columnsOf(cp);
    }
    flush();
  };

  return { columnsOf, drawLine, missingGlyphs: () => missing };
}
