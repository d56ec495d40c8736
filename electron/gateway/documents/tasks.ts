// The document work that runs inside a pool worker (never on the gateway's event loop).
import { TAB_STOP, isBlankText, layoutPages, normaliseText } from './text-layout';
import { mergePdfs, preflightPdf, type PreflightOptions, type PreflightResult } from './preflight';
import { textGrid, textToPdf, type PageSize } from './txt-to-pdf';

export type DocumentTask =
  | { op: 'preflight'; bytes: Uint8Array; options?: PreflightOptions }
  | { op: 'textToPdf'; bytes: Uint8Array; pageSize: PageSize }
  | { op: 'textPages'; bytes: Uint8Array; pageSize: PageSize }
  | { op: 'merge'; parts: Uint8Array[] };

export interface DocumentTaskResults {
  preflight: PreflightResult;
  textToPdf: { pdf: Uint8Array; pages: number };
  textPages: number;
  merge: { pdf: Uint8Array; pages: number };
}

export async function runDocumentTask(task: DocumentTask): Promise<DocumentTaskResults[DocumentTask['op']]> {
  switch (task.op) {
    case 'preflight':
      return preflightPdf(task.bytes, task.options);
    case 'textToPdf': {
      const { pdf, pages } = await textToPdf(decodeUtf8(task.bytes), { pageSize: task.pageSize });
      return { pdf, pages };
    }
    case 'textPages':
      return estimateTextPages(decodeUtf8(task.bytes), task.pageSize);
    case 'merge':
      return mergePdfs(task.parts);
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/**
 * A bound no layout can exceed, from byte counts alone (cheap enough for the request thread):
 * word wrap keeps at least half a line, so a line of w columns wraps into at most 1 + 2w/cols
 * lines, and a character other than a tab is at most one byte and one column in the estimate. When this bound is
 * within a limit, the layout estimate is too and need not be computed.
 */
export function textPagesUpperBound(bytes: Uint8Array, pageSize: PageSize): number {
  const { cols, rows } = textGrid(pageSize);
  let lineBreaks = 0;
  let formFeeds = 0;
  let tabs = 0;
  for (const b of bytes) {
    if (b === 0x0a || b === 0x0d) lineBreaks++;
    else if (b === 0x0c) formFeeds++;
    else if (b === 0x09) tabs++;
  }
  // A tab is one byte but up to TAB_STOP columns.
  const columns = bytes.byteLength + (TAB_STOP - 1) * tabs;
  return Math.ceil((lineBreaks + 1 + (2 * columns) / cols) / rows) + formFeeds + 1;
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
