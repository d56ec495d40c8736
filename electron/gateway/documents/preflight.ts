import { EncryptedPDFError, PDFArray, PDFBool, PDFDict, PDFDocument, PDFName, PDFNumber, PDFStream } from 'pdf-lib';
import type { PDFObject, PDFPage } from 'pdf-lib';
import { DocumentError } from './errors';
import { LARGE_FILE_BYTES, MAX_FAX_PAGES, tooManyPages } from './page-limits';
import { CORRUPT_PDF_MESSAGE, checkPdfLimits } from './pdf-limits';

export type PreflightWarningCode = 'page_size' | 'landscape' | 'small_text' | 'color_images' | 'large_file';

export interface PreflightWarning {
  code: PreflightWarningCode;
  message: string;
  /** 1-based page numbers the warning is about. */
  pages?: number[];
}

export interface PageSizePt {
  widthPt: number;
  heightPt: number;
}

export type PreflightFailure = 'encrypted' | 'corrupt' | 'too_complex' | 'no_pages' | 'too_many_pages';

export type PreflightResult =
  | { ok: true; pages: number; warnings: PreflightWarning[]; pageSizes: PageSizePt[] }
  | { ok: false; reason: PreflightFailure; message: string };

export interface PreflightOptions {
  /** Size above which a 'large_file' warning is given; default LARGE_FILE_BYTES. */
  largeFileBytes?: number;
}

const MESSAGES = {
  encrypted: 'This PDF is password-protected. Remove the password (or its security settings) and try again.',
  corrupt: CORRUPT_PDF_MESSAGE,
} as const;

const PAPER = [
  { name: 'Letter', w: 612, h: 792 },
  { name: 'A4', w: 595.28, h: 841.89 },
] as const;
const SIZE_TOLERANCE = 0.02;

/**
 * Check a PDF before it is queued: readable, not encrypted, 1..MAX_FAX_PAGES pages; warn about
 * what will change or suffer on the way to a fax machine.
 *
 * Not checked: small text. Finding the rendered size of text needs a content-stream
 * interpreter (Tf sizes are routinely 1 and scaled by Tm/cm), so 'small_text' is never
 * reported here rather than guessed.
 */
export async function preflightPdf(bytes: Uint8Array, opts: PreflightOptions = {}): Promise<PreflightResult> {
  let doc: PDFDocument;
  let pages: PDFPage[];
  try {
    doc = await openPdf(bytes);
    pages = doc.getPages();
  } catch (err) {
    if (err instanceof DocumentError && err.code === 'too_complex') return { ok: false, reason: 'too_complex', message: err.message };
    const reason = err instanceof DocumentError && err.code === 'encrypted' ? 'encrypted' : 'corrupt';
    return { ok: false, reason, message: MESSAGES[reason] };
  }
  if (pages.length === 0) return { ok: false, reason: 'no_pages', message: 'This PDF has no pages.' };
  if (pages.length > MAX_FAX_PAGES) return { ok: false, reason: 'too_many_pages', message: tooManyPages('This PDF', pages.length) };

  let pageSizes: PageSizePt[];
  let colourPages: number[];
  try {
    pageSizes = pages.map(displayedSize);
    const colour = new ColourImageFinder();
    colourPages = pages.flatMap((p, i) => (colour.inResources(p.node.Resources(), 0) ? [i + 1] : []));
  } catch {
    return { ok: false, reason: 'corrupt', message: MESSAGES.corrupt };
  }

  const warnings: PreflightWarning[] = [];
  const oddSize = pageNumbersWhere(pageSizes, (s) => !PAPER.some((p) => sameSize(s, p)));
  if (oddSize.length > 0) {
    const first = pageSizes[(oddSize[0] ?? 1) - 1] ?? { widthPt: 0, heightPt: 0 };
    warnings.push({
      code: 'page_size',
      pages: oddSize,
      message:
        `${describePages(oddSize, pages.length)} ${oddSize.length === 1 ? 'is' : 'are'} not Letter or A4 size ` +
        `(${inches(first.widthPt)} x ${inches(first.heightPt)} in). ` +
        'They will be scaled to fit the fax page, so small print gets smaller.',
    });
  }
  const landscape = pageNumbersWhere(pageSizes, (s) => s.widthPt > s.heightPt);
  if (landscape.length > 0) {
    warnings.push({
      code: 'landscape',
      pages: landscape,
      message: `${describePages(landscape, pages.length)} ${landscape.length === 1 ? 'is' : 'are'} landscape and will be turned to portrait for sending.`,
    });
  }
  if (colourPages.length > 0) {
    warnings.push({
      code: 'color_images',
      pages: colourPages,
      message:
        `${describePages(colourPages, pages.length)} ${colourPages.length === 1 ? 'has' : 'have'} colour images. ` +
        'Fax is black and white: photos and coloured areas may come out dark or hard to read.',
    });
  }
  const largeFileBytes = opts.largeFileBytes ?? LARGE_FILE_BYTES;
  if (bytes.byteLength > largeFileBytes) {
    warnings.push({
      code: 'large_file',
      message:
        `This PDF is ${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB. Large files upload slowly and some fax ` +
        'services refuse them; scanning at a lower resolution or in black and white makes it smaller.',
    });
  }
  return { ok: true, pages: pages.length, warnings, pageSizes };
}

