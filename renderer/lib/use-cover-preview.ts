import { useEffect, useRef, useState } from 'react';
import type { MethodInput } from '../../shared/contract';
import type { CoverPreview } from '../../shared/cover';
import { errorMessage } from '../api/client';
import { useInvoke } from '../api/hooks';
import { base64ToBytes } from './files';
import type { FaxPaper } from '../../shared/fax-page';
import type { FaxResolution } from '../../shared/settings';

export interface CoverPreviewState {
  preview: CoverPreview | null;
  /** Object URL of the cover drawn in fax black and white, like the document thumbnails. */
  thumb: string | null;
  error: string | null;
  pending: boolean;
}

const EMPTY: CoverPreviewState = { preview: null, thumb: null, error: null, pending: false };

/**
 * The cover page the gateway would send, redrawn as the user types: each change waits `delayMs`
 * for the next keystroke, and an answer that arrives after a newer request started is dropped.
 */
export function useCoverPreview(
  input: MethodInput<'covers:preview'> | null,
  fax: { resolution: FaxResolution; paper: FaxPaper },
  delayMs = 400,
): CoverPreviewState {
  const invoke = useInvoke();
  const [state, setState] = useState<CoverPreviewState>(EMPTY);
  const latest = useRef(0);
  // The cover is drawn on the same fax raster as the documents, so a resolution change redraws it too.
  const key = input ? JSON.stringify({ input, resolution: fax.resolution, paper: fax.paper }) : '';

  useEffect(() => {
    const request = ++latest.current;
    if (!key) {
      setState(EMPTY);
      return;
    }
    setState((current) => ({ ...current, pending: true }));
    const timer = setTimeout(() => {
      void (async () => {
        try {
          const target = JSON.parse(key) as {
            input: MethodInput<'covers:preview'>;
            resolution: FaxResolution;
            paper: FaxPaper;
          };
          const preview = await invoke('covers:preview', target.input);
          let thumb: string | null = null;
          if (preview.pdfBase64) {
            const { openPdf, renderPage } = await import('./pdf-render');
            const opened = await openPdf(base64ToBytes(preview.pdfBase64));
            if (!opened.ok) throw new Error(opened.message);
            thumb = (await renderPage(opened.doc, 1, target)).url;
            await opened.doc.destroy();
          }
          if (request !== latest.current) {
            if (thumb) URL.revokeObjectURL(thumb);
            return;
          }
          setState({ preview, thumb, error: null, pending: false });
        } catch (error) {
          if (request === latest.current) setState({ preview: null, thumb: null, error: errorMessage(error), pending: false });
        }
      })();
    }, delayMs);
    return () => clearTimeout(timer);
  }, [key, delayMs, invoke]);

  // Each new picture replaces the last one; free the old picture's memory.
  const shown = state.thumb;
  useEffect(() => () => (shown ? URL.revokeObjectURL(shown) : undefined), [shown]);
  return state;
}
