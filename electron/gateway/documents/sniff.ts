// Decide what an upload is from its bytes, never from its name or declared type.

export type ImageKind = 'jpeg' | 'png' | 'tiff';
export type DocumentKind = 'pdf' | 'txt' | ImageKind;

/** File name endings offered in file pickers and watched in the hot folder (the bytes still decide). */
export const FAX_FILE_EXTENSIONS = ['pdf', 'txt', 'jpg', 'jpeg', 'png', 'tif', 'tiff'] as const;

export type SniffResult = { kind: DocumentKind } | { error: 'unsupported' | 'empty' };

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"
const IMAGE_MAGIC: { kind: ImageKind; magic: number[] }[] = [
  { kind: 'jpeg', magic: [0xff, 0xd8, 0xff] },
  { kind: 'png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { kind: 'tiff', magic: [0x49, 0x49, 0x2a, 0x00] }, // little-endian "II*"
  { kind: 'tiff', magic: [0x4d, 0x4d, 0x00, 0x2a] }, // big-endian "MM*"
];
const UTF8_BOM = [0xef, 0xbb, 0xbf];
// Some generators put a BOM or blank lines before the header; anything longer is not a PDF we trust.
const MAX_PDF_LEADING_WHITESPACE = 64;

/**
 * Classify the first chunk of an upload. `head` may end in the middle of a UTF-8 character
 * because it is only the first chunk of the stream; that alone never makes it unsupported.
 * Only zero bytes is 'empty': a whitespace-only head may still be followed by text.
 */
export function sniffDocument(head: Uint8Array): SniffResult {
  if (head.length === 0) return { error: 'empty' };
  if (startsWithPdfHeader(head)) return { kind: 'pdf' };
  const image = IMAGE_MAGIC.find((m) => hasPrefix(head, m.magic, 0));
  if (image) return { kind: image.kind };
  return looksLikeText(head, true) ? { kind: 'txt' } : { error: 'unsupported' };
}

export function isImageKind(kind: DocumentKind): kind is ImageKind {
  return kind === 'jpeg' || kind === 'png' || kind === 'tiff';
}

/** Full-file check for a TXT upload: strict UTF-8 (no cut-off tail), no NUL, few control chars. */
export function isValidUtf8Text(bytes: Uint8Array): boolean {
  return looksLikeText(bytes, false);
}

function startsWithPdfHeader(head: Uint8Array): boolean {
  let i = hasPrefix(head, UTF8_BOM, 0) ? UTF8_BOM.length : 0;
  const limit = i + MAX_PDF_LEADING_WHITESPACE;
  while (i < head.length && i < limit && isAsciiWhitespace(head[i] ?? 0)) i++;
  return hasPrefix(head, PDF_MAGIC, i);
}

function hasPrefix(bytes: Uint8Array, prefix: readonly number[], at: number): boolean {
  if (bytes.length - at < prefix.length) return false;
  return prefix.every((b, k) => bytes[at + k] === b);
}

function isAsciiWhitespace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0c;
}

/**
 * Text = well-formed UTF-8, no NUL, and control characters other than \t \n \r \f making up at
 * most 1% of the bytes (a stray ESC or BEL in a log file is fine; a binary blob is not).
 */
function looksLikeText(bytes: Uint8Array, allowTruncatedTail: boolean): boolean {
  if (!isWellFormedUtf8(bytes, allowTruncatedTail)) return false;
  let controls = 0;
  for (const b of bytes) {
    if (b === 0) return false;
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) || b === 0x7f) controls++;
  }
  return controls * 100 <= bytes.length;
}

/**
 * Strict UTF-8 validation (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
 * With `allowTruncatedTail`, a sequence that is valid so far but cut off by the end of the
 * buffer is accepted, because the buffer is only the first chunk of a stream.
 */
export function isWellFormedUtf8(bytes: Uint8Array, allowTruncatedTail = false): boolean {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b0 = bytes[i] ?? 0;
    if (b0 < 0x80) {
      i++;
      continue;
    }
    let len: number;
    // Valid range of the second byte depends on the lead byte (excludes overlongs/surrogates).
    let lo = 0x80;
    let hi = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) len = 2;
    else if (b0 >= 0xe0 && b0 <= 0xef) {
      len = 3;
      if (b0 === 0xe0) lo = 0xa0;
      else if (b0 === 0xed) hi = 0x9f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      len = 4;
      if (b0 === 0xf0) lo = 0x90;
      else if (b0 === 0xf4) hi = 0x8f;
    } else return false;
    for (let k = 1; k < len; k++) {
      if (i + k >= n) return allowTruncatedTail;
      const b = bytes[i + k] ?? 0;
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (b < min || b > max) return false;
    }
    i += len;
  }
  return true;
}