/** The one sentence for a document over the page limit, whatever its type ("This PDF", "This text file"). */

/** Join several PDFs into one, in order (one fax made of several documents). */
export async function mergePdfs(parts: Uint8Array[]): Promise<{ pdf: Uint8Array; pages: number }> {
  if (parts.length === 0) throw new DocumentError('no_documents', 'There are no documents to send.');
  const out = await PDFDocument.create();
  for (const [i, part] of parts.entries()) {
    let src: PDFDocument;
    try {
      src = await openPdf(part);
    } catch (err) {
      const prefix = parts.length > 1 ? `Document ${i + 1} of ${parts.length}: ` : '';
      if (err instanceof DocumentError && err.code === 'too_complex') throw new DocumentError('too_complex', prefix + err.message);
      const code = err instanceof DocumentError && err.code === 'encrypted' ? 'encrypted' : 'corrupt';
      throw new DocumentError(code, prefix + MESSAGES[code]);
    }
    for (const page of await out.copyPages(src, src.getPageIndices())) out.addPage(page);
  }
  return { pdf: await out.save(), pages: out.getPageCount() };
}

/**
 * Load with pdf-lib, turning its failures into DocumentError('encrypted' | 'corrupt' | 'too_complex').
 * pdf-lib recovers from a lot (it does not need the xref table), so a file cut off mid-download
 * can load with pages silently missing; like Acrobat, require "%%EOF" in the last 1024 bytes. That
 * and the object and inflation caps are checked before pdf-lib parses anything.
 */
async function openPdf(bytes: Uint8Array): Promise<PDFDocument> {
  const refused = await checkPdfLimits(bytes);
  if (refused) throw new DocumentError(refused.reason, refused.message);
  try {
    return await PDFDocument.load(bytes, { updateMetadata: false });
  } catch (err) {
    if (err instanceof DocumentError) throw err;
    // Encrypted object streams can make parsing fail before pdf-lib reads the trailer.
    const encrypted =
      err instanceof EncryptedPDFError || Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes('/Encrypt');
    throw new DocumentError(encrypted ? 'encrypted' : 'corrupt', encrypted ? MESSAGES.encrypted : MESSAGES.corrupt);
  }
}

/** Size as the page is shown: crop box, with /Rotate 90/270 swapping width and height. */
function displayedSize(page: PDFPage): PageSizePt {
  const box = page.getCropBox();
  const angle = ((page.getRotation().angle % 360) + 360) % 360;
  const turned = angle === 90 || angle === 270;
  const round = (n: number): number => Math.round(Math.abs(n) * 100) / 100;
  return turned ? { widthPt: round(box.height), heightPt: round(box.width) } : { widthPt: round(box.width), heightPt: round(box.height) };
}

