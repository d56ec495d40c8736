// Pure layout of plain text onto a grid of monospace cells: pages of lines, lines wrapped
// (never truncated), tabs expanded, form feeds breaking pages.

export const TAB_STOP = 8;

export interface GridOptions {
  /** Text columns per line. */
  cols: number;
  /** Lines per page. */
  rows: number;
  /** Columns a code point occupies (0, 1 or 2); default 1. */
  columnsOf?: (codePoint: number) => number;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Control (Cc) and format (Cf: zero-width space, bidi marks, BOM) characters have no ink on
// paper; keep only the ones that mean layout: tab, newline, form feed.
const INVISIBLE = /(?![\t\n\f])[\p{Cc}\p{Cf}]/gu;

/**
 * Canonical form of a text upload: lone surrogates become U+FFFD, NFC (so "e" + combining
 * accent is one cell), CRLF and CR become LF, invisible controls dropped.
 */
export function normaliseText(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD').normalize('NFC').replace(/\r\n?/g, '\n').replace(INVISIBLE, '');
}

/** True when nothing would be printed (only whitespace, tabs, newlines, form feeds). */
export function isBlankText(normalised: string): boolean {
  return !/[^\p{White_Space}]/u.test(normalised);
}

/** Lay normalised text out as pages of lines. Always returns at least one page. */
export function layoutPages(normalised: string, opts: GridOptions): string[][] {
  const columnsOf = opts.columnsOf ?? (() => 1);
  const pages: string[][] = [];
  for (const sheet of normalised.split('\f')) {
    const lines = sheet.split('\n').flatMap((line) => wrapLine(expandTabs(line, columnsOf), opts.cols, columnsOf));
    for (let i = 0; i < lines.length; i += opts.rows) pages.push(lines.slice(i, i + opts.rows));
  }
  // A form feed or blank lines at the very end (common in printer output) must not cost a page.
  while (pages.length > 1 && (pages.at(-1) ?? []).every((l) => l.trim() === '')) pages.pop();
  return pages;
}

/** Replace tabs with spaces up to the next multiple of TAB_STOP columns. */
export function expandTabs(line: string, columnsOf: (codePoint: number) => number): string {
  if (!line.includes('\t')) return line;
  let out = '';
  let col = 0;
  for (const ch of line) {
    if (ch === '\t') {
      const n = TAB_STOP - (col % TAB_STOP);
      out += ' '.repeat(n);
      col += n;
    } else {
      out += ch;
      col += columnsOf(ch.codePointAt(0) ?? 0);
    }
  }
  return out;
}

/**
 * Split one logical line into lines of at most `cols` columns. Prefer breaking after the last
 * space of the line being filled (word wrap) when that keeps at least half the line; otherwise
 * break hard. Concatenating the result gives back the input exactly.
 */
export function wrapLine(line: string, cols: number, columnsOf: (codePoint: number) => number): string[] {
  const chars = Array.from(line);
  const out: string[] = [];
  let start = 0;
  let width = 0;
  let lastSpace = -1; // index in `chars` of the last space on the current line
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] ?? '';
    const w = columnsOf(ch.codePointAt(0) ?? 0);
    while (width + w > cols && i > start) {
      const breakAt = lastSpace >= start && lastSpace - start + 1 >= cols / 2 ? lastSpace + 1 : i;
      out.push(chars.slice(start, breakAt).join(''));
      start = breakAt;
      width = 0;
      for (let k = start; k < i; k++) width += columnsOf(chars[k]?.codePointAt(0) ?? 0);
      lastSpace = -1;
    }
    width += w;
    if (ch === ' ') lastSpace = i;
  }
  out.push(chars.slice(start).join(''));
  return out;
}
