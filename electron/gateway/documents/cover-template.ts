import {
  PDFArray,
  PDFCheckBox,
  PDFDict,
  PDFDocument,
  PDFName,
  PDFTextField,
  StandardFonts,
  rgb,
  type PDFFont,
  type PDFPage,
} from 'pdf-lib';
import { COVER_CHECKS, COVER_FIELD_NAMES, type CoverCheck, type CoverField } from '../../../shared/cover';
import { formatLocalDate, formatLocalTime, winAnsi, wrapText, type CoverInput } from './cover-page';
import { pdfText } from './fax-tags';

const BLACK = rgb(0, 0, 0);
const MIN_FONT_SIZE = 7;
const PADDING = 2;

/** "to_name", "{{To_Name}}" and "form1.to_name" all name the field to_name. */
export function coverFieldName(raw: string): string {
  const last = raw.split('.').pop() ?? raw;
  return last
    .trim()
    .replace(/^\{\{\s*(.*?)\s*\}\}$/, '$1')
    .toLowerCase();
}

const isTextField = (name: string): name is CoverField => (COVER_FIELD_NAMES as readonly string[]).includes(name);
const isCheckField = (name: string): name is CoverCheck => (COVER_CHECKS as readonly string[]).includes(name);

export interface CoverTemplateFacts {
  pages: number;
  /** Recognised fields, in the PDF's order: text fields named after a cover field, checkboxes after a tick. */
  fields: string[];
  /** Fields whose names are not cover fields (as the PDF spells them). */
  unknown: string[];
  /** Fields of a kind we do not fill (radio buttons, lists, signatures, a text field named after a tick…). */
  unsupported: string[];
  /** `{{name}}` written as page text: it would be sent as written, never replaced. */
  literal: string[];
  /** The page's /Rotate (0, 90, 180, 270): values would be drawn sideways on a rotated page. */
  rotation: number;
}

/** What an uploaded template carries (the bytes passed the document preflight first). */
export async function inspectCoverTemplate(bytes: Uint8Array): Promise<CoverTemplateFacts> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const fields: string[] = [];
  const unknown: string[] = [];
  const unsupported: string[] = [];
  for (const field of doc.getForm().getFields()) {
    const raw = field.getName();
    const name = coverFieldName(raw);
    if (field instanceof PDFTextField && isTextField(name)) fields.push(name);
    else if (field instanceof PDFCheckBox && isCheckField(name)) fields.push(name);
    else if (isTextField(name) || isCheckField(name)) unsupported.push(raw);
    else unknown.push(raw);
  }
  const text = await pdfText(bytes);
  const literal = [...new Set([...text.matchAll(/\{\{\s*([^{}\n]{1,40}?)\s*\}\}/g)].map((m) => `{{${m[1] ?? ''}}}`))];
  const rotation = ((doc.getPage(0).getRotation().angle % 360) + 360) % 360;
  return { pages: doc.getPageCount(), fields: [...new Set(fields)], unknown, unsupported, literal, rotation };
}

/** The values the fields are filled with: the same facts the built-in templates print. */
export function coverFieldValues(input: CoverInput): Record<CoverField, string> {
  return {
    to_name: input.to.name,
    to_company: input.to.company,
    to_fax: input.to.fax,
    to_voice: input.to.voice,
    from_name: input.from.name,
    from_company: input.from.company,
    from_fax: input.from.fax,
    from_voice: input.from.voice,
    from_email: input.from.email ?? '',
    date: formatLocalDate(input.date),
    time: formatLocalTime(input.date),
    subject: input.subject ?? '',
    note: input.note ?? '',
    pages: String(input.documentPages + 1),
    document_pages: String(input.documentPages),
  };
}

type Box = { x: number; y: number; width: number; height: number };

/**
 * Fills an imported template and flattens it: every field's box gets its value drawn as page text in
 * black Helvetica (no field backgrounds, borders or tints: those dither into noise on a fax line),
 * then the form itself is removed so no viewer or fax service redraws it.
 */