/** Same paper in either orientation, within SIZE_TOLERANCE on each side. */
function sameSize(s: PageSizePt, paper: { w: number; h: number }): boolean {
  const short = Math.min(s.widthPt, s.heightPt);
  const long = Math.max(s.widthPt, s.heightPt);
  return Math.abs(short - paper.w) <= paper.w * SIZE_TOLERANCE && Math.abs(long - paper.h) <= paper.h * SIZE_TOLERANCE;
}

function pageNumbersWhere(sizes: PageSizePt[], test: (s: PageSizePt) => boolean): number[] {
  return sizes.flatMap((s, i) => (test(s) ? [i + 1] : []));
}

function inches(pt: number): string {
  return (Math.round((pt / 72) * 100) / 100).toString();
}

/** "Page 3", "Pages 2, 5 and 7", "All 4 pages", "14 pages (1, 2, 3, 5, 8, …)". */
export function describePages(pages: number[], total: number): string {
  if (pages.length === 1) return `Page ${pages[0] ?? ''}`;
  if (pages.length === total) return `All ${total} pages`;
  if (pages.length <= 6) return `Pages ${pages.slice(0, -1).join(', ')} and ${pages.at(-1) ?? ''}`;
  return `${pages.length} pages (${pages.slice(0, 5).join(', ')}, …)`;
}

/**
 * Heuristic for "this page will look bad in black and white": an image XObject (directly or
 * inside a form XObject) whose colour space can hold colour (DeviceRGB, DeviceCMYK, CalRGB,
 * Lab, ICCBased with 3+ components, Indexed over one of those). It looks at the declared
 * colour space, not the pixels, so a grey scan saved as RGB also counts; inline images and
 * vector colour are not examined.
 */
class ColourImageFinder {
  private readonly memo = new Map<PDFDict, boolean>();

  inResources(resources: PDFDict | undefined, depth: number): boolean {
    if (!resources || depth > 4) return false;
    const known = this.memo.get(resources);
    if (known !== undefined) return known;
    this.memo.set(resources, false); // guards against resource cycles
    const found = this.scan(resources, depth);
    this.memo.set(resources, found);
    return found;
  }

  private scan(resources: PDFDict, depth: number): boolean {
    const xobjects = resources.lookupMaybe(PDFName.of('XObject'), PDFDict);
    if (!xobjects) return false;
    for (const [, value] of xobjects.entries()) {
      const stream = resources.context.lookup(value);
      if (!(stream instanceof PDFStream)) continue;
      const dict = stream.dict;
      const subtype = dict.lookup(PDFName.of('Subtype'));
      if (subtype === PDFName.of('Image')) {
        if (dict.lookup(PDFName.of('ImageMask')) === PDFBool.True) continue;
        if (isColourSpace(dict.lookup(PDFName.of('ColorSpace')), 0)) return true;
      } else if (subtype === PDFName.of('Form')) {
        if (this.inResources(dict.lookupMaybe(PDFName.of('Resources'), PDFDict), depth + 1)) return true;
      }
    }
    return false;
  }
}

const COLOUR_NAMES = new Set(['DeviceRGB', 'DeviceCMYK', 'CalRGB', 'Lab']);

function isColourSpace(cs: PDFObject | undefined, depth: number): boolean {
  if (cs instanceof PDFName) return COLOUR_NAMES.has(cs.decodeText());
  if (!(cs instanceof PDFArray) || depth > 2) return false;
  const family = cs.lookup(0);
  if (!(family instanceof PDFName)) return false;
  switch (family.decodeText()) {
    case 'ICCBased': {
      const profile = cs.lookup(1);
      const n = profile instanceof PDFStream ? profile.dict.lookup(PDFName.of('N')) : undefined;
      return n instanceof PDFNumber && n.asNumber() >= 3;
    }
    case 'Indexed':
      return isColourSpace(cs.lookup(1), depth + 1);
    default:
      return COLOUR_NAMES.has(family.decodeText());
  }
}
