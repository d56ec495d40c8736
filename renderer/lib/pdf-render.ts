import { GlobalWorkerOptions, getDocument, type PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import type { FaxPaper } from '../../shared/fax-page';
import type { FaxResolution } from '../../shared/settings';
import { ditherToFax, faxRasterLayout, tinyTextShare, type PageFacts } from './page-analysis';

GlobalWorkerOptions.workerSrc = workerUrl;

export interface RenderedPage {
  /** Object URL of the page as a 1-bit PNG, each scan line as tall as the receiving machine prints it. */
  url: string;
  /** Scan lines in the fax raster (1728 dots each): what the fax carries at the chosen resolution. */
  rows: number;
  facts: PageFacts;
}

export type OpenedPdf =
  { ok: true; doc: PDFDocumentProxy; pages: number; encrypted: boolean } | { ok: false; reason: 'password' | 'invalid'; message: string };

export async function openPdf(bytes: Uint8Array): Promise<OpenedPdf> {
  try {
    // eval is off so a strict Content-Security-Policy (Electron) never blocks rendering.
    const doc = await getDocument({ data: bytes, isEvalSupported: false }).promise;
    const meta = await doc.getMetadata();
    const info = meta.info as { EncryptFilterName?: string | null };
    return { ok: true, doc, pages: doc.numPages, encrypted: Boolean(info.EncryptFilterName) };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'PasswordException') {
      return { ok: false, reason: 'password', message: 'This PDF needs a password to open. Remove the password and add it again.' };
    }
    return { ok: false, reason: 'invalid', message: 'This file is not a readable PDF. Open it, save it again as PDF, and retry.' };
  }
}

/**
 * Renders one page the way the receiving machine prints it: onto the fax raster (1728 dots a
 * line, 196 or 98 lines an inch, page fitted to the paper as Ghostscript does), dithered to black
 * and white, then each line drawn as tall as it prints (twice at standard). Also measures the
 * page for pre-flight.
 */
export async function renderPage(
  doc: PDFDocumentProxy,
  pageNumber: number,
  fax: { resolution: FaxResolution; paper: FaxPaper },
): Promise<RenderedPage> {
  const page = await doc.getPage(pageNumber);
  const base = page.getViewport({ scale: 1 });
  const layout = faxRasterLayout(base.width, base.height, fax.resolution, fax.paper);
  const raster = document.createElement('canvas');
  raster.width = layout.width;
  raster.height = layout.rows;
  const context = raster.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('Canvas is not available');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, raster.width, raster.height);
  // pdf.js draws at one scale; the extra transform squeezes rows to the fax's line spacing and centres the page.
  const viewport = page.getViewport({ scale: layout.scaleX });
  const transform = [1, 0, 0, layout.scaleY / layout.scaleX, layout.offsetX, layout.offsetY];
  await page.render({ canvas: raster, canvasContext: context, viewport, transform }).promise;
  const image = context.getImageData(0, 0, raster.width, raster.height);
  const stats = ditherToFax(image.data, image.width);
  context.putImageData(image, 0, 0);
  const text = await page.getTextContent();
  const share = tinyTextShare(text.items.filter((item): item is { str: string; transform: number[] } & typeof item => 'str' in item));
  page.cleanup();
  return {
    url: await canvasUrl(printedPage(raster, layout.lineRepeat)),
    rows: layout.rows,
    facts: {
      page: pageNumber,
      widthPt: base.width,
      heightPt: base.height,
      colourFraction: stats.colourFraction,
      inkFraction: stats.inkFraction,
      chars: share.chars,
      tinyChars: share.tiny,
    },
  };
}

/** The raster with every line repeated `lineRepeat` times, without smoothing: a standard fax's coarse lines stay visible. */
function printedPage(raster: HTMLCanvasElement, lineRepeat: number): HTMLCanvasElement {
  if (lineRepeat === 1) return raster;
  const printed = document.createElement('canvas');
  printed.width = raster.width;
  printed.height = raster.height * lineRepeat;
  const context = printed.getContext('2d');
  if (!context) throw new Error('Canvas is not available');
  context.imageSmoothingEnabled = false;
  context.drawImage(raster, 0, 0, printed.width, printed.height);
  return printed;
}

function canvasUrl(canvas: HTMLCanvasElement): Promise<string> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(URL.createObjectURL(b)) : reject(new Error('Could not encode the page'))), 'image/png'),
  );
}

/**
 * Renders a received fax for reading. The PDF page size carries the fax's real proportions,
 * so standard-resolution (204×98) faxes are not shown squashed.
 */
export async function renderForReading(bytes: Uint8Array): Promise<string[]> {
  const doc = await getDocument({ data: bytes, isEvalSupported: false }).promise;
  const urls: string[] = [];
  try {
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const viewport = page.getViewport({ scale: 150 / 72 });
      const canvas = document.createElement('canvas');
      canvas.width = Math.ceil(viewport.width);
      canvas.height = Math.ceil(viewport.height);
      await page.render({ canvas, viewport }).promise;
      urls.push(await canvasUrl(canvas));
      page.cleanup();
    }
  } finally {
    await doc.destroy();
  }
  return urls;
}
