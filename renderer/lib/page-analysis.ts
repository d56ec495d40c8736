/**
 * Pure checks behind the Send screen's pre-flight warnings and 1-bit preview. They work on
 * plain numbers and pixel arrays so they can be tested without pdf.js or a canvas.
 */
import { FAX_X_DPI, faxGeometry, type FaxPaper } from '../../shared/fax-page';
import type { FaxResolution } from '../../shared/settings';

export interface Warning {
  code: string;
  message: string;
  pages?: number[];
}

/** Darker than this prints solid black and lighter than PAPER_LEVEL solid white, so text stays crisp. */
export const INK_LEVEL = 64;
const PAPER_LEVEL = 224;
/** 4×4 ordered-dither thresholds (Bayer), scaled to the grey band between INK_LEVEL and PAPER_LEVEL. */
const BAYER_4 = [0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5];
/** A channel spread above this is a coloured (not grey) pixel. */
const COLOUR_SPREAD = 60;

export interface PixelStats {
  /** Share of pixels that are clearly coloured (photos, logos, highlights). */
  colourFraction: number;
  /** Share of pixels that print black. */
  inkFraction: number;
}

/**
 * Turns RGBA pixels (rows of `width`) into black and white in place, the way a fax prints them:
 * text and lines stay solid, grey areas and photos become a dot pattern (as Ghostscript's fax
 * output does) instead of a solid black block. Reports what was there before.
 */
export function ditherToFax(rgba: Uint8ClampedArray, width: number): PixelStats {
  let colour = 0;
  let ink = 0;
  const count = rgba.length / 4;
  for (let i = 0; i < rgba.length; i += 4) {
    const r = rgba[i] ?? 255;
    const g = rgba[i + 1] ?? 255;
    const b = rgba[i + 2] ?? 255;
    const alpha = (rgba[i + 3] ?? 255) / 255;
    // Transparent areas are paper.
    const lum = 255 - alpha * (255 - (0.299 * r + 0.587 * g + 0.114 * b));
    if (alpha > 0.5 && Math.max(r, g, b) - Math.min(r, g, b) > COLOUR_SPREAD) colour++;
    const pixel = i / 4;
    const cell = (Math.floor(pixel / width) % 4) * 4 + ((pixel % width) % 4);
    const level = INK_LEVEL + (((BAYER_4[cell] as number) + 0.5) / 16) * (PAPER_LEVEL - INK_LEVEL);
    const black = lum < INK_LEVEL || (lum < PAPER_LEVEL && lum < level);
    if (black) ink++;
    const value = black ? 0 : 255;
    rgba[i] = value;
    rgba[i + 1] = value;
    rgba[i + 2] = value;
    rgba[i + 3] = 255;
  }
  return { colourFraction: count ? colour / count : 0, inkFraction: count ? ink / count : 0 };
}

/** Where a PDF page lands on the fax raster: scaled to fit the fixed page and centred, as Ghostscript's -dPDFFitPage does. */
export interface FaxRasterLayout {
  /** Dots per line: always 1728. */
  width: number;
  /** Scan lines on the page: about 2156 fine or 1078 standard for Letter. */
  rows: number;
  /** Raster pixels per PDF point, across and down (down is half as many at standard). */
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
  /** How many times the receiving machine prints each line to fill the page: 2 at standard (98 lpi), 1 at fine. */
  lineRepeat: number;
}

export function faxRasterLayout(widthPt: number, heightPt: number, resolution: FaxResolution, paper: FaxPaper): FaxRasterLayout {
  const { width, height: rows, yDpi } = faxGeometry(resolution, paper);
  // The raster covers width/204 by rows/yDpi inches; the page keeps its proportions inside it.
  const fit = Math.min(((width / FAX_X_DPI) * 72) / widthPt, ((rows / yDpi) * 72) / heightPt);
  const scaleX = (fit * FAX_X_DPI) / 72;
  const scaleY = (fit * yDpi) / 72;
  return {
    width,
    rows,
    scaleX,
    scaleY,
    offsetX: (width - widthPt * scaleX) / 2,
    offsetY: (rows - heightPt * scaleY) / 2,
    lineRepeat: faxGeometry('fine', paper).yDpi / yDpi,
  };
}

