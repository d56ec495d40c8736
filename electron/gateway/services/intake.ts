import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { normalizeFaxNumber } from '../../../shared/phone';
import type { JobView, PreflightView } from '../../../shared/types';
import { mergePdfs, preflightPdf, sniffDocument, textToPdf, type DocumentKind } from '../documents';
import { AppError, badRequest } from './errors';
import type { JobsService } from './jobs';
import type { SettingsService } from './settings';

export interface IntakeDeps {
  dataDir: string;
  newId: () => string;
  settings: SettingsService;
  jobs: JobsService;
  activeBackend: () => { backend: JobView['backend']; testMode: boolean };
  onAccepted: () => void;
}

export interface StagedUpload {
  id: string;
  kind: DocumentKind;
  uploadPath: string;
  pages: number | null;
  fileName: string | null;
}

export interface DocumentInput {
  name: string;
  bytes: Uint8Array;
}

const unsupported = () =>
  new AppError('unsupported_type', 'Only PDF and TXT are allowed (the type is read from the file contents, not its name)');

/** Strips directories and control characters: the name is only ever shown, never used as a path. */
export function cleanFileName(name: string | undefined): string | null {
  if (!name) return null;
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
  return clean || null;
}

function preflightFailure(reason: string, message: string): AppError {
  return badRequest(reason === 'encrypted' ? message : `The PDF cannot be faxed: ${message}`);
}

export class IntakeService {
  constructor(private readonly deps: IntakeDeps) {}

  jobDir(id: string): string {
    return join(this.deps.dataDir, 'jobs', id);
  }

  normalize(to: string): { input: string; e164: string } {
    const result = normalizeFaxNumber(to, this.deps.settings.current.defaultRegion);
    if (!result.ok) throw badRequest(result.reason);
    return { input: to.trim(), e164: result.e164 };
  }

