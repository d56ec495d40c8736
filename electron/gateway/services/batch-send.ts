import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { JobListQuery } from '../../../shared/contract';
import { isCoverTemplate, type CoverPreview, type CoverRequest } from '../../../shared/cover';
import type { FaxResolution } from '../../../shared/settings';
import { MAX_RECIPIENTS, splitRecipients } from '../../../shared/recipients';
import { isTerminal } from '../../../shared/status';
import type { BatchView, JobView } from '../../../shared/types';
import type { GatewayCore } from '../core';
import {
  firstPageThumbnail,
  mergePdfs,
  renderConfirmationReport,
  renderCoverPage,
  renderImportedCover,
  stampHeaderLine,
} from '../documents';
import type { CoverInput } from '../documents/cover-page';
import { AppError, badRequest, conflict } from './errors';
import { spreadsheetSafe } from './contacts-io';
import type { DocumentInput } from './intake';

type Converted = { pdf: Uint8Array; pages: number; fileName: string | null };
type E164Number = { input: string; e164: string };

type Contact = ReturnType<GatewayCore['contacts']['contactForNumber']>;

/** The template a recipient gets: their contact's "never" wins, "always" adds the standard one when none was chosen. */
function coverTemplateFor(contact: Contact, cover: CoverRequest | null): string | null {
  const policy = contact?.coverPolicy ?? 'default';
  return policy === 'never' ? null : (cover?.template ?? (policy === 'always' ? 'standard' : null));
}

/** The cover page itself, from the same code for a send and for the preview in Send. */
function renderCover(
  core: GatewayCore,
  template: string,
  number: E164Number | null,
  contact: Contact,
  cover: CoverRequest | null,
  documentPages: number,
  date: Date,
): Promise<Uint8Array> {
  const { sender, pageSize } = core.settings.current;
  const input: CoverInput = {
    template,
    subject: cover?.subject,
    note: cover?.note,
    checks: cover?.checks,
    pageSize,
    date,
    documentPages,
    from: { name: sender.name, company: sender.company, fax: sender.fax, voice: sender.voice, email: sender.email },
    to: contact
      ? { name: contact.name, company: contact.company, fax: contact.faxE164, voice: contact.voice }
      : { name: number?.e164 ?? '', company: '', fax: number?.e164 ?? '', voice: '' },
  };
  return isCoverTemplate(template) ? renderCoverPage(input) : renderImportedCover(core.covers.pdf(template), input);
}

/** The legal header line, when the sender profile asks for it and has a name and a number. */
async function stampIfWanted(core: GatewayCore, pdf: Uint8Array, date: Date, totalPages?: number): Promise<Uint8Array> {
  const { sender } = core.settings.current;
  if (!sender.headerLine || !(sender.company || sender.name) || !sender.fax) return pdf;
  return stampHeaderLine(pdf, { date, sender: sender.company || sender.name, fax: sender.fax, totalPages });
}

/**
 * What one recipient is sent: the cover page (unless their contact says never; always adds the
 * standard one), then the document, with the legal header line stamped on every page when the
 * sender profile has a name and a number. The stamped file is the one sent and archived.
 */
export async function composeFor(
  core: GatewayCore,
  number: E164Number,
  document: Converted,
  cover: CoverRequest | null,
  sendAt: number | null,
): Promise<Converted & { coverTemplate: string | null }> {
  const contact = core.contacts.contactForNumber(number.e164);
  const template = coverTemplateFor(contact, cover);
  const date = new Date(sendAt ?? core.now());
  let pdf = document.pdf;
  let pages = document.pages;
  if (template) {
    const coverPdf = await renderCover(core, template, number, contact, cover, document.pages, date);
    ({ pdf, pages } = await mergePdfs([coverPdf, pdf]));
  }
  pdf = await stampIfWanted(core, pdf, date);
  return { pdf, pages, fileName: document.fileName, coverTemplate: template };
}

/** A cover request with its template name checked (built in or imported) before anything is queued. */
function checkedCover(core: GatewayCore, cover: CoverRequest | null | undefined): CoverRequest | null {
  return cover ? { ...cover, template: core.covers.resolve(cover.template) } : null;
}

/**
 * The cover page one recipient would get with this request, as the PDF that is sent (header line
 * included, page numbers counting the document). Send shows it for the first recipient.
 */