export async function renderImportedCover(template: Uint8Array, input: CoverInput): Promise<Uint8Array> {
  const doc = await PDFDocument.load(template, { updateMetadata: false });
  doc.setTitle('Fax cover page');
  doc.setProducer('Faxbot Desktop');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const values = coverFieldValues(input);
  const pages = doc.getPages();
  const pageOf = (ref: unknown): PDFPage => pages.find((p) => p.ref === ref) ?? (pages[0] as PDFPage);
  const form = doc.getForm();
  for (const field of form.getFields()) {
    const name = coverFieldName(field.getName());
    for (const widget of field.acroField.getWidgets()) {
      const page = pageOf(widget.P());
      const box = widget.getRectangle();
      if (field instanceof PDFTextField && isTextField(name)) {
        const multiline = field.isMultiline() || box.height > 36;
        drawValue(
          page,
          font,
          winAnsi(values[name]),
          box,
          fontSizeOf(widget.getDefaultAppearance() ?? field.acroField.getDefaultAppearance()),
          multiline,
        );
      } else if (field instanceof PDFCheckBox && isCheckField(name)) {
        drawCheck(page, box, input.checks?.includes(name) ?? false);
      }
    }
  }
  removeForm(doc);
  return doc.save();
}

/** The size a field's /DA asks for; 0 (auto) or none means fit the box. */
function fontSizeOf(appearance: string | undefined): number | null {
  const size = Number(/([\d.]+)\s+Tf\b/.exec(appearance ?? '')?.[1] ?? 0);
  return Number.isFinite(size) && size > 0 ? size : null;
}

/**
 * The field's asked size is a ceiling, not a promise: editors write whatever fitted their empty
 * box, and a value that does not fit is shrunk (down to 7 pt) rather than cut or spilled.
 */
function drawValue(page: PDFPage, font: PDFFont, text: string, box: Box, asked: number | null, multiline: boolean): void {
  const width = box.width - 2 * PADDING;
  const height = box.height - 2 * PADDING;
  if (!text || width <= 0 || height <= 0) return;
  if (!multiline) {
    const line = text.replace(/\s+/g, ' ');
    let size = Math.max(MIN_FONT_SIZE, Math.min(asked ?? 14, 14, height * 0.8));
    while (size > MIN_FONT_SIZE && font.widthOfTextAtSize(line, size) > width) size -= 0.5;
    const shown = wrapText(line, font, size, width)[0] ?? '';
    const baseline = box.y + (box.height - font.heightAtSize(size, { descender: false })) / 2;
    page.drawText(shown, { x: box.x + PADDING, y: baseline, size, font, color: BLACK });
    return;
  }
  // A note box: wrap, shrink to fit, and end with "..." when even the smallest size is cut.
  const room = (s: number) => Math.max(1, Math.floor(height / (s * 1.2)));
  let size = Math.max(MIN_FONT_SIZE, Math.min(asked ?? 12, 12));
  let lines = wrapText(text, font, size, width);
  while (size > MIN_FONT_SIZE && lines.length > room(size)) {
    size -= 0.5;
    lines = wrapText(text, font, size, width);
  }
  const fits = room(size);
  if (lines.length > fits) lines = [...lines.slice(0, fits - 1), `${lines[fits - 1] ?? ''} ...`];
  let y = box.y + box.height - PADDING - size;
  for (const line of lines) {
    page.drawText(line, { x: box.x + PADDING, y, size, font, color: BLACK });
    y -= size * 1.2;
  }
}

function drawCheck(page: PDFPage, box: Box, ticked: boolean): void {
  const side = Math.min(box.width, box.height);
  const x = box.x + (box.width - side) / 2;
  const y = box.y + (box.height - side) / 2;
  page.drawRectangle({ x, y, width: side, height: side, borderColor: BLACK, borderWidth: 1.5 });
  if (!ticked) return;
  const at = (fx: number, fy: number) => ({ x: x + side * fx, y: y + side * fy });
  page.drawLine({ start: at(0.15, 0.5), end: at(0.42, 0.15), thickness: 2, color: BLACK });
  page.drawLine({ start: at(0.42, 0.15), end: at(0.9, 0.85), thickness: 2, color: BLACK });
}

/** Drops every widget annotation and the form: what was in the fields is page text now. */
function removeForm(doc: PDFDocument): void {
  for (const page of doc.getPages()) {
    const annots = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray);
    if (!annots) continue;
    const kept = annots.asArray().filter((ref) => {
      const annot = doc.context.lookupMaybe(ref, PDFDict);
      return annot?.get(PDFName.of('Subtype')) !== PDFName.of('Widget');
    });
    if (kept.length === 0) page.node.delete(PDFName.of('Annots'));
    else page.node.set(PDFName.of('Annots'), doc.context.obj(kept));
  }
  doc.catalog.delete(PDFName.of('AcroForm'));
}
