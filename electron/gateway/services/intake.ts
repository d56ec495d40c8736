import { mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { normalizeFaxNumber } from '../../../shared/phone';
import type { FaxResolution } from '../../../shared/settings';
import type { JobView, PreflightView } from '../../../shared/types';
import {
  DocumentError,
  MAX_FAX_PAGES,
  documentPool,
  isImageKind,
  sniffDocument,
  textPagesUpperBound,
  tooManyPages,
  type DocumentKind,
  type DocumentPool,
  type DocumentTask,
  type DocumentTaskResults,
  type ImageKind,
} from '../documents';
import type { StoredDocuments } from '../storage/artifact-store';
import { AppError, badRequest } from './errors';
import type { JobRow } from '../store/types';
import type { JobsService } from './jobs';
import type { SettingsService } from './settings';

export interface IntakeDeps {
  /** Large uploads stream here before they are committed: the local documents folder, so moving one in is a rename. */
  stagingDir: string;
  /** Where committed documents go (local folder or S3). */
  documentStore: StoredDocuments;
  newId: () => string;
  now: () => number;
  settings: SettingsService;
  jobs: JobsService;
  activeBackend: () => { backend: JobView['backend']; testMode: boolean };
  onAccepted: () => void;
  /** Where documents are parsed and converted (worker threads); default the gateway's shared pool. */
  documents?: DocumentPool;
}

export interface StagedUpload {
  id: string;
  /** An image is already a PDF here (converted while staging). */
  kind: 'pdf' | 'txt';
  /** The local staging file of a large upload, or '' when `bytes` holds a small one. */
  uploadPath: string;
  bytes: Buffer | null;
  pages: number | null;
  fileName: string | null;
}

/** What a send may add to the plain Faxbot request. */
export interface SendOptions {
  /** Chosen per fax (SIP renders at it, SignalWire sends it as Quality); absent = fine. */
  resolution?: FaxResolution;
  batchId?: string | null;
  sendAt?: number | null;
  coverTemplate?: string | null;
}

export interface DocumentInput {
  name: string;
  bytes: Uint8Array;
}

const unsupported = () =>
  new AppError('unsupported_type', 'Only PDF, TXT, JPEG, PNG and TIFF are allowed (the type is read from the file contents, not its name)');

/**
 * Control characters (C0, C1), bidirectional overrides and isolates (a right-to-left override makes
 * "invoice\u202Efdp.exe" read as "invoiceexe.pdf"), zero-width characters and the BOM.
 */
const UNSAFE_NAME_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** Strips directories and invisible or reordering characters: the name is only ever shown, never used as a path. */
export function cleanFileName(name: string | undefined): string | null {
  if (!name) return null;
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(UNSAFE_NAME_CHARACTERS, '').trim().slice(0, 255);
  return clean || null;
}

function preflightFailure(reason: string, message: string): AppError {
  return badRequest(reason === 'encrypted' ? message : `The PDF cannot be faxed: ${message}`);
}

/** Uploads up to this size are kept in memory and written with one call; larger ones stream to disk. */
const SMALL_UPLOAD_BYTES = 256 * 1024;
const NUMBER_CACHE_SIZE = 2000;
/** A staging file untouched this long belongs to no live upload (uploads are bounded by MAX_FILE_SIZE_MB and request timeouts). */
const STALE_STAGING_MS = 60 * 60_000;

export class IntakeService {
  /** libphonenumber costs ~0.3 ms a parse; scripts send to the same few numbers over and over. */
  private readonly numberCache = new Map<string, ReturnType<typeof normalizeFaxNumber>>();

  private readonly documents: DocumentPool;

  constructor(private readonly deps: IntakeDeps) {
    this.jobsDir = deps.stagingDir;
    this.documents = deps.documents ?? documentPool();
  }

  /** Document work for a request, off the event loop; a document the worker refuses is the sender's 400. */
  private async onWorker<K extends DocumentTask['op']>(
    task: Extract<DocumentTask, { op: K }>,
    prefix = '',
  ): Promise<DocumentTaskResults[K]> {
    try {
      return await this.documents.run(task);
    } catch (error) {
      if (error instanceof DocumentError) throw badRequest(prefix + error.message);
      throw error;
    }
  }

  /** Refuses a text file that would make more pages than a fax may have, before anything is converted. */
  private async checkTextPages(bytes: Uint8Array, subject: string): Promise<void> {
    const pageSize = this.deps.settings.current.pageSize;
    if (textPagesUpperBound(bytes, pageSize) <= MAX_FAX_PAGES) return;
    const pages = await this.onWorker({ op: 'textPages', bytes, pageSize });
    if (pages > MAX_FAX_PAGES) throw badRequest(tooManyPages(subject, pages));
  }

  /** A scan or photo becomes PDF pages on the configured paper, off the event loop. */
  private imageToPdf(bytes: Uint8Array, kind: ImageKind, prefix: string): Promise<{ pdf: Uint8Array; pages: number }> {
    return this.onWorker({ op: 'imageToPdf', bytes, kind, pageSize: this.deps.settings.current.pageSize }, prefix);
  }

  /** Uploads are staged flat in one folder as <id>-upload.part, then <id>-upload.<ext> (no folder per job). */
  private readonly jobsDir: string;

  private jobFile(id: string, name: string): string {
    return join(this.jobsDir, `${id}-${name}`);
  }

  normalize(to: string): { input: string; e164: string } {
    const region = this.deps.settings.current.defaultRegion;
    const key = `${region}|${to}`;
    let result = this.numberCache.get(key);
    if (!result) {
      result = normalizeFaxNumber(to, region);
      if (this.numberCache.size >= NUMBER_CACHE_SIZE) this.numberCache.clear();
      this.numberCache.set(key, result);
    }
    if (!result.ok) throw badRequest(result.reason);
    return { input: to.trim(), e164: result.e164 };
  }

  /**
   * The REST upload, step 1: streamed to disk in chunks under MAX_FILE_SIZE_MB, the type sniffed
   * from the first bytes and TXT validated as UTF-8 as it streams. Nothing is committed yet.
   */
  async stageUpload(input: { fileName?: string; stream: Readable }): Promise<StagedUpload> {
    const id = this.deps.newId();
    const partial = this.jobFile(id, 'upload.part');
    const limit = this.deps.settings.current.maxFileSizeMb * 1024 * 1024;
    let handle: FileHandle | null = null;
    let buffered: Buffer[] = [];
    let kind: DocumentKind | null = null;
    let size = 0;
    let sawText = false;
    const decoder = new TextDecoder('utf-8', { fatal: true });
    try {
      for await (const chunk of input.stream as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > limit) throw new AppError('too_large', `File exceeds ${this.deps.settings.current.maxFileSizeMb} MB limit`);
        if (kind === null) {
          const sniffed = sniffDocument(chunk);
          if ('error' in sniffed) {
            if (sniffed.error === 'empty') continue;
            throw unsupported();
          }
          kind = sniffed.kind;
          // A worker is a whole V8 isolate (about 10 MB): none idles in a gateway that has had no document;
          // the first one starts while the rest of the upload streams in.
          this.documents.warm();
        }
        if (kind === 'txt') {
          let text: string;
          try {
            text = decoder.decode(chunk, { stream: true });
          } catch {
            throw unsupported();
          }
          if (text.includes('\u0000')) throw unsupported();
          if (!sawText && /\S/.test(text)) sawText = true;
        }
        if (handle) {
          await handle.write(chunk);
        } else {
          buffered.push(chunk);
          if (size > SMALL_UPLOAD_BYTES) {
            await mkdir(this.jobsDir, { recursive: true });
            handle = await open(partial, 'w');
            for (const part of buffered) await handle.write(part);
            buffered = [];
          }
        }
      }
      if (kind === 'txt') {
        try {
          decoder.decode();
        } catch {
          throw unsupported();
        }
      }
      if (size === 0 || kind === null) throw badRequest('The file is empty');
      if (kind === 'txt' && !sawText) throw badRequest('The text file has no text in it');
      // A small upload stays in memory and is committed with its job row: no file on the request path.
      const bytes = handle ? null : Buffer.concat(buffered);
      if (handle) await handle.close();
      let pages: number | null = null;
      const content = bytes ?? (await readFile(partial));
      if (isImageKind(kind)) {
        const converted = await this.imageToPdf(content, kind, '');
        await rm(partial, { force: true });
        const pdf = Buffer.from(converted.pdf.buffer, converted.pdf.byteOffset, converted.pdf.byteLength);
        return { id, kind: 'pdf', uploadPath: '', bytes: pdf, pages: converted.pages, fileName: cleanFileName(input.fileName) };
      }
      if (kind === 'pdf') {
        const result = await this.onWorker({ op: 'preflight', bytes: content }, 'The PDF cannot be faxed: ');
        if (!result.ok) throw preflightFailure(result.reason, result.message);
        pages = result.pages;
      } else {
        await this.checkTextPages(content, 'This text file');
      }
      let uploadPath = '';
      if (!bytes) {
        uploadPath = this.jobFile(id, `upload.${kind}`);
        await rename(partial, uploadPath);
      }
      return { id, kind, uploadPath, bytes, pages, fileName: cleanFileName(input.fileName) };
    } catch (error) {
      await handle?.close().catch(() => undefined);
      await this.discard({ id });
      throw error;
    }
  }

  /**
   * Removes staging files left by a crash or a full disk, so the space comes back. Only old ones:
   * another gateway sharing this folder may be streaming an upload right now (each write touches
   * its file, so a live upload never looks old). Returns how many were removed.
   */
  async sweepPartials(): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.jobsDir);
    } catch {
      return 0;
    }
    const cutoff = this.deps.now() - STALE_STAGING_MS;
    let removed = 0;
    for (const name of names.filter((n) => n.endsWith('-upload.part') || n.endsWith('.tmp'))) {
      const file = join(this.jobsDir, name);
      const modified = await stat(file).then(
        (s) => s.mtimeMs,
        () => Infinity,
      );
      if (modified >= cutoff) continue;
      await rm(file, { force: true });
      removed += 1;
    }
    return removed;
  }

  async discard(staged: { id: string }): Promise<void> {
    for (const name of ['upload.part', 'upload.pdf', 'upload.txt']) await rm(this.jobFile(staged.id, name), { force: true });
  }

  /** Step 2: the number is checked and the job row committed; only then is the upload accepted. */
  async commitUpload(staged: StagedUpload, to: string, apiKeyId: string | null, options: SendOptions = {}): Promise<JobView> {
    let number: { input: string; e164: string };
    try {
      number = this.normalize(to);
    } catch (error) {
      await this.discard(staged);
      throw error;
    }
    // A large upload moves from staging into the store (a rename for the local folder, an upload for S3).
    let uploadRef = '';
    try {
      if (staged.uploadPath) uploadRef = await this.deps.documentStore.saveFile(`${staged.id}-upload.${staged.kind}`, staged.uploadPath);
    } catch (error) {
      await this.discard(staged);
      throw error;
    }
    const job = await this.createJob(uploadRef, {
      id: staged.id,
      toInput: number.input,
      toE164: number.e164,
      ...this.deps.activeBackend(),
      fileName: staged.fileName,
      sourceKind: staged.kind,
      uploadPath: uploadRef,
      uploadBytes: staged.bytes,
      pdfPath: staged.kind === 'pdf' && uploadRef ? uploadRef : null,
      pages: staged.pages,
      apiKeyId,
      resolution: options.resolution,
      sendAt: options.sendAt ?? null,
    });
    this.deps.onAccepted();
    return job;
  }

  /** Commits the job row for an already stored document; if that fails, the document goes too (nothing orphaned). */
  private async createJob(documentRef: string, job: Parameters<JobsService['create']>[0]): Promise<JobView> {
    try {
      return await this.deps.jobs.create(job);
    } catch (error) {
      if (documentRef) await this.deps.documentStore.remove(documentRef).catch(() => undefined);
      throw error;
    }
  }

  /** Converts and checks one document (every door uses this: desktop send, print jobs, hot folder); several make one fax. */
  async toPdf(doc: DocumentInput): Promise<{ pdf: Uint8Array; pages: number; warnings: PreflightView['warnings']; converted: boolean }> {
    const sniffed = sniffDocument(doc.bytes.subarray(0, 64 * 1024));
    if ('error' in sniffed) {
      if (sniffed.error === 'empty') throw badRequest(`${doc.name}: the file is empty`);
      throw new AppError('unsupported_type', `${doc.name}: only PDF, TXT, JPEG, PNG and TIFF files can be faxed`);
    }
    if (isImageKind(sniffed.kind)) {
      // No PDF warnings: pdf-lib stores every PNG as RGB, so the colour check would flag grey scans
      // too; the window judges colour from the pixels of its preview instead.
      const image = await this.imageToPdf(doc.bytes, sniffed.kind, `${doc.name}: `);
      return { ...image, warnings: [], converted: true };
    }
    if (sniffed.kind === 'txt') {
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(doc.bytes);
      } catch {
        throw new AppError('unsupported_type', `${doc.name}: the text is not UTF-8`);
      }
      if (!/\S/.test(text)) throw badRequest(`${doc.name}: the text file has no text in it`);
      await this.checkTextPages(doc.bytes, `${doc.name}: this text file`);
      const { pdf, pages } = await this.onWorker(
        { op: 'textToPdf', bytes: doc.bytes, pageSize: this.deps.settings.current.pageSize },
        `${doc.name}: `,
      );
      if (pages > MAX_FAX_PAGES) throw badRequest(tooManyPages(`${doc.name}: this text file`, pages));
      return { pdf, pages, warnings: [], converted: false };
    }
    const result = await this.onWorker({ op: 'preflight', bytes: doc.bytes }, `${doc.name}: `);
    if (!result.ok) throw badRequest(`${doc.name}: ${result.message}`);
    return { pdf: doc.bytes, pages: result.pages, warnings: result.warnings, converted: false };
  }

  async preflight(documents: DocumentInput[]): Promise<PreflightView> {
    let pages = 0;
    const warnings: PreflightView['warnings'] = [];
    let previewPdfBase64: string | undefined;
    for (const doc of documents) {
      try {
        const result = await this.toPdf(doc);
        pages += result.pages;
        if (result.converted && documents.length === 1) previewPdfBase64 = Buffer.from(result.pdf).toString('base64');
        warnings.push(...result.warnings.map((w) => ({ ...w, message: documents.length > 1 ? `${doc.name}: ${w.message}` : w.message })));
      } catch (error) {
        return { ok: false, pages, warnings, error: (error as Error).message };
      }
    }
    return { ok: true, pages, warnings, error: null, ...(previewPdfBase64 && { previewPdfBase64 }) };
  }

  /** Several documents make one fax: converted, checked and merged in order. */
  async convertDocuments(documents: DocumentInput[]): Promise<{ pdf: Uint8Array; pages: number; fileName: string | null }> {
    const converted = [];
    for (const doc of documents) converted.push(await this.toPdf(doc));
    const merged =
      converted.length === 1
        ? (converted[0] as { pdf: Uint8Array; pages: number })
        : await this.onWorker({ op: 'merge', parts: converted.map((c) => c.pdf) });
    if (merged.pages > MAX_FAX_PAGES) throw badRequest(tooManyPages('These documents together', merged.pages));
    const names = documents.map((d) => cleanFileName(d.name)).filter(Boolean);
    return { ...merged, fileName: names.length > 1 ? `${names[0]} (+${names.length - 1} more)` : (names[0] ?? null) };
  }

  /**
   * `send_at` as REST and the window give it: ISO 8601 with a UTC offset. A time up to a minute in
   * the past (clock skew, a slow form) means now; earlier is refused rather than silently sent.
   */
  scheduleTime(value: string | null | undefined): number | null {
    if (value === undefined || value === null || value.trim() === '') return null;
    const text = value.trim();
    const at = Date.parse(text);
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text) || !Number.isFinite(at)) {
      throw badRequest("'send_at' must be an ISO 8601 time with a UTC offset, for example 2026-03-02T14:30:00+01:00");
    }
    const now = this.deps.now();
    if (at < now - 60_000) throw badRequest("'send_at' is in the past");
    if (at > now + 366 * 24 * 3600_000) throw badRequest("'send_at' is more than a year away");
    return at > now ? at : null;
  }

  async acceptDocuments(
    input: { to: string; documents: DocumentInput[]; apiKeyId: string | null; resentFrom?: string } & SendOptions,
  ): Promise<JobView> {
    const number = this.normalize(input.to);
    return this.acceptConverted({ ...input, number, document: await this.convertDocuments(input.documents) });
  }

  /** Commits one job for an already converted document (one recipient of a batch, or a single send). */
  async acceptConverted(
    input: {
      number: { input: string; e164: string };
      document: { pdf: Uint8Array; pages: number; fileName: string | null };
      apiKeyId: string | null;
      resentFrom?: string;
    } & SendOptions,
  ): Promise<JobView> {
    const id = this.deps.newId();
    const uploadRef = await this.deps.documentStore.save(`${id}-upload.pdf`, input.document.pdf);
    const job = await this.createJob(uploadRef, {
      id,
      toInput: input.number.input,
      toE164: input.number.e164,
      ...this.deps.activeBackend(),
      fileName: input.document.fileName,
      sourceKind: 'pdf',
      uploadPath: uploadRef,
      pdfPath: uploadRef,
      pages: input.document.pages,
      apiKeyId: input.apiKeyId,
      resentFrom: input.resentFrom ?? null,
      resolution: input.resolution,
      batchId: input.batchId ?? null,
      sendAt: input.sendAt ?? null,
      coverTemplate: input.coverTemplate ?? null,
    });
    this.deps.onAccepted();
    return job;
  }

  /** Resend = a new job with the same document (terminal jobs never move backwards). */
  async resend(id: string, to?: string): Promise<JobView> {
    const original = await this.deps.jobs.row(id);
    if (original.artifacts_deleted_at) throw badRequest('The document was removed by the retention policy and cannot be resent');
    const bytes = original.pdf_path ? await this.deps.documentStore.read(original.pdf_path) : await this.deps.jobs.readUpload(original);
    if (!bytes) throw badRequest('The document of this fax is missing from storage and cannot be resent');
    const name = original.file_name ?? `fax.${original.pdf_path ? 'pdf' : original.source_kind}`;
    return this.acceptDocuments({
      to: to ?? original.to_input,
      documents: [{ name, bytes }],
      apiKeyId: original.api_key_id,
      resentFrom: id,
      batchId: original.batch_id,
    });
  }

  /** Outbox "prepare" step, off the request path: TXT becomes PDF, and every fax PDF gets its file. */
  async prepare(job: JobRow): Promise<{ pdfRef: string; pages: number }> {
    if (job.pdf_path && job.pages !== null) return { pdfRef: job.pdf_path, pages: job.pages };
    const bytes = await this.deps.jobs.readUpload(job);
    let pdf: Uint8Array = bytes;
    let pages = job.pages;
    if (job.source_kind === 'txt') {
      ({ pdf, pages } = await this.documents.run({ op: 'textToPdf', bytes, pageSize: this.deps.settings.current.pageSize }));
      // The estimate at intake counted one column per character; wide characters can add pages.
      if (pages > MAX_FAX_PAGES) throw new Error(tooManyPages('This text file', pages));
    } else if (pages === null) {
      const result = await this.documents.run({ op: 'preflight', bytes });
      if (!result.ok) throw new Error(result.message);
      pages = result.pages;
    }
    return { pdfRef: await this.deps.documentStore.save(`${job.id}-fax.pdf`, pdf), pages: pages as number };
  }
}
