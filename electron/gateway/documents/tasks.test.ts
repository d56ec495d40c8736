import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_FAX_PAGES, textPagesUpperBound } from './page-limits';
import { estimateTextPages } from './tasks';

describe('text page estimate', () => {
  it('counts wrapped lines and form feeds like the converter (Letter: 84 x 55)', () => {
    expect(estimateTextPages('x'.repeat(84 * 55), 'letter')).toBe(1);
    expect(estimateTextPages('x'.repeat(84 * 55 + 1), 'letter')).toBe(2);
    expect(estimateTextPages('a\fb\fc', 'letter')).toBe(3);
    expect(estimateTextPages('  \n\t', 'letter')).toBe(0);
  });

  it('the byte-count bound is never below the layout estimate (property)', () => {
    const chars = fc.constantFrom('a', ' ', '\n', '\r', '\t', '\f', 'é', '漢', '😀', 'x');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 3000 }), fc.constantFrom('letter' as const, 'a4' as const), (parts, pageSize) => {
        const text = parts.join('');
        expect(textPagesUpperBound(Buffer.from(text), pageSize)).toBeGreaterThanOrEqual(estimateTextPages(text, pageSize));
      }),
      { numRuns: 500 },
    );
  });

  it('lets a small file skip the estimate but not a long one', () => {
    expect(textPagesUpperBound(Buffer.from('Hello, fax.\n'), 'letter')).toBeLessThanOrEqual(MAX_FAX_PAGES);
    expect(textPagesUpperBound(Buffer.from('x'.repeat(5 * 1024 * 1024)), 'letter')).toBeGreaterThan(MAX_FAX_PAGES);
  });
});
