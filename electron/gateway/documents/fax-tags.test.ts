import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { textToPdf } from './txt-to-pdf';
import { findFaxTags, pdfText } from './fax-tags';

describe('fax number tags', () => {
  it('finds every tag once, in order, ignoring case and padding', () => {
    expect(findFaxTags('To: @@fax:+15551234567@@ and @@FAX: +1 555 123 4568 @@, again @@fax:+15551234567@@')).toEqual([
      '+15551234567',
      '+15551234568',
    ]);
  });

  it('keeps one space between the words of a phone-book name', () => {
    expect(findFaxTags('@@fax:Dr   Smith@@ @@fax: Labs @@')).toEqual(['Dr Smith', 'Labs']);
  });

  it('ignores text that only looks like a tag', () => {
    for (const text of ['@@fax:@@', '@@fax +15551234567@@', 'fax:+15551234567', '@@fax:\n+15551234567@@', '@fax:+15551234567@']) {
      expect(findFaxTags(text)).toEqual([]);
    }
  });

  it('reads a tag typed into a text document after it became a PDF', async () => {
    const { pdf } = await textToPdf('Referral\nPlease fax to @@fax:+15551234567@@ today.\n', { pageSize: 'letter' });
    const text = await pdfText(pdf);
    expect(text).toContain('Referral');
    expect(findFaxTags(text)).toEqual(['+15551234567']);
  });

  it('finds no tag in a PDF without one', async () => {
    const pdf = readFileSync(join(__dirname, '../../../e2e/fixtures/three-page-letter.pdf'));
    const text = await pdfText(pdf);
    expect(text).toContain('Referral letter - page 3 of 3');
    expect(findFaxTags(text)).toEqual([]);
  });
});
