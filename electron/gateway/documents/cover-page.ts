import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { COVER_CHECKS, COVER_CHECK_LABELS, type CoverRequest } from '../../../shared/cover';
import type { PageSize } from './txt-to-pdf';

/** Black and white only: greys and tints dither into noise on a fax line. */
const BLACK = rgb(0, 0, 0);
const WHITE = rgb(1, 1, 1);
const PAGE_SIZES: Record<PageSize, readonly [number, number]> = { letter: [612, 792], a4: [595.28, 841.89] };
const MARGIN = 54;

export interface Party {
  name: string;
  company: string;
  fax: string;
  voice: string;
  email?: string;
}

export interface CoverInput extends CoverRequest {
  pageSize: PageSize;
  from: Party;
  to: Party;
  /** Pages of the document itself; the cover says the total including itself. */
  documentPages: number;
  date: Date;
}

/** The standard fonts draw WinAnsi only; anything else prints as '?' rather than failing the send. */
export function winAnsi(text: string): string {
  return text
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/[^\n\x20-\x7e\xa0-\xff]/g, '?');
}

export function wrapText(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of winAnsi(text).split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/)) {
      const next = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(next, size) <= width) {
        line = next;
        continue;
      }
      if (line) lines.push(line);
      // A single word wider than the line is cut, not allowed to run off the page.
      let rest = word;
      while (font.widthOfTextAtSize(rest, size) > width && rest.length > 1) {
        let cut = rest.length - 1;
        while (cut > 1 && font.widthOfTextAtSize(rest.slice(0, cut), size) > width) cut -= 1;
        lines.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}

export function formatLocalDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function formatLocalTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * One page, always: large To and From blocks, the page count saying it includes the cover,
 * subject and note (cut with "…" rather than spilling onto a second page), and per template a
 * confidentiality notice or the four classic checkboxes.
 */
export async function renderCoverPage(input: CoverInput): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle('Fax cover page');
  doc.setProducer('Faxbot Desktop');
  const [width, height] = PAGE_SIZES[input.pageSize];
  const page = doc.addPage([width, height]);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const inner = width - 2 * MARGIN;
  const text = (value: string, x: number, y: number, size: number, font = regular) =>
    page.drawText(winAnsi(value), { x, y, size, font, color: BLACK });
  const rule = (y: number, thickness = 2) =>
    page.drawLine({ start: { x: MARGIN, y }, end: { x: width - MARGIN, y }, thickness, color: BLACK });

  // Leave the top band free for the header line stamped on every page.
  let y = height - MARGIN - 20;
  text('FAX', MARGIN, y - 30, 44, bold);
  const total = input.documentPages + 1;
  const dateText = `${formatLocalDate(input.date)}  ${formatLocalTime(input.date)}`;
  text(dateText, width - MARGIN - regular.widthOfTextAtSize(dateText, 14), y - 8, 14);
  const pagesText = `${total} page${total === 1 ? '' : 's'} including this cover`;
  text(pagesText, width - MARGIN - bold.widthOfTextAtSize(pagesText, 14), y - 30, 14, bold);
  y -= 48;
  rule(y, 3);

  if (input.template === 'confidential') {
    y -= 30;
    page.drawRectangle({ x: MARGIN, y: y - 6, width: inner, height: 26, color: BLACK });
    const label = 'CONFIDENTIAL';
    page.drawText(label, { x: MARGIN + (inner - bold.widthOfTextAtSize(label, 18)) / 2, y: y + 1, size: 18, font: bold, color: WHITE });
    y -= 10;
  }

  const block = (title: string, party: Party, top: number, x: number, w: number) => {
    let line = top;
    text(title, x, line, 13, bold);
    line -= 26;
    for (const value of wrapText(party.name || '-', bold, 20, w).slice(0, 2)) {
      text(value, x, line, 20, bold);
      line -= 24;
    }
    const rows: [string, string][] = [
      ['Company', party.company],
      ['Fax', party.fax],
      ['Phone', party.voice],
    ];
    if (party.email !== undefined) rows.push(['Email', party.email]);
    for (const [label, value] of rows) {
      if (!value) continue;
      text(`${label}:`, x, line, 12, bold);
      text(wrapText(value, regular, 12, w - 72)[0] ?? '', x + 72, line, 12);
      line -= 17;
    }
    return line;
  };
  y -= 34;
  const half = (inner - 24) / 2;
  const bottomTo = block('TO', input.to, y, MARGIN, half);
  const bottomFrom = block('FROM', input.from, y, MARGIN + half + 24, half);
  y = Math.min(bottomTo, bottomFrom) - 8;
  rule(y);

  if (input.template !== 'plain' && input.subject) {
    y -= 26;
    text('Subject:', MARGIN, y, 14, bold);
    const subject = wrapText(input.subject, bold, 14, inner - 70);
    text(subject[0] ?? '', MARGIN + 70, y, 14, bold);
  }

  if (input.template === 'checkboxes') {
    y -= 34;
    let x = MARGIN;
    for (const check of COVER_CHECKS) {
      page.drawRectangle({ x, y: y - 2, width: 14, height: 14, borderColor: BLACK, borderWidth: 1.5, color: WHITE });
      if (input.checks?.includes(check)) {
        page.drawLine({ start: { x: x + 2, y: y + 5 }, end: { x: x + 6, y: y }, thickness: 2, color: BLACK });
        page.drawLine({ start: { x: x + 6, y: y }, end: { x: x + 13, y: y + 11 }, thickness: 2, color: BLACK });
      }
      text(COVER_CHECK_LABELS[check], x + 20, y, 12);
      x += 20 + regular.widthOfTextAtSize(COVER_CHECK_LABELS[check], 12) + 24;
    }
  }

  const noticeHeight = input.template === 'confidential' ? 96 : 0;
  const noteFloor = MARGIN + noticeHeight + 10;
  if (input.template !== 'plain' && input.note) {
    y -= 34;
    text('Note:', MARGIN, y, 13, bold);
    y -= 20;
    const lines = wrapText(input.note, regular, 13, inner);
    const room = Math.max(0, Math.floor((y - noteFloor) / 17));
    const shown = lines.length > room ? [...lines.slice(0, Math.max(0, room - 1)), `${lines[room - 1] ?? ''} ...`] : lines;
    for (const line of shown.slice(0, room)) {
      text(line, MARGIN, y, 13);
      y -= 17;
    }
  }

  if (input.template === 'confidential') drawNotice(page, regular, bold, input.from, width);
  return doc.save();
}

