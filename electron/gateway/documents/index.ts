export { sniffDocument, isValidUtf8Text, isWellFormedUtf8 } from './sniff';
export type { DocumentKind, SniffResult } from './sniff';
export type { PageSize, TextToPdfResult } from './txt-to-pdf';
export type { PreflightResult, PreflightWarning, PreflightWarningCode, PreflightFailure, PreflightOptions, PageSizePt } from './preflight';
export { DocumentError } from './errors';
export type { DocumentErrorCode } from './errors';

// pdf-lib and the fonts take about half a second to load and tens of MB to hold: they load on the
// first document that needs them, not at gateway start.
type TextToPdf = typeof import('./txt-to-pdf').textToPdf;
type Preflight = typeof import('./preflight');

export const textToPdf: TextToPdf = async (...args) => (await import('./txt-to-pdf')).textToPdf(...args);
export const preflightPdf: Preflight['preflightPdf'] = async (...args) => (await import('./preflight')).preflightPdf(...args);
export const mergePdfs: Preflight['mergePdfs'] = async (...args) => (await import('./preflight')).mergePdfs(...args);
