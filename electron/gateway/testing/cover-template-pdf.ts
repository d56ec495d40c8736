// Cover templates made in tests, as an admin would in a PDF editor: artwork as page text, a form
// field for each value. Field boxes get a grey background and a coloured border on purpose: the
// filled cover must come out black on white whatever the template's field styling.
import { PDFDocument, StandardFonts, degrees, grayscale, rgb } from 'pdf-lib';

export interface TemplateField {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
  multiline?: boolean;
  checkbox?: boolean;
}

/** The letterhead used across the tests: To, From, date, pages, subject, a note box and an Urgent tick. */
export const LETTERHEAD_FIELDS: TemplateField[] = [
  { name: 'to_name', x: 120, y: 640, width: 300, height: 24 },
  { name: 'to_fax', x: 120, y: 610, width: 300, height: 20 },
  { name: '{{from_company}}', x: 120, y: 570, width: 300, height: 20 },
  { name: 'date', x: 120, y: 540, width: 150, height: 20 },
  { name: 'pages', x: 400, y: 540, width: 60, height: 20 },
  { name: 'subject', x: 120, y: 500, width: 400, height: 20 },
  { name: 'note', x: 72, y: 200, width: 468, height: 260, multiline: true },
  { name: 'urgent', x: 72, y: 150, width: 16, height: 16, checkbox: true },
];

export async function coverTemplatePdf(
  options: { fields?: TemplateField[]; pages?: number; pageText?: string; title?: string; rotate?: number } = {},
): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.HelveticaBold);
  const page = doc.addPage([612, 792]);
  page.drawText(options.title ?? 'ACME LETTERHEAD FAX', { x: 72, y: 720, size: 24, font });
  page.drawText('To:', { x: 72, y: 646, size: 12, font });
  page.drawText('From:', { x: 72, y: 576, size: 12, font });
  if (options.pageText) page.drawText(options.pageText, { x: 72, y: 100, size: 12, font });
  for (let extra = 1; extra < (options.pages ?? 1); extra++) doc.addPage([612, 792]);
  const form = doc.getForm();
  for (const field of options.fields ?? LETTERHEAD_FIELDS) {
    const style = { ...field, backgroundColor: grayscale(0.8), borderColor: rgb(0.2, 0.4, 0.9), borderWidth: 1 };
    if (field.checkbox) {
      form.createCheckBox(field.name).addToPage(page, style);
      continue;
    }
    const text = form.createTextField(field.name);
    if (field.multiline) text.enableMultiline();
    text.addToPage(page, style);
  }
  if (options.rotate) page.setRotation(degrees(options.rotate));
  return doc.save();
}