const PAPER = [
  { name: 'Letter', w: 612, h: 792 },
  { name: 'A4', w: 595.28, h: 841.89 },
  { name: 'Legal', w: 612, h: 1008 },
] as const;

export type PageFit = { kind: 'ok'; paper: string } | { kind: 'landscape'; paper: string } | { kind: 'odd' };

/** Whether a page (in PDF points) is a size a fax machine prints without scaling. */
export function classifyPageSize(widthPt: number, heightPt: number): PageFit {
  const near = (a: number, b: number) => Math.abs(a - b) / b < 0.03;
  for (const paper of PAPER) {
    if (near(widthPt, paper.w) && near(heightPt, paper.h)) return { kind: 'ok', paper: paper.name };
    if (near(widthPt, paper.h) && near(heightPt, paper.w)) return { kind: 'landscape', paper: paper.name };
  }
  return { kind: 'odd' };
}

/** Text below this size (points) blurs into blobs at fax resolution. */
export const TINY_TEXT_PT = 7;

/** Share of a page's characters set below TINY_TEXT_PT, from pdf.js text items. */
export function tinyTextShare(items: { str: string; transform: number[] }[]): { chars: number; tiny: number } {
  let chars = 0;
  let tiny = 0;
  for (const item of items) {
    const length = item.str.trim().length;
    if (length === 0) continue;
    const [, , c = 0, d = 0] = item.transform;
    const size = Math.hypot(c, d);
    chars += length;
    if (size > 0 && size < TINY_TEXT_PT) tiny += length;
  }
  return { chars, tiny };
}

export interface PageFacts {
  page: number;
  widthPt: number;
  heightPt: number;
  colourFraction: number;
  inkFraction: number;
  chars: number;
  tinyChars: number;
}

function listPages(pages: number[]): string {
  return pages.length === 1 ? `Page ${pages[0]}` : `Pages ${pages.join(', ')}`;
}

/** Turns per-page facts into the warnings a person reads before sending. */
export function warningsFor(facts: PageFacts[]): Warning[] {
  const warnings: Warning[] = [];
  const tiny = facts.filter((f) => f.tinyChars >= 20 && f.tinyChars / Math.max(f.chars, 1) > 0.2).map((f) => f.page);
  if (tiny.length) {
    warnings.push({
      code: 'tiny_text',
      message: `${listPages(tiny)} ${tiny.length === 1 ? 'has' : 'have'} text smaller than ${TINY_TEXT_PT} pt, which may be unreadable on the other end.`,
      pages: tiny,
    });
  }
  const colour = facts.filter((f) => f.colourFraction > 0.05 || f.inkFraction > 0.45).map((f) => f.page);
  if (colour.length) {
    warnings.push({
      code: 'colour_image',
      message: `${listPages(colour)} ${colour.length === 1 ? 'has' : 'have'} colour or photo areas; a fax prints them in black and white, so check the preview is still readable.`,
      pages: colour,
    });
  }
  const odd: number[] = [];
  const landscape: number[] = [];
  for (const f of facts) {
    const fit = classifyPageSize(f.widthPt, f.heightPt);
    if (fit.kind === 'odd') odd.push(f.page);
    if (fit.kind === 'landscape') landscape.push(f.page);
  }
  if (odd.length) {
    warnings.push({
      code: 'page_size',
      message: `${listPages(odd)} ${odd.length === 1 ? 'is not' : 'are not'} Letter or A4 and will be scaled to fit.`,
      pages: odd,
    });
  }
  if (landscape.length) {
    warnings.push({
      code: 'landscape',
      message: `${listPages(landscape)} ${landscape.length === 1 ? 'is' : 'are'} landscape and will be rotated or shrunk to fit portrait paper.`,
      pages: landscape,
    });
  }
  return warnings;
}

/** Gateway warnings win; local ones add what only a renderer can see (pixels, text sizes). */
export function mergeWarnings(gateway: Warning[], local: Warning[]): Warning[] {
  const codes = new Set(gateway.map((w) => w.code));
  return [...gateway, ...local.filter((w) => !codes.has(w.code))];
}