export async function previewCover(
  core: GatewayCore,
  input: { to?: string; contactId?: string; groupId?: string; cover: CoverRequest | null; documentPages: number },
): Promise<CoverPreview> {
  const cover = checkedCover(core, input.cover);
  let number: E164Number | null = null;
  // A group is previewed with its first contact (an empty group: with an empty To block).
  const contactId = input.contactId ?? (input.groupId ? core.contacts.findGroup(input.groupId).contactIds[0] : undefined);
  if (contactId) {
    const contact = core.contacts.get(contactId);
    number = { input: contact.fax, e164: contact.faxE164 };
  } else if (!input.groupId && input.to?.trim()) {
    try {
      number = core.intake.normalize(input.to);
    } catch {
      // Half-typed: the preview shows the cover with an empty To block until the number reads.
    }
  }
  const contact = number ? core.contacts.contactForNumber(number.e164) : null;
  const template = coverTemplateFor(contact, cover);
  const recipient = contact?.name ?? number?.e164 ?? null;
  if (!template) {
    const reason = contact?.coverPolicy === 'never' && cover ? `${contact.name}'s contact card says never to send a cover page` : null;
    return { template: null, pdfBase64: null, pages: input.documentPages, recipient, reason };
  }
  const date = new Date(core.now());
  const total = input.documentPages + 1;
  const pdf = await stampIfWanted(core, await renderCover(core, template, number, contact, cover, input.documentPages, date), date, total);
  return { template, pdfBase64: Buffer.from(pdf).toString('base64'), pages: total, recipient, reason: null };
}

/** One recipient through the same path as a batch (cover, header line, schedule). */
export async function sendOne(
  core: GatewayCore,
  input: {
    to: string;
    documents: DocumentInput[];
    apiKeyId: string | null;
    sendAt: number | null;
    cover: CoverRequest | null;
    resolution?: FaxResolution;
  },
): Promise<JobView> {
  const number = core.intake.normalize(input.to);
  const cover = checkedCover(core, input.cover);
  const document = await core.intake.convertDocuments(input.documents);
  const composed = await composeFor(core, number, document, cover, input.sendAt);
  return core.intake.acceptConverted({
    number,
    document: composed,
    apiKeyId: input.apiKeyId,
    sendAt: input.sendAt,
    coverTemplate: composed.coverTemplate,
    resolution: input.resolution,
  });
}

export interface ManyRecipients {
  /** Numbers as typed; each entry may hold several separated by commas or new lines. */
  to: string[];
  /** Group ids or names: every contact in the group is a recipient. */
  groups: string[];
  contactIds: string[];
  documents: DocumentInput[];
  apiKeyId: string | null;
  sendAt: number | null;
  cover?: CoverRequest | null;
  resolution?: FaxResolution;
}

/**
 * One send to several recipients: every recipient is checked first (nothing is queued when one is
 * wrong), the document is converted once, and each recipient gets its own job in one batch.
 * The same number reached twice (typed and in a group) is faxed once.
 */
