export { sniffDocument, isImageKind, isValidUtf8Text, isWellFormedUtf8 } from './sniff';
export type { DocumentKind, ImageKind, SniffResult } from './sniff';
export type { PageSize, TextToPdfResult } from './txt-to-pdf';
export type { PreflightResult, PreflightWarning, PreflightWarningCode, PreflightFailure, PreflightOptions, PageSizePt } from './preflight';
export { MAX_FAX_PAGES, LARGE_FILE_BYTES, tooManyPages, textGrid, textPagesUpperBound } from './page-limits';
export { DocumentPool, documentPool } from './pool';
export type { DocumentPoolOptions } from './pool';
export type { DocumentTask, DocumentTaskResults } from './tasks';
export { MAX_PDF_OBJECTS, MAX_INFLATED_STREAM_BYTES, MAX_INFLATED_TOTAL_BYTES } from './pdf-limits';
export { DocumentError } from './errors';
export type { DocumentErrorCode } from './errors';

// pdf-lib and the fonts take about half a second to load and tens of MB to hold: they load on the
// first document that needs them, not at gateway start (each module's promise is kept, so later
// calls skip the import machinery).
type TextToPdfModule = typeof import('./txt-to-pdf');
type PreflightModule = typeof import('./preflight');
type CoverPageModule = typeof import('./cover-page');
type ReportModule = typeof import('./report');
type CoverTemplateModule = typeof import('./cover-template');
let textToPdfModule: Promise<TextToPdfModule> | undefined;
let preflightModule: Promise<PreflightModule> | undefined;
let coverPageModule: Promise<CoverPageModule> | undefined;
let reportModule: Promise<ReportModule> | undefined;
let coverTemplateModule: Promise<CoverTemplateModule> | undefined;
const loadTextToPdf = () => (textToPdfModule ??= import('./txt-to-pdf'));
const loadPreflight = () => (preflightModule ??= import('./preflight'));
const loadCoverPage = () => (coverPageModule ??= import('./cover-page'));
const loadReport = () => (reportModule ??= import('./report'));
const loadCoverTemplate = () => (coverTemplateModule ??= import('./cover-template'));

export const textToPdf: TextToPdfModule['textToPdf'] = async (...args) => (await loadTextToPdf()).textToPdf(...args);
export const preflightPdf: PreflightModule['preflightPdf'] = async (...args) => (await loadPreflight()).preflightPdf(...args);
export const mergePdfs: PreflightModule['mergePdfs'] = async (...args) => (await loadPreflight()).mergePdfs(...args);
export const renderCoverPage: CoverPageModule['renderCoverPage'] = async (...args) => (await loadCoverPage()).renderCoverPage(...args);
export const stampHeaderLine: CoverPageModule['stampHeaderLine'] = async (...args) => (await loadCoverPage()).stampHeaderLine(...args);
export const firstPageThumbnail: ReportModule['firstPageThumbnail'] = async (...args) => (await loadReport()).firstPageThumbnail(...args);
export const renderConfirmationReport: ReportModule['renderConfirmationReport'] = async (...args) =>
  (await loadReport()).renderConfirmationReport(...args);
export const inspectCoverTemplate: CoverTemplateModule['inspectCoverTemplate'] = async (...args) =>
  (await loadCoverTemplate()).inspectCoverTemplate(...args);
export const renderImportedCover: CoverTemplateModule['renderImportedCover'] = async (...args) =>
  (await loadCoverTemplate()).renderImportedCover(...args);
