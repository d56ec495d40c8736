import { createInflate } from 'node:zlib';

/** More indirect objects than any faxable document needs (a 350-page office PDF has a few thousand). */
export const MAX_PDF_OBJECTS = 100_000;
/** Inflated size of one compressed non-image stream (page content, fonts, object streams). */
export const MAX_INFLATED_STREAM_BYTES = 64 * 1024 * 1024;
/** Inflated size of all of them together. */
export const MAX_INFLATED_TOTAL_BYTES = 256 * 1024 * 1024;

export const CORRUPT_PDF_MESSAGE = 'This PDF is damaged or incomplete and cannot be read. Save or export it again and retry.';

export type PdfLimitFailure = { reason: 'corrupt' | 'too_complex'; message: string };

const MAX_DICT_CHARS = 4096;
const OBJECT_HEADER = /\d+\s+\d+\s+obj\b/g;
const STREAM_START = /\bstream(?:\r\n|\n|\r)/g;
const OBJECT_STREAM_COUNT = /\/Type\s*\/ObjStm\b[^]*?\/N\s+(\d+)|\/N\s+(\d+)[^]*?\/Type\s*\/ObjStm\b/;

/**
 * Cheap checks before a parser sees the bytes: the file ends like a PDF, has a sane number of
 * objects, and no compressed stream a parser would inflate (content, fonts, object streams; not
 * images, which are never decoded here) expands past the caps. Inflation streams and stops at the
 * cap, so a 1 MB file that would inflate to 1 GB costs at most the cap, not the gigabyte.
 */
export async function checkPdfLimits(bytes: Uint8Array): Promise<PdfLimitFailure | null> {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  if (!text.slice(-1024).includes('%%EOF')) return corrupt();
  const headers = [...text.matchAll(OBJECT_HEADER)].map((m) => m.index);
  if (headers.length === 0) return corrupt();
  let objects = headers.length;
  if (objects > MAX_PDF_OBJECTS) return tooManyObjects(objects);

  let inflatedTotal = 0;
  let headerIndex = 0;
  let streams = 0;
  for (const match of text.matchAll(STREAM_START)) {
    if (++streams > MAX_PDF_OBJECTS) return tooManyObjects(streams);
    // The dictionary of this stream lies between its object header and the keyword (a dictionary is never huge).
    while (headerIndex + 1 < headers.length && (headers[headerIndex + 1] ?? Infinity) < match.index) headerIndex++;
    const dict = text.slice(Math.max(headers[headerIndex] ?? 0, match.index - MAX_DICT_CHARS), match.index);
    if (/\/Subtype\s*\/Image\b/.test(dict) || !/\/(?:FlateDecode|Fl)\b/.test(dict)) continue;
    const counted = OBJECT_STREAM_COUNT.exec(dict);
    if (counted) objects += Number(counted[1] ?? counted[2]);
    if (objects > MAX_PDF_OBJECTS) return tooManyObjects(objects);
    const start = match.index + match[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) return corrupt();
    const data = bytes.subarray(start, end);
    const budget = Math.min(MAX_INFLATED_STREAM_BYTES, MAX_INFLATED_TOTAL_BYTES - inflatedTotal);
    const inflated = await inflatedSize(data, budget);
    if (inflated > budget) {
      return {
        reason: 'too_complex',
        message:
          'This PDF contains compressed data that expands to more than ' +
          `${Math.round(budget / 1024 / 1024)} MB, far beyond what a fax needs. Print it to a new PDF and try again.`,
      };
    }
    inflatedTotal += inflated;
  }
  return null;
}

function corrupt(): PdfLimitFailure {
  return { reason: 'corrupt', message: CORRUPT_PDF_MESSAGE };
}

function tooManyObjects(count: number): PdfLimitFailure {
  return {
    reason: 'too_complex',
    message: `This PDF is made of more than ${MAX_PDF_OBJECTS.toLocaleString('en-US')} objects (${count.toLocaleString('en-US')}), far more than a fax needs. Print it to a new PDF and try again.`,
  };
}

/**
 * Bytes the stream inflates to, counted without keeping them; stops as soon as `cap` is passed
 * (returns cap + 1). A damaged stream counts what inflated before the damage: the parser decides
 * later whether the document is readable.
 */
function inflatedSize(data: Uint8Array, cap: number): Promise<number> {
  return new Promise((resolve) => {
    const inflate = createInflate();
    let size = 0;
    let settled = false;
    const finish = (n: number) => {
      if (settled) return;
      settled = true;
      inflate.destroy();
      resolve(n);
    };
    inflate.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap) finish(cap + 1);
    });
    inflate.on('end', () => finish(size));
    inflate.on('error', () => finish(size));
    inflate.end(data);
  });
}
