// The document work that runs inside a pool worker (never on the gateway's event loop).
import { isBlankText, layoutPages, normaliseText } from './text-layout';
import { textGrid, type PageSize } from './page-limits';
import type { PreflightOptions, PreflightResult } from './preflight';
import type { ImageKind } from './sniff';

export type DocumentTask =
  | { op: 'preflight'; bytes: Uint8Array; options?: PreflightOptions }
  | { op: 'textToPdf'; bytes: Uint8Array; pageSize: PageSize }
  | { op: 'textPages'; bytes: Uint8Array; pageSize: PageSize }
  | { op: 'merge'; parts: Uint8Array[] }
  | { op: 'imageToPdf'; bytes: Uint8Array; kind: ImageKind; pageSize: PageSize };

export interface DocumentTaskResults {
  preflight: PreflightResult;
  textToPdf: { pdf: Uint8Array; pages: number };
  textPages: number;
  merge: { pdf: Uint8Array; pages: number };
  imageToPdf: { pdf: Uint8Array; pages: number };
}

// pdf-lib and the fonts load with a worker's first PDF task, so an idle worker stays small.
export async function runDocumentTask(task: DocumentTask): Promise<DocumentTaskResults[DocumentTask['op']]> {
  switch (task.op) {
    case 'preflight':
      return (await import('./preflight')).preflightPdf(task.bytes, task.options);
    case 'textToPdf': {
      const { textToPdf } = await import('./txt-to-pdf');
      const { pdf, pages } = await textToPdf(decodeUtf8(task.bytes), { pageSize: task.pageSize });
      return { pdf, pages };
    }
    case 'textPages':
      return estimateTextPages(decodeUtf8(task.bytes), task.pageSize);
    case 'merge':
      return (await import('./preflight')).mergePdfs(task.parts);
    case 'imageToPdf':
      return (await import('./image-to-pdf')).imageToPdf(task.bytes, task.kind, task.pageSize);
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/**
 * Pages a text file will fill, from the layout alone (no PDF is made): the same grid, wrapping and
 * form feeds as textToPdf, one column per character as the built-in Courier has. Wide characters
 * can only add lines, so the count after conversion is confirmed too.
 */
export function estimateTextPages(text: string, pageSize: PageSize): number {
  const clean = normaliseText(text);
  return isBlankText(clean) ? 0 : layoutPages(clean, textGrid(pageSize)).length;
}
