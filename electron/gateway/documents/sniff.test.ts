import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isValidUtf8Text, isWellFormedUtf8, sniffDocument } from './sniff';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)));

describe('sniffDocument', () => {
  it('recognises a PDF by its header, also after a BOM or blank lines', () => {
    expect(sniffDocument(bytes('%PDF-1.7\n%\u00e2\u00e3\n1 0 obj'))).toEqual({ kind: 'pdf' });
    expect(sniffDocument(bytes([0xef, 0xbb, 0xbf], '%PDF-1.4'))).toEqual({ kind: 'pdf' });
    expect(sniffDocument(bytes('\r\n  %PDF-1.3'))).toEqual({ kind: 'pdf' });
  });

  it('does not take a text that merely mentions %PDF for a PDF', () => {
    expect(sniffDocument(bytes('see attached %PDF-1.4 file'))).toEqual({ kind: 'txt' });
    expect(sniffDocument(bytes('%PDF is a format'))).toEqual({ kind: 'txt' });
  });

  it('accepts plain and Unicode text with tabs, CRLF and form feeds', () => {
    expect(sniffDocument(bytes('Dear Dr. Smith,\r\n\tPlease find\f'))).toEqual({ kind: 'txt' });
    expect(sniffDocument(bytes('Καλημέρα — Привет — 中文 — 😀\n'))).toEqual({ kind: 'txt' });
  });

  it('accepts a head that ends in the middle of a multibyte character', () => {
    const full = new TextEncoder().encode('Ωmega 中文 😀');
    for (let cut = 1; cut <= full.length; cut++) {
      expect(sniffDocument(full.subarray(0, cut))).toEqual({ kind: 'txt' });
    }
  });

  it('reports zero bytes as empty', () => {
    expect(sniffDocument(new Uint8Array())).toEqual({ error: 'empty' });
  });

  it('recognises JPEG, PNG and TIFF (both byte orders) from their signatures', () => {
    expect(sniffDocument(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))).toEqual({ kind: 'png' });
    expect(sniffDocument(bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46]))).toEqual({ kind: 'jpeg' });
    expect(sniffDocument(bytes([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00]))).toEqual({ kind: 'tiff' });
    expect(sniffDocument(bytes([0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x08]))).toEqual({ kind: 'tiff' });
  });

  it('rejects other images, archives, Office files and other binaries', () => {
    const docx = [0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00];
    const gif = bytes('GIF89a', [0x01, 0x00, 0x01, 0x00, 0x80, 0x00]);
    const pngCutShort = [0x89, 0x50, 0x4e, 0x47, 1, 2, 3];
    const utf16 = [0xff, 0xfe, 0x48, 0x00, 0x69, 0x00];
    for (const b of [bytes(docx), gif, bytes(pngCutShort), bytes(utf16)]) {
      expect(sniffDocument(b)).toEqual({ error: 'unsupported' });
    }
  });

  it('rejects Latin-1 text (not UTF-8), NUL bytes and control-heavy data', () => {
    expect(sniffDocument(bytes('caf', [0xe9], ' au lait'))).toEqual({ error: 'unsupported' });
    expect(sniffDocument(bytes('hello', [0], 'world'))).toEqual({ error: 'unsupported' });
    expect(sniffDocument(bytes([0x1b], 'E', [0x1b], '&l0O', [0x1b], '(s0p'))).toEqual({ error: 'unsupported' });
  });

  it('tolerates a rare stray control character in a long text', () => {
    const text = 'x'.repeat(200) + '\u0007' + 'y'.repeat(200);
    expect(sniffDocument(bytes(text))).toEqual({ kind: 'txt' });
  });

  it('never throws and always answers one of the documented results (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (b) => {
        const r = sniffDocument(b);
        expect([
          { kind: 'pdf' },
          { kind: 'txt' },
          { kind: 'jpeg' },
          { kind: 'png' },
          { kind: 'tiff' },
          { error: 'unsupported' },
          { error: 'empty' },
        ]).toContainEqual(r);
      }),
      { numRuns: 500 },
    );
  });
});

describe('isValidUtf8Text (whole file)', () => {
  it('rejects a file that ends in the middle of a character', () => {
    const full = new TextEncoder().encode('abc 中');
    expect(isValidUtf8Text(full)).toBe(true);
    expect(isValidUtf8Text(full.subarray(0, full.length - 1))).toBe(false);
  });

  it('rejects overlong encodings, surrogates and code points above U+10FFFF', () => {
    expect(isValidUtf8Text(bytes([0xc0, 0xaf]))).toBe(false); // overlong "/"
    expect(isValidUtf8Text(bytes([0xe0, 0x80, 0xaf]))).toBe(false);
    expect(isValidUtf8Text(bytes([0xed, 0xa0, 0x80]))).toBe(false); // U+D800
    expect(isValidUtf8Text(bytes([0xf4, 0x90, 0x80, 0x80]))).toBe(false); // U+110000
  });
});

describe('isWellFormedUtf8', () => {
  it('agrees with a fatal TextDecoder on arbitrary bytes (property)', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const decodes = (b: Uint8Array): boolean => {
      try {
        decoder.decode(b);
        return true;
      } catch {
        return false;
      }
    };
    const utf8ish = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.string({ unit: 'grapheme', maxLength: 32 }).map((s) => new TextEncoder().encode(s)),
      fc
        .array(fc.constantFrom(0xc0, 0xc2, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0x80, 0x90, 0xa0, 0xbf, 0x41), { maxLength: 12 })
        .map((a) => Uint8Array.from(a)),
    );
    fc.assert(
      fc.property(utf8ish, (b) => isWellFormedUtf8(b) === decodes(b)),
      { numRuns: 2000 },
    );
  });

  it('accepts every prefix of valid UTF-8 when a truncated tail is allowed (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.nat(), (s, n) => {
        const b = new TextEncoder().encode(s);
        return isWellFormedUtf8(b.subarray(0, n % (b.length + 1)), true);
      }),
      { numRuns: 500 },
    );
  });
});
