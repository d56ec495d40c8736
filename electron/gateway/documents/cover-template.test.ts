import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { LETTERHEAD_FIELDS, coverTemplatePdf } from '../testing/cover-template-pdf';
import { pdfToGreyPixels, pdfToText } from '../testing/poppler';
import type { CoverInput } from './cover-page';
import { coverFieldName, inspectCoverTemplate, renderImportedCover } from './cover-template';

const input: CoverInput = {
  template: 'letterhead',
  pageSize: 'letter',
  date: new Date(2026, 2, 2, 14, 30),
  documentPages: 3,
  subject: 'Lab results – March',
  note: 'Please call before noon. '.repeat(200),
  checks: ['urgent'],
  from: { name: 'Ann Example', company: 'Riverside Clinic', fax: '+12025550143', voice: '+12025550100', email: 'ann@example.org' },
  to: { name: 'Bob Reader', company: 'Lab', fax: '+12025550199', voice: '' },
};

describe('imported cover templates', () => {
  it('names fields the way editors write them', () => {
    expect(coverFieldName('to_name')).toBe('to_name');
    expect(coverFieldName('{{ To_Name }}')).toBe('to_name');
    expect(coverFieldName('form1.page1.subject')).toBe('subject');
  });

  it('lists the fields it fills, the ones it does not know, and {{placeholders}} typed as page text', async () => {
    const facts = await inspectCoverTemplate(
      await coverTemplatePdf({
        fields: [...LETTERHEAD_FIELDS, { name: 'fax_id', x: 300, y: 100, width: 100, height: 20 }],
        pageText: 'Dear {{to_name}}, see {{ pages }} pages',
      }),
    );
    expect(facts).toEqual({
      pages: 1,
      fields: ['to_name', 'to_fax', 'from_company', 'date', 'pages', 'subject', 'note', 'urgent'],
      unknown: ['fax_id'],
      unsupported: [],
      literal: ['{{to_name}}', '{{pages}}'],
      rotation: 0,
    });
  });

  it('fills and flattens: the values are page text, the form is gone, and the page is pure black and white', async () => {
    const template = await coverTemplatePdf();
    const pdf = await renderImportedCover(template, input);
    const doc = await PDFDocument.load(pdf);
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getForm().getFields()).toHaveLength(0);

    const words = pdfToText(pdf);
    expect(words).toContain('Bob Reader');
    expect(words).toContain('+12025550199');
    expect(words).toContain('Riverside Clinic');
    expect(words).toContain('2026-03-02');
    expect(words).toMatch(/\b4\b/); // pages: the document's 3 and the cover
    expect(words).toContain('Lab results - March');
    expect(words).toContain('Please call before noon.');
    expect(words).toMatch(/\.\.\./); // the long note was cut to its box, not spilled

    const { width, height, pixels } = pdfToGreyPixels(pdf);
    const greys = pixels.filter((v) => v !== 0 && v !== 255).length;
    expect(greys, 'grey pixels on the filled cover').toBe(0);
    /** Share of black pixels inside a field's box (PDF points at 72 dpi; the image's y runs down). */
    const inkIn = (box: { x: number; y: number; width: number; height: number }) => {
      let ink = 0;
      for (let y = Math.ceil(height - box.y - box.height); y < height - box.y; y++)
        for (let x = Math.ceil(box.x); x < box.x + box.width; x++) if (pixels[y * width + x] === 0) ink++;
      return ink / (box.width * box.height);
    };
    const box = (name: string) => LETTERHEAD_FIELDS.find((f) => f.name === name) ?? LETTERHEAD_FIELDS[0]!;
    expect(inkIn(box('to_name'))).toBeGreaterThan(0.03);
    expect(inkIn(box('note'))).toBeGreaterThan(0.05);
    expect(inkIn(box('urgent'))).toBeGreaterThan(0.2); // the box and its tick
    // The grey field background and blue border are gone: an empty field's box is white.
    const blank = await renderImportedCover(template, { ...input, subject: '', checks: [] });
    const blankPixels = pdfToGreyPixels(blank);
    let subjectInk = 0;
    const subject = box('subject');
    for (let y = Math.ceil(792 - subject.y - subject.height) + 2; y < 792 - subject.y - 2; y++)
      for (let x = subject.x + 2; x < subject.x + subject.width - 2; x++)
        if (blankPixels.pixels[y * blankPixels.width + x] === 0) subjectInk++;
    expect(subjectInk).toBe(0);
  });
});