function drawNotice(page: PDFPage, regular: PDFFont, bold: PDFFont, from: Party, width: number): void {
  const inner = width - 2 * MARGIN;
  page.drawRectangle({ x: MARGIN, y: MARGIN, width: inner, height: 90, borderColor: BLACK, borderWidth: 2 });
  const call = from.voice || from.fax;
  const notice =
    'The information in this fax is confidential and intended only for the person or organisation named above. ' +
    'If you are not the intended recipient, do not read, copy or pass it on. If you received this fax in error, ' +
    `please ${call ? `call ${call}` : 'tell the sender'} and destroy all copies.`;
  page.drawText('CONFIDENTIALITY NOTICE', { x: MARGIN + 10, y: MARGIN + 72, size: 11, font: bold, color: BLACK });
  let y = MARGIN + 56;
  for (const line of wrapText(notice, regular, 10.5, inner - 20).slice(0, 4)) {
    page.drawText(line, { x: MARGIN + 10, y, size: 10.5, font: regular, color: BLACK });
    y -= 13;
  }
}

/**
 * The legal header line: "2026-03-02 14:30 FROM: Riverside Clinic +12025550100 P.1/3", at most 50
 * characters (the sender's name is shortened to fit).
 */
export function headerLine(input: { date: Date; sender: string; fax: string; page: number; pages: number }): string {
  const head = `${formatLocalDate(input.date)} ${formatLocalTime(input.date)} FROM: `;
  const tail = ` ${input.fax} P.${input.page}/${input.pages}`.replace(/^ {2}/, ' ');
  const room = 50 - head.length - tail.length;
  const sender = winAnsi(input.sender).trim();
  const fitted = room <= 0 ? '' : sender.length <= room ? sender : `${sender.slice(0, Math.max(0, room - 1))}~`;
  return `${head}${fitted}${tail}`.slice(0, 50);
}

/**
 * Stamps the header line into the top margin of every page, on a white band so it stays legible.
 * `totalPages` numbers a part of a longer fax (the cover previewed alone says "P.1/4", as sent).
 */
export async function stampHeaderLine(
  pdf: Uint8Array,
  input: { date: Date; sender: string; fax: string; totalPages?: number },
): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf);
  const font = await doc.embedFont(StandardFonts.Courier);
  const pages = doc.getPages();
  pages.forEach((page, index) => {
    const { width, height } = page.getSize();
    const line = headerLine({ ...input, page: index + 1, pages: input.totalPages ?? pages.length });
    const size = 9;
    page.drawRectangle({ x: 0, y: height - 20, width, height: 20, color: WHITE });
    page.drawText(line, { x: Math.max(18, (width - font.widthOfTextAtSize(line, size)) / 2), y: height - 14, size, font, color: BLACK });
  });
  return doc.save();
}
