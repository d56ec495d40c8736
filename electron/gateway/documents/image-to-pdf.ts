// Scans and photos (JPEG, PNG, TIFF) become PDF pages on the fax paper size. The pixels are kept in
// grey or colour: the step that makes fax pages (the provider, or Ghostscript's tiffg4 for SIP)
// and the Send preview dither them, so a photo never turns into a solid black block.
import { PDFDocument, type PDFImage, type PDFPage } from 'pdf-lib';
import { DocumentError } from './errors';
import { MAX_FAX_PAGES, PAGE_SIZES, tooManyPages, type PageSize } from './page-limits';
import type { ImageKind } from './sniff';
import { tiffToPdf } from './tiff-to-pdf';

/** A 600 dpi Letter scan is 34 megapixels; anything larger is refused before it is decoded. */
export const MAX_IMAGE_PIXELS = 40_000_000;
/** Below the document pool's time budget, so the sender gets tiff2pdf's sentence and not a timeout. */
const TIFF2PDF_TIMEOUT_MS = 15_000;

const NAMES: Record<ImageKind, string> = { jpeg: 'JPEG image', png: 'PNG image', tiff: 'TIFF image' };

export async function imageToPdf(bytes: Uint8Array, kind: ImageKind, pageSize: PageSize): Promise<{ pdf: Uint8Array; pages: number }> {
  const unreadable = new DocumentError('corrupt', `This ${NAMES[kind]} cannot be read. Open it, save it again, and retry.`);
  const out = await PDFDocument.create();
  const [paperWidth, paperHeight] = PAGE_SIZES[pageSize];
  // Centred and only ever shrunk to fit: a small logo stays its size instead of turning into blurry blocks.
  const newPage = (item: {
    width: number;
    height: number;
  }): { page: PDFPage; at: { x: number; y: number; width: number; height: number } } => {
    const scale = Math.min(1, paperWidth / item.width, paperHeight / item.height);
    const width = item.width * scale;
    const height = item.height * scale;
    return {
      page: out.addPage([paperWidth, paperHeight]),
      at: { x: (paperWidth - width) / 2, y: (paperHeight - height) / 2, width, height },
    };
  };
  if (kind === 'tiff') {
    const converted = await tiffToPdf(bytes, TIFF2PDF_TIMEOUT_MS).catch((error: unknown) => {
      throw error instanceof DocumentError ? error : unreadable;
    });
    let source: PDFDocument;
    try {
      source = await PDFDocument.load(converted, { updateMetadata: false });
    } catch {
      throw unreadable;
    }
    const count = source.getPageCount();
    if (count === 0) throw unreadable;
    if (count > MAX_FAX_PAGES) throw new DocumentError('too_complex', tooManyPages('This TIFF image', count));
    for (const embedded of await out.embedPages(source.getPages())) {
      const { page, at } = newPage(embedded);
      page.drawPage(embedded, at);
    }
  } else {
    if (kind === 'png') {
      const size = pngSize(bytes);
      if (!size) throw unreadable;
      if (size.width * size.height > MAX_IMAGE_PIXELS) throw tooLarge(kind, size);
    }
    let image: PDFImage;
    try {
      image = kind === 'png' ? await out.embedPng(bytes) : await out.embedJpg(bytes);
    } catch {
      throw unreadable;
    }
    if (image.width * image.height > MAX_IMAGE_PIXELS) throw tooLarge(kind, image);
    const { page, at } = newPage(image);
    page.drawImage(image, at);
  }
  return { pdf: await out.save(), pages: out.getPageCount() };
}

function tooLarge(kind: ImageKind, size: { width: number; height: number }): DocumentError {
  return new DocumentError(
    'too_complex',
    `This ${NAMES[kind]} is ${size.width} x ${size.height} pixels, too large to fax. Scale it down (a full page at 300 dpi is about 2550 x 3300) and try again.`,
  );
}

/**
 * Width and height from the IHDR chunk, read before pdf-lib decodes (inflates) every pixel; null
 * when the chunks do not run whole to IEND (a file cut off in transfer, which the decoder would
 * silently pad into a half-black page).
 */
function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8; // past the signature
  while (at + 8 <= bytes.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    at += 12 + length; // length, type, data, CRC
    if (at > bytes.length) return null;
    if (type === 'IEND') return bytes.length >= 24 ? { width: view.getUint32(16), height: view.getUint32(20) } : null;
  }
  return null;
}
