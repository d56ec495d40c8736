export { sniffDocument, isValidUtf8Text, isWellFormedUtf8 } from './sniff';
export type { DocumentKind, SniffResult } from './sniff';
export { textToPdf, textGrid } from './txt-to-pdf';
export type { PageSize, TextToPdfResult } from './txt-to-pdf';
export { preflightPdf, mergePdfs, MAX_FAX_PAGES, LARGE_FILE_BYTES } from './preflight';
export type { PreflightResult, PreflightWarning, PreflightWarningCode, PreflightFailure, PreflightOptions, PageSizePt } from './preflight';
export { DocumentError } from './errors';
export type { DocumentErrorCode } from './errors';
