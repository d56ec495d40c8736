import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { JobListQuery } from '../../../shared/contract';
import type { CoverRequest } from '../../../shared/cover';
import type { FaxResolution } from '../../../shared/settings';
import { MAX_RECIPIENTS, splitRecipients } from '../../../shared/recipients';
import { isTerminal } from '../../../shared/status';
import type { BatchView, JobView } from '../../../shared/types';
import type { GatewayCore } from '../core';
import { firstPageThumbnail, mergePdfs, renderConfirmationReport, renderCoverPage, stampHeaderLine } from '../documents';
import { AppError, badRequest, conflict } from './errors';
import { spreadsheetSafe } from './contacts-io';
import type { DocumentInput } from './intake';

type Converted = { pdf: Uint8Array; pages: number; fileName: string | null };
type E164Number = { input: string; e164: string };

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
  const policy = contact?.coverPolicy ?? 'default';
  const template = policy === 'never' ? null : (cover?.template ?? (policy === 'always' ? 'standard' : null));
  const { sender, pageSize } = core.settings.current;
  const date = new Date(sendAt ?? core.now());
  let pdf = document.pdf;
  let pages = document.pages;
  if (template) {
    const coverPdf = await renderCoverPage({
      template,
      subject: cover?.subject,
      note: cover?.note,
      checks: cover?.checks,
      pageSize,
      date,
      documentPages: document.pages,
      from: { name: sender.name, company: sender.company, fax: sender.fax, voice: sender.voice, email: sender.email },
      to: contact
        ? { name: contact.name, company: contact.company, fax: contact.faxE164, voice: contact.voice }
        : { name: number.e164, company: '', fax: number.e164, voice: '' },
    });
    ({ pdf, pages } = await mergePdfs([coverPdf, pdf]));
  }
  if (sender.headerLine && (sender.company || sender.name) && sender.fax) {
    pdf = await stampHeaderLine(pdf, { date, sender: sender.company || sender.name, fax: sender.fax });
  }
  return { pdf, pages, fileName: document.fileName, coverTemplate: template };
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
  const document = await core.intake.convertDocuments(input.documents);
  const composed = await composeFor(core, number, document, input.cover, input.sendAt);
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

  const document = await core.intake.convertDocuments(input.documents);
  const batchId = core.newId();
  await core.jobs.createBatch(batchId, input.apiKeyId);
  for (const number of numbers.values()) {
    const composed = await composeFor(core, number, document, input.cover ?? null, input.sendAt);
    await core.intake.acceptConverted({
      number,
      document: composed,
      apiKeyId: input.apiKeyId,
      batchId,
      sendAt: input.sendAt,
      coverTemplate: composed.coverTemplate,
    });
  }
  return core.jobs.batch(batchId);
}

/** The confirmation report of a finished job (the file the job's document is archived with). */
export async function confirmationReport(core: GatewayCore, id: string): Promise<Uint8Array> {
  const detail = await core.jobs.detail(id);
  if (!isTerminal(detail.job.status)) throw conflict('The confirmation report is made when the fax has finished.');
  const row = await core.jobs.row(id);
  let thumbnail: Uint8Array | null = null;
  if (!row.artifacts_deleted_at && row.pdf_path)
    thumbnail = await firstPageThumbnail(await readFile(row.pdf_path).catch(() => new Uint8Array()));
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
