// Page limits and the text grid's geometry: light enough for the request thread (no pdf-lib, no
// fonts), so intake can refuse an oversized document before any parser or worker is involved.

import { TAB_STOP } from './text-layout';

export type PageSize = 'letter' | 'a4';

/** Telnyx's documented ceiling and a sane upper bound for one fax call. */
export const MAX_FAX_PAGES = 350;
/** Above this a PDF still goes, with a warning (Faxbot's upload limit was 10 MB). */
export const LARGE_FILE_BYTES = 10 * 1024 * 1024;

export function tooManyPages(subject: string, pages: number): string {
  return `${subject} has ${pages} pages. A fax can have at most ${MAX_FAX_PAGES}; split it into smaller documents.`;
}

export const PAGE_SIZES: Record<PageSize, readonly [number, number]> = {
  letter: [612, 792],
  a4: [595.28, 841.89],
};
export const MARGIN = 54; // 0.75 in on the sides and bottom
export const HEADER_BAND = (8 / 25.4) * 72; // about 8 mm kept free at the top for the fax header line
export const CELL = 6; // one column: the advance of Courier at 10 pt
export const LINE_HEIGHT = 12;

/** Columns and lines per page of the text grid for a page size (Letter 84 x 55, A4 81 x 59). */
export function textGrid(pageSize: PageSize): { cols: number; rows: number } {
  const [width, height] = PAGE_SIZES[pageSize];
  return {
    cols: Math.floor((width - 2 * MARGIN) / CELL),
    rows: Math.floor((height - MARGIN - MARGIN - HEADER_BAND) / LINE_HEIGHT),
  };
}

/**
 * A bound no layout can exceed, from byte counts alone (cheap enough for the request thread):
 * word wrap keeps at least half a line, so a line of w columns wraps into at most 1 + 2w/cols
 * lines, and a character other than a tab is at most one byte and one column in the estimate. When this bound is
 * within a limit, the layout estimate is too and need not be computed.
 */
export function textPagesUpperBound(bytes: Uint8Array, pageSize: PageSize): number {
  const { cols, rows } = textGrid(pageSize);
  let lineBreaks = 0;
  let formFeeds = 0;
  let tabs = 0;
  for (const b of bytes) {
    if (b === 0x0a || b === 0x0d) lineBreaks++;
    else if (b === 0x0c) formFeeds++;
    else if (b === 0x09) tabs++;
  }
  // A tab is one byte but up to TAB_STOP columns.
  const columns = bytes.byteLength + (TAB_STOP - 1) * tabs;
  return Math.ceil((lineBreaks + 1 + (2 * columns) / cols) / rows) + formFeeds + 1;
}
