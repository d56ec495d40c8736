import { GlobalWorkerOptions, getDocument, type PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { ditherToFax, tinyTextShare, type PageFacts } from './page-analysis';

GlobalWorkerOptions.workerSrc = workerUrl;

/** Preview resolution: close to fax "standard" (204×98) averaged, small enough for many pages. */
const PREVIEW_DPI = 100;

export interface RenderedPage {
  /** Object URL of the page as a 1-bit PNG: what the fax machine will print. */
  url: string;
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

/** Renders one page in fax black and white (dithered greys), and measures it for pre-flight. */
export async function renderPage(doc: PDFDocumentProxy, pageNumber: number): Promise<RenderedPage> {
  const page = await doc.getPage(pageNumber);
  const base = page.getViewport({ scale: 1 });
  const viewport = page.getViewport({ scale: PREVIEW_DPI / 72 });
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(viewport.width);
  canvas.height = Math.ceil(viewport.height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('Canvas is not available');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  await page.render({ canvas, canvasContext: context, viewport }).promise;
  const image = context.getImageData(0, 0, canvas.width, canvas.height);
  const stats = ditherToFax(image.data, image.width);
  context.putImageData(image, 0, 0);
  const text = await page.getTextContent();
  const share = tinyTextShare(text.items.filter((item): item is { str: string; transform: number[] } & typeof item => 'str' in item));
  page.cleanup();
  return {
    url: await canvasUrl(canvas),
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
