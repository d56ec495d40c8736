import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import type { JobDetail } from '../../../shared/types';
import { formatLocalDate, formatLocalTime, winAnsi } from './cover-page';

const BLACK = rgb(0, 0, 0);
const run = promisify(execFile);

/**
 * The first page as a small PNG, drawn by poppler's pdftoppm. A report without a thumbnail is
 * still a report, so a missing tool or a broken file gives null, not an error.
 */
export async function firstPageThumbnail(pdf: Uint8Array): Promise<Uint8Array | null> {
  const dir = await mkdtemp(join(tmpdir(), 'fbd-thumb-'));
  try {
    await writeFile(join(dir, 'in.pdf'), pdf);
    await run('pdftoppm', ['-f', '1', '-l', '1', '-r', '40', '-png', '-singlefile', join(dir, 'in.pdf'), join(dir, 'page')], {
      timeout: 15_000,
    });
    return await readFile(join(dir, 'page.png'));
  } catch {
    return null;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const when = (iso: string | null) => (iso ? `${formatLocalDate(new Date(iso))} ${formatLocalTime(new Date(iso))}` : '-');

const RESULT_WORDS: Record<string, string> = {
  delivered: 'DELIVERED',
  failed: 'NOT DELIVERED',
  canceled: 'CANCELED',
};

/** One page: result in large type, the facts office staff file with the document, and a thumbnail. */
export async function renderConfirmationReport(input: {
  detail: JobDetail;
  contactName: string | null;
  sender: string;
  thumbnail: Uint8Array | null;
}): Promise<Uint8Array> {
  const { job, events } = input.detail;
  const doc = await PDFDocument.create();
  doc.setTitle(`Fax confirmation report ${job.id}`);
  doc.setProducer('Faxbot Desktop');
  const page = doc.addPage([612, 792]);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const left = 54;
  let y = 792 - 72;
  page.drawText('Fax confirmation report', { x: left, y, size: 22, font: bold, color: BLACK });
  y -= 42;
  page.drawText(RESULT_WORDS[job.status] ?? job.status.toUpperCase(), { x: left, y, size: 30, font: bold, color: BLACK });
  y -= 14;
  page.drawLine({ start: { x: left, y }, end: { x: 612 - left, y }, thickness: 3, color: BLACK });
  y -= 28;
  const started = events.find((e) => e.kind === 'attempt')?.at ?? null;
  const finished = [...events].reverse().find((e) => e.status === job.status)?.at ?? job.updatedAt;
  const pages = job.pages ?? 0;
  const rows: [string, string][] = [
    ['To', `${input.contactName ? `${input.contactName}  ` : ''}${job.toE164}`],
    ['From', input.sender || '-'],
    ['Document', job.fileName ?? '-'],
    ['Pages sent', job.status === 'delivered' ? `${pages} of ${pages}` : `0 of ${pages || '-'}`],
    ['Cover page', job.coverTemplate ? `yes (${job.coverTemplate}), included in the page count` : 'no'],
    ['Queued', when(job.createdAt)],
    ['Scheduled for', job.sendAt ? when(job.sendAt) : 'sent when queued'],
    ['First attempt', when(started)],
    ['Finished', when(finished)],
    ['Attempts', `${job.attempts} of ${job.maxAttempts}`],
    ['Result', job.status === 'failed' ? (job.error ?? 'failed') : job.status],
    ['Remote station id', job.providerStatus && job.status === 'delivered' ? 'not reported by the fax service' : '-'],
    ['Fax service', `${job.backend}${job.testMode ? ' (test mode: simulated, nothing was dialled)' : ''}`],
    ['Provider reference', job.providerId ?? '-'],
    ['Job id', job.id],
  ];
  for (const [label, value] of rows) {
    page.drawText(`${label}:`, { x: left, y, size: 12, font: bold, color: BLACK });
    page.drawText(winAnsi(value).slice(0, 70), { x: left + 130, y, size: 12, font: regular, color: BLACK });
    y -= 20;
  }
  if (input.thumbnail) {
    const image = await doc.embedPng(input.thumbnail);
    y -= 14;
    // Above the footer line, whatever the page shape.
    const scale = Math.min(220 / image.width, (y - 8 - 60) / image.height);
    const w = image.width * scale;
    const h = image.height * scale;
    page.drawText('First page', { x: left, y, size: 11, font: bold, color: BLACK });
    page.drawImage(image, { x: left, y: y - 8 - h, width: w, height: h });
    page.drawRectangle({ x: left, y: y - 8 - h, width: w, height: h, borderColor: BLACK, borderWidth: 1 });
  }
  page.drawText(`Report made ${when(new Date().toISOString())} by Faxbot Desktop`, {
    x: left,
    y: 40,
    size: 9,
    font: regular,
    color: BLACK,
  });
  return doc.save();
}
