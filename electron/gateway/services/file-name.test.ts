import { describe, expect, it } from 'vitest';
import { cleanFileName } from './intake';

describe('file names shown in the window and the API', () => {
  it('lose right-to-left overrides, bidi isolates, zero-width and control characters', () => {
    expect(cleanFileName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(cleanFileName('a\u2066b\u2069c\u200Bd\u200Fe\uFEFF\u0085f\u0007.pdf')).toBe('abcdef.pdf');
    expect(cleanFileName('C:\\Users\\x\\rapport d’été.pdf')).toBe('rapport d’été.pdf');
    expect(cleanFileName('\u202E\u200B')).toBeNull();
  });
});