export async function sendToMany(core: GatewayCore, input: ManyRecipients): Promise<BatchView> {
  const numbers = new Map<string, { input: string; e164: string }>();
  const problems: string[] = [];
  const add = (number: { input: string; e164: string }) => {
    if (!numbers.has(number.e164)) numbers.set(number.e164, number);
  };
  input.to.flatMap(splitRecipients).forEach((typed, index) => {
    try {
      add(core.intake.normalize(typed));
    } catch (error) {
      problems.push(`recipient ${index + 1}: ${(error as Error).message.replace(/^'to' /, '')}`);
    }
  });
  for (const name of input.groups) {
    try {
      const group = core.contacts.findGroup(name);
      if (group.contactIds.length === 0) problems.push(`group "${group.name}" has no contacts`);
      for (const id of group.contactIds) {
        const contact = core.contacts.get(id);
        add({ input: contact.fax, e164: contact.faxE164 });
      }
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  for (const id of input.contactIds) {
    try {
      const contact = core.contacts.get(id);
      add({ input: contact.fax, e164: contact.faxE164 });
    } catch (error) {
      problems.push(`${(error as Error).message} (${id.slice(0, 64)})`);
    }
  }
  if (problems.length > 0) throw badRequest(`Nothing was sent: ${problems.join('; ')}`);
  if (numbers.size === 0) throw badRequest("Give at least one recipient: 'to', 'group' or a contact");
  if (numbers.size > MAX_RECIPIENTS)
    throw new AppError('bad_request', `At most ${MAX_RECIPIENTS} recipients in one send (got ${numbers.size})`);
  const cover = checkedCover(core, input.cover);

  const document = await core.intake.convertDocuments(input.documents);
  const batchId = core.newId();
  await core.jobs.createBatch(batchId, input.apiKeyId);
  for (const number of numbers.values()) {
    const composed = await composeFor(core, number, document, cover, input.sendAt);
    await core.intake.acceptConverted({
      number,
      document: composed,
      apiKeyId: input.apiKeyId,
      batchId,
      sendAt: input.sendAt,
      coverTemplate: composed.coverTemplate,
      resolution: input.resolution,
    });
  }
  return core.jobs.batch(batchId);
}

/** The confirmation report of a finished job (the file the job's document is archived with). */
export async function confirmationReport(core: GatewayCore, id: string): Promise<Uint8Array> {
  const detail = await core.jobs.detail(id);
  if (!isTerminal(detail.job.status)) throw conflict('The confirmation report is made when the fax has finished.');
  const row = await core.jobs.row(id);
  const pdf = await core.jobs.readPdf(row).catch(() => null);
  const thumbnail = pdf ? await firstPageThumbnail(pdf) : null;
  const sender = core.settings.current.sender;
  return renderConfirmationReport({
    detail,
    contactName: core.contacts.contactForNumber(detail.job.toE164)?.name ?? null,
    sender: [sender.company || sender.name, sender.fax].filter(Boolean).join('  '),
    thumbnail,
  });
}

/** The Jobs history as the user filtered it, as CSV for a spreadsheet (at most 100,000 rows). */
export async function historyCsv(core: GatewayCore, filter: Omit<JobListQuery, 'cursor' | 'limit'>): Promise<string> {
  const numbers = filter.contactId ? [core.contacts.get(filter.contactId).faxE164] : undefined;
  const rows: JobView[] = [];
  let cursor: string | null = null;
  do {
    const page = await core.jobs.list({ ...filter, numbers, cursor, limit: 1000 });
    rows.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && rows.length < 100_000);
  const names = core.contacts.namesFor(rows.map((job) => job.toE164));
  return Papa.unparse(
    {
      fields: [
        'created_at',
        'to',
        'contact',
        'status',
        'pages',
        'attempts',
        'file_name',
        'cover',
        'send_at',
        'batch_id',
        'error',
        'job_id',
        'sent_by',
      ],
      data: rows.map((job) =>
        [
          job.createdAt,
          job.toE164,
          names[job.toE164] ?? '',
          job.status,
          job.pages ?? '',
          job.attempts,
          job.fileName ?? '',
          job.coverTemplate ?? '',
          job.sendAt ?? '',
          job.batchId ?? '',
          job.error ?? '',
          job.id,
          job.sentBy ?? '',
        ].map((cell) => spreadsheetSafe(String(cell))),
      ),
    },
    { newline: '\r\n' },
  );
}

/**
 * Saves each finished fax's confirmation report into the folder set in Settings → Sender, as
 * fax-report-<date queued>-<job id>.pdf. A report that cannot be written is logged, not retried.
 */
export function saveReportsToFolder(core: GatewayCore): () => void {
  return core.events.on('job:updated', (job) => {
    const folder = core.settings.current.sender.reportFolder;
    if (!folder || !isTerminal(job.status)) return;
    const file = join(folder, `fax-report-${job.createdAt.slice(0, 10)}-${job.id}.pdf`);
    void (async () => {
      // Already saved: a later event for a finished job (retention, a new link) is not a new report.
      const saved = await stat(file).then(
        () => true,
        () => false,
      );
      if (saved) return;
      await mkdir(folder, { recursive: true });
      // Written whole, then renamed: whoever watches the folder never sees half a PDF.
      const partial = `${file}.${job.updatedAt.replace(/\D/g, '')}.part`;
      await writeFile(partial, await confirmationReport(core, job.id));
      await rename(partial, file);
    })().catch((error: Error) => core.log(`confirmation report for job ${job.id} not saved: ${error.message}`));
  });
}
