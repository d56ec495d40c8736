import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { MethodInput, MethodOutput } from '../../shared/contract';
import type { FaxPaper } from '../../shared/fax-page';
import type { FaxResolution } from '../../shared/settings';
import { errorMessage } from '../api/client';
import { base64ToBytes, bytesToBase64, sniffKind, type DocumentKind, type IncomingFile } from './files';
import { mergeWarnings, warningsFor, type PageFacts, type Warning } from './page-analysis';

/** Past this many pages the preview shows a count instead of more thumbnails (memory). */
export const MAX_THUMBNAILS = 60;

export interface SendDocument {
  key: string;
  name: string;
  size: number;
  kind: DocumentKind;
  base64: string;
  state: 'checking' | 'ready' | 'error';
  pages: number | null;
  /** 1-bit page previews at the chosen resolution, in page order. */
  thumbs: PagePreview[];
  textPreview: string | null;
  warnings: Warning[];
  error: string | null;
  /** A waiting print job this document came from: sending the form marks it sent. */
  printJobId?: string;
}

export interface PagePreview {
  /** Object URL of the page as printed. */
  url: string;
  /** Scan lines the fax carries for this page (1728 dots each). */
  rows: number;
}

type Preflight = (input: MethodInput<'jobs:preflight'>) => Promise<MethodOutput<'jobs:preflight'>>;

let counter = 0;

function revokeAll(pages: readonly PagePreview[]): void {
  for (const page of pages) URL.revokeObjectURL(page.url);
}

/**
 * The documents waiting on the Send screen. Lives above the pages so files dropped on any
 * screen land here, and so previews keep rendering while the user looks elsewhere. Previews are
 * drawn at the fax resolution chosen for the send (fine by default) and redrawn when it changes.
 */
