/**
 * YajHFC/HylaFAX-style number tags typed into a document: `@@fax:+15551234567@@`. The tag stays
 * in the document as typed; we only read it. Spaces inside a number are dropped, since PDF text
 * extraction often splits or pads runs of characters; a phone-book name (`@@fax:Dr Smith@@`) keeps
 * single spaces between its words.
 */
const TAG = /@@[ \t]*fax[ \t]*:[ \t]*([^@\n]{1,64}?)[ \t]*@@/gi;

/** The raw values of every tag in order, duplicates removed. */
export function findFaxTags(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(TAG)) {
    const raw = match[1] ?? '';
    const value = /^[\d\s+().-]+$/.test(raw) ? raw.replace(/\s+/g, '') : raw.replace(/\s+/g, ' ').trim();
    if (value) found.add(value);
  }
  return [...found];
}

/** Bounds the work on a hostile PDF: tags sit in the text of the first pages of a fax. */
const MAX_PAGES_SCANNED = 50;

/** The text of a PDF, through pdf.js (the same engine the window renders with), one line per text line. */
export async function pdfText(pdf: Uint8Array): Promise<string> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = getDocument({
    data: new Uint8Array(pdf),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
  });
  const doc = await task.promise;
  try {
    const lines: string[] = [];
    for (let page = 1; page <= Math.min(doc.numPages, MAX_PAGES_SCANNED); page += 1) {
      const content = await (await doc.getPage(page)).getTextContent();
      let line = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        line += item.str;
        if (item.hasEOL) {
          lines.push(line);
          line = '';
        }
      }
      lines.push(line);
    }
    return lines.join('\n');
  } finally {
    await task.destroy();
  }
}