  /**
   * The REST upload, step 1: streamed to disk in chunks under MAX_FILE_SIZE_MB, the type sniffed
   * from the first bytes and TXT validated as UTF-8 as it streams. Nothing is committed yet.
   */
  async stageUpload(input: { fileName?: string; stream: Readable }): Promise<StagedUpload> {
    const id = this.deps.newId();
    const dir = this.jobDir(id);
    await mkdir(dir, { recursive: true });
    const partial = join(dir, 'upload.part');
    const limit = this.deps.settings.current.maxFileSizeMb * 1024 * 1024;
    const handle = await open(partial, 'w');
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
        await handle.write(chunk);
      }
      if (kind === 'txt') {
        try {
          decoder.decode();
        } catch {
          throw unsupported();
        }
      }
      await handle.close();
      if (size === 0 || kind === null) throw badRequest('The file is empty');
      if (kind === 'txt' && !sawText) throw badRequest('The text file has no text in it');
      const uploadPath = join(dir, `upload.${kind}`);
      let pages: number | null = null;
      if (kind === 'pdf') {
        const result = await preflightPdf(await readFile(partial));
        if (!result.ok) throw preflightFailure(result.reason, result.message);
        pages = result.pages;
      }
      await rename(partial, uploadPath);
      return { id, kind, uploadPath, pages, fileName: cleanFileName(input.fileName) };
    } catch (error) {
      await handle.close().catch(() => undefined);
      await this.discard({ id });
      throw error;
    }
  }

  async discard(staged: { id: string }): Promise<void> {
    await rm(this.jobDir(staged.id), { recursive: true, force: true });
  }

  /** Step 2: the number is checked and the job row committed; only then is the upload accepted. */
  async commitUpload(staged: StagedUpload, to: string, apiKeyId: string | null): Promise<JobView> {
    let number: { input: string; e164: string };
    try {
      number = this.normalize(to);
    } catch (error) {
      await this.discard(staged);
      throw error;
    }
    const job = this.deps.jobs.create({
      id: staged.id,
      toInput: number.input,
      toE164: number.e164,
      ...this.deps.activeBackend(),
      fileName: staged.fileName,
      sourceKind: staged.kind,
      uploadPath: staged.uploadPath,
      pdfPath: staged.kind === 'pdf' ? staged.uploadPath : null,
      pages: staged.pages,
      apiKeyId,
    });
    this.deps.onAccepted();
    return job;
  }

  /** Converts and checks every document of a desktop send; several documents make one fax. */
  private async toPdf(doc: DocumentInput): Promise<{ pdf: Uint8Array; pages: number; warnings: PreflightView['warnings'] }> {
    const sniffed = sniffDocument(doc.bytes.subarray(0, 64 * 1024));
    if ('error' in sniffed) {
      if (sniffed.error === 'empty') throw badRequest(`${doc.name}: the file is empty`);
      throw new AppError('unsupported_type', `${doc.name}: only PDF and TXT files can be faxed`);
    }
    if (sniffed.kind === 'txt') {
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(doc.bytes);
      } catch {
        throw new AppError('unsupported_type', `${doc.name}: the text is not UTF-8`);
      }
      if (!/\S/.test(text)) throw badRequest(`${doc.name}: the text file has no text in it`);
      const { pdf, pages } = await textToPdf(text, { pageSize: this.deps.settings.current.pageSize });
      return { pdf, pages, warnings: [] };
    }
    const result = await preflightPdf(doc.bytes);
    if (!result.ok) throw badRequest(`${doc.name}: ${result.message}`);
    return { pdf: doc.bytes, pages: result.pages, warnings: result.warnings };
  }

  async preflight(documents: DocumentInput[]): Promise<PreflightView> {
    let pages = 0;
    const warnings: PreflightView['warnings'] = [];
    for (const doc of documents) {
      try {
        const result = await this.toPdf(doc);
        pages += result.pages;
        warnings.push(...result.warnings.map((w) => ({ ...w, message: documents.length > 1 ? `${doc.name}: ${w.message}` : w.message })));
      } catch (error) {
        return { ok: false, pages, warnings, error: (error as Error).message };
      }
    }
    return { ok: true, pages, warnings, error: null };
  }

  async acceptDocuments(input: { to: string; documents: DocumentInput[]; apiKeyId: string | null; resentFrom?: string }): Promise<JobView> {
    const number = this.normalize(input.to);
    const converted = [];
    for (const doc of input.documents) converted.push(await this.toPdf(doc));
    const merged = converted.length === 1 ? (converted[0] as { pdf: Uint8Array; pages: number }) : await mergePdfs(converted.map((c) => c.pdf));
    const id = this.deps.newId();
    const dir = this.jobDir(id);
    await mkdir(dir, { recursive: true });
    const uploadPath = join(dir, 'upload.pdf');
    await writeFile(uploadPath, merged.pdf);
    const names = input.documents.map((d) => cleanFileName(d.name)).filter(Boolean);
    const job = this.deps.jobs.create({
      id,
      toInput: number.input,
      toE164: number.e164,
      ...this.deps.activeBackend(),
      fileName: names.length > 1 ? `${names[0]} (+${names.length - 1} more)` : (names[0] ?? null),
      sourceKind: 'pdf',
      uploadPath,
      pdfPath: uploadPath,
      pages: merged.pages,
      apiKeyId: input.apiKeyId,
      resentFrom: input.resentFrom ?? null,
    });
    this.deps.onAccepted();
    return job;
  }

  /** Resend = a new job with the same document (terminal jobs never move backwards). */
  async resend(id: string, to?: string): Promise<JobView> {
    const original = this.deps.jobs.row(id);
    if (original.artifacts_deleted_at) throw badRequest('The document was removed by the retention policy and cannot be resent');
    const source = original.pdf_path ?? original.upload_path;
    const bytes = await readFile(source);
    const name = original.file_name ?? `fax.${original.pdf_path ? 'pdf' : original.source_kind}`;
    return this.acceptDocuments({ to: to ?? original.to_input, documents: [{ name, bytes }], apiKeyId: original.api_key_id, resentFrom: id });
  }

  /** Outbox "prepare" step: TXT becomes PDF here, off the request path. */
  async prepare(job: { id: string; source_kind: DocumentKind; upload_path: string; pdf_path: string | null; pages: number | null }): Promise<{ pdfPath: string; pages: number }> {
    if (job.pdf_path && job.pages !== null) return { pdfPath: job.pdf_path, pages: job.pages };
    if (job.source_kind === 'pdf') {
      const result = await preflightPdf(await readFile(job.upload_path));
      if (!result.ok) throw new Error(result.message);
      return { pdfPath: job.upload_path, pages: result.pages };
    }
    const text = await readFile(job.upload_path, 'utf8');
    const { pdf, pages } = await textToPdf(text, { pageSize: this.deps.settings.current.pageSize });
    const pdfPath = join(this.jobDir(job.id), 'fax.pdf');
    await writeFile(pdfPath, pdf);
    return { pdfPath, pages };
  }
}
