import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { expandTabs, isBlankText, layoutPages, normaliseText, wrapLine } from './text-layout';

const one = (): number => 1;
// Stand-in for CJK: ideographs take two columns, as the fallback font draws them.
const wide = (cp: number): number => (cp >= 0x4e00 && cp <= 0x9fff ? 2 : 1);
const widthOf = (s: string, columnsOf: (cp: number) => number): number =>
  Array.from(s).reduce((w, ch) => w + columnsOf(ch.codePointAt(0) ?? 0), 0);

describe('normaliseText', () => {
  it('turns CRLF and lone CR into LF', () => {
    expect(normaliseText('a\r\nb\rc\n')).toBe('a\nb\nc\n');
  });

  it('drops invisible control and format characters but keeps tab, newline and form feed', () => {
    expect(normaliseText('\uFEFFa\u0007b\u200Bc\u001b\t\f\n')).toBe('abc\t\f\n');
  });

  it('composes accents (NFC) and replaces lone surrogates', () => {
    expect(normaliseText('e\u0301')).toBe('é');
    expect(normaliseText('x\uD800y')).toBe('x\uFFFDy');
  });
});

describe('isBlankText', () => {
  it('is true only when nothing would be printed', () => {
    expect(isBlankText('')).toBe(true);
    expect(isBlankText(' \n\t\f\u00a0\u3000')).toBe(true);
    expect(isBlankText('  .')).toBe(false);
  });
});

describe('expandTabs', () => {
  it('moves to the next multiple of 8 columns', () => {
    expect(expandTabs('\tx', one)).toBe(' '.repeat(8) + 'x');
    expect(expandTabs('abc\tx', one)).toBe('abc     x');
    expect(expandTabs('abcdefgh\tx', one)).toBe('abcdefgh' + ' '.repeat(8) + 'x');
  });

  it('counts wide characters as two columns', () => {
    expect(expandTabs('中\tx', wide)).toBe('中      x');
  });
});

describe('wrapLine', () => {
  it('wraps a 5,000-character line instead of cutting it (Faxbot cut at 120)', () => {
    const line = '0123456789'.repeat(500);
    const lines = wrapLine(line, 84, one);
    expect(lines).toHaveLength(Math.ceil(5000 / 84));
    expect(lines.join('')).toBe(line);
    expect(lines.every((l) => l.length <= 84)).toBe(true);
  });

  it('breaks after the last space when that keeps at least half the line', () => {
    expect(wrapLine('aaaa bbbb cccc', 10, one)).toEqual(['aaaa bbbb ', 'cccc']);
    // The only space is too early: break hard rather than leave a mostly empty line.
    expect(wrapLine('a bbbbbbbbbbbbbbbb', 10, one)).toEqual(['a bbbbbbbb', 'bbbbbbbb']);
  });

  it('never splits a wide character across the margin', () => {
    expect(wrapLine('中中中中中', 5, wide)).toEqual(['中中', '中中', '中']);
  });

  it('keeps every character, in order, within the width (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.integer({ min: 2, max: 90 }), (s, cols) => {
        const line = s.replace(/[\n\f\t]/g, '');
        const lines = wrapLine(line, cols, wide);
        return lines.join('') === line && lines.every((l) => widthOf(l, wide) <= cols);
      }),
      { numRuns: 300 },
    );
  });
});

describe('layoutPages', () => {
  const grid = { cols: 10, rows: 3 };

  it('fills pages with `rows` lines', () => {
    expect(layoutPages('1\n2\n3\n4\n5', grid)).toEqual([
      ['1', '2', '3'],
      ['4', '5'],
    ]);
  });

  it('starts a new page at a form feed, keeping deliberate blank pages', () => {
    expect(layoutPages('a\fb', grid)).toEqual([['a'], ['b']]);
    expect(layoutPages('a\f\fb', grid)).toEqual([['a'], [''], ['b']]);
  });

  it('does not add a page for a trailing form feed or trailing blank lines', () => {
    expect(layoutPages('a\f', grid)).toEqual([['a']]);
    expect(layoutPages('a\f\n\n  \n\f', grid)).toEqual([['a']]);
    expect(layoutPages('a\n\n\n\n\n\n\n', grid)).toEqual([['a', '', '']]);
  });

  it('always gives at least one page', () => {
    expect(layoutPages('', grid)).toEqual([['']]);
  });
});