export function useSendDocuments(preflight: Preflight, maxFileSizeMb: number, paper: FaxPaper) {
  const [docs, setDocs] = useState<SendDocument[]>([]);
  const docsRef = useRef(docs);
  docsRef.current = docs;
  const [resolution, setResolution] = useState<FaxResolution>('fine');
  const fax = useMemo(() => ({ resolution, paper }), [resolution, paper]);
  const faxRef = useRef(fax);
  faxRef.current = fax;
  /** The PDF each preview is drawn from (the document itself, or the pages the gateway made of an image). */
  const previewPdfs = useRef(new Map<string, Uint8Array>());
  const present = (key: string) => docsRef.current.some((d) => d.key === key);

  const patch = useCallback((key: string, change: (doc: SendDocument) => Partial<SendDocument>) => {
    setDocs((list) => list.map((doc) => (doc.key === key ? { ...doc, ...change(doc) } : doc)));
  }, []);

  const process = useCallback(
    async (doc: SendDocument, bytes: Uint8Array) => {
      const localFacts: PageFacts[] = [];
      let localWarnings: Warning[] = [];
      let localError: string | null = null;
      const render = async (pdfBytes: Uint8Array) => {
        const { openPdf, renderPage } = await import('./pdf-render');
        previewPdfs.current.set(doc.key, pdfBytes);
        // pdf.js takes ownership of (detaches) the buffer it is given.
        const opened = await openPdf(pdfBytes.slice());
        if (!opened.ok) {
          localError = opened.message;
          return;
        }
        if (opened.encrypted) {
          localWarnings.push({
            code: 'encrypted',
            message: 'This PDF is encrypted. Some fax services refuse encrypted files; print it to a new PDF if sending fails.',
          });
        }
        patch(doc.key, () => ({ pages: opened.pages }));
        const target = faxRef.current;
        const last = Math.min(opened.pages, MAX_THUMBNAILS);
        for (let n = 1; n <= last; n++) {
          const page = await renderPage(opened.doc, n, target);
          localFacts.push(page.facts);
          if (!present(doc.key)) {
            URL.revokeObjectURL(page.url); // Removed while rendering.
            break;
          }
          // The resolution changed: the redraw owns the thumbnails; this pass only measures for the warnings.
          if (faxRef.current !== target) {
            URL.revokeObjectURL(page.url);
            continue;
          }
          patch(doc.key, (current) => ({ thumbs: [...current.thumbs, { url: page.url, rows: page.rows }] }));
        }
        await opened.doc.destroy();
        localWarnings = [...localWarnings, ...warningsFor(localFacts)];
      };
      const drawPreview = (pdfBytes: Uint8Array) =>
        render(pdfBytes).catch((error: unknown) => {
          localError = `The preview could not be drawn: ${errorMessage(error)}`;
        });
      const checked = preflight({ documents: [{ name: doc.name, contentBase64: doc.base64 }] });
      // An image is previewed as the pages the gateway makes of it, dithered like any PDF page.
      const preview =
        doc.kind === 'pdf'
          ? drawPreview(bytes)
          : doc.kind === 'image'
            ? checked.then((result) => (result.previewPdfBase64 ? drawPreview(base64ToBytes(result.previewPdfBase64)) : undefined))
            : Promise.resolve();
      const [gateway] = await Promise.allSettled([checked, preview]);
      if (gateway.status === 'rejected') {
        patch(doc.key, () => ({ state: 'error', error: errorMessage(gateway.reason) }));
        return;
      }
      const result = gateway.value;
      const error = result.ok ? localError : (result.error ?? 'The gateway cannot fax this document.');
      patch(doc.key, () => ({
        state: error ? 'error' : 'ready',
        error,
        pages: result.pages,
        warnings: mergeWarnings(result.warnings, localWarnings),
      }));
    },
    [patch, preflight],
  );

  /** Draws a document's pages again at the current resolution, swapping the thumbnails in once all are done. */
  const redraw = useCallback(
    async (key: string, pdfBytes: Uint8Array, target: typeof fax) => {
      const { openPdf, renderPage } = await import('./pdf-render');
      const opened = await openPdf(pdfBytes.slice());
      if (!opened.ok) return;
      const drawn: PagePreview[] = [];
      try {
        for (let n = 1; n <= Math.min(opened.pages, MAX_THUMBNAILS); n++) {
          if (!present(key) || faxRef.current !== target) break;
          const page = await renderPage(opened.doc, n, target);
          drawn.push({ url: page.url, rows: page.rows });
        }
      } finally {
        await opened.doc.destroy();
      }
      if (!present(key) || faxRef.current !== target) {
        revokeAll(drawn);
        return;
      }
      revokeAll(docsRef.current.find((d) => d.key === key)?.thumbs ?? []);
      patch(key, () => ({ thumbs: drawn }));
    },
    [patch],
  );

  const drawnFor = useRef(fax);
  useEffect(() => {
    if (drawnFor.current === fax) return;
    drawnFor.current = fax;
    for (const [key, pdfBytes] of previewPdfs.current) void redraw(key, pdfBytes, fax).catch(() => undefined);
  }, [fax, redraw]);

  const addFiles = useCallback(
    (files: (IncomingFile & { printJobId?: string })[]) => {
      for (const file of files) {
        const kind = sniffKind(file.bytes);
        const base: SendDocument = {
          key: `doc-${++counter}`,
          name: file.name,
          size: file.bytes.length,
          kind,
          base64: '',
          state: 'checking',
          pages: null,
          thumbs: [],
          textPreview: null,
          warnings: [],
          error: null,
          ...(file.printJobId ? { printJobId: file.printJobId } : {}),
        };
        if (file.bytes.length > maxFileSizeMb * 1024 * 1024) {
          setDocs((list) => [...list, { ...base, state: 'error', error: `This file is larger than the ${maxFileSizeMb} MB limit.` }]);
          continue;
        }
        if (kind === 'unsupported') {
          setDocs((list) => [
            ...list,
            {
              ...base,
              state: 'error',
              error: 'Only PDF, plain-text and JPEG, PNG or TIFF image files can be faxed. Save it as PDF and add it again.',
            },
          ]);
          continue;
        }
        const doc: SendDocument = {
          ...base,
          base64: bytesToBase64(file.bytes),
          textPreview: kind === 'txt' ? new TextDecoder().decode(file.bytes.subarray(0, 4000)) : null,
        };
        setDocs((list) => [...list, doc]);
        void process(doc, file.bytes);
      }
    },
    [maxFileSizeMb, process],
  );

  const remove = useCallback((key: string) => {
    previewPdfs.current.delete(key);
    setDocs((list) => {
      revokeAll(list.find((d) => d.key === key)?.thumbs ?? []);
      return list.filter((d) => d.key !== key);
    });
  }, []);

  const move = useCallback((key: string, delta: -1 | 1) => {
    setDocs((list) => {
      const from = list.findIndex((d) => d.key === key);
      const to = from + delta;
      if (from < 0 || to < 0 || to >= list.length) return list;
      const next = [...list];
      const [doc] = next.splice(from, 1);
      if (doc) next.splice(to, 0, doc);
      return next;
    });
  }, []);

  const clear = useCallback(() => {
    previewPdfs.current.clear();
    setDocs((list) => {
      for (const doc of list) revokeAll(doc.thumbs);
      return [];
    });
  }, []);

  // Free the previews when the app goes away.
  useEffect(() => () => docsRef.current.forEach((doc) => revokeAll(doc.thumbs)), []);

  return { docs, addFiles, remove, move, clear, resolution, setResolution, fax };
}

export type SendDocuments = ReturnType<typeof useSendDocuments>;
