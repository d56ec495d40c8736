import type { FaxResolution } from './settings';

/**
 * The fax page grid (providers.md §4.4), shared by the TIFF pages Ghostscript makes for SIP and
 * the Send screen's preview: 1728 dots per line at 204 dpi, 196 lines per inch fine or 98
 * standard, on a fixed Letter or A4 page.
 */
export type FaxPaper = 'letter' | 'a4';

/** Every fax line is 1728 pixels wide (T.4 A4/Letter width at 204 dpi). */
export const FAX_WIDTH_PX = 1728;
export const FAX_X_DPI = 204;
const LINES_PER_INCH: Record<FaxResolution, number> = { fine: 196, standard: 98 };
const PAPER_HEIGHT_IN: Record<FaxPaper, number> = { letter: 11, a4: 297 / 25.4 };

/** Page geometry in pixels (Ghostscript's -g), e.g. Letter fine = 1728x2156, Letter standard = 1728x1078. */
export function faxGeometry(resolution: FaxResolution, paper: FaxPaper): { width: number; height: number; yDpi: number } {
  const yDpi = LINES_PER_INCH[resolution];
  return { width: FAX_WIDTH_PX, height: Math.round(PAPER_HEIGHT_IN[paper] * yDpi), yDpi };
}
