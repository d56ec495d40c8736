// One page limit for every input: a text file is measured before it is converted, and refused with
// the same sentence as a PDF over the limit.
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_FAX_PAGES, textGrid } from '../documents';
import { faxForm, startTestGateway, type TestGateway } from '../testing/harness';

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.close();
  gw = null;
});

const { rows } = textGrid('letter');
/** A text file of exactly `pages` Letter pages: `rows` short lines each. */
const textOfPages = (pages: number) => 'a short line\n'.repeat(pages * rows);
const sentence = (pages: number) =>
  `This text file has ${pages} pages. A fax can have at most ${MAX_FAX_PAGES}; split it into smaller documents.`;

describe('the page limit for text files (REST)', () => {
  it('refuses a 5 MB single-line TXT (1,135 pages once wrapped) before converting it, with the PDF sentence', async () => {
    gw = await startTestGateway();
    const res = await gw.post('/fax', faxForm('+15551230001', { name: 'one-line.txt', bytes: 'x'.repeat(5 * 1024 * 1024) }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail: sentence(1135) });
    expect(gw.core.db.prepare('SELECT COUNT(*) AS n FROM jobs').get()).toEqual({ n: 0 });
  });

  it(`accepts exactly ${MAX_FAX_PAGES} pages and refuses ${MAX_FAX_PAGES + 1}`, async () => {
    gw = await startTestGateway();
    const ok = await gw.post('/fax', faxForm('+15551230001', { name: 'max.txt', bytes: textOfPages(MAX_FAX_PAGES) }));
    expect(ok.status).toBe(202);
    const over = await gw.post('/fax', faxForm('+15551230001', { name: 'over.txt', bytes: textOfPages(MAX_FAX_PAGES + 1) }));
    expect(over.status).toBe(400);
    expect(over.body.detail).toBe(sentence(MAX_FAX_PAGES + 1));
  });
});

describe('the page limit for text files (desktop send)', () => {
  it('refuses the document by name with the same sentence, and preflight says so', async () => {
    gw = await startTestGateway();
    const documents = [{ name: 'long.txt', contentBase64: Buffer.from(textOfPages(MAX_FAX_PAGES + 1)).toString('base64') }];
    const sent = await gw.invoke('jobs:send', { to: '+15551230001', documents });
    expect(sent).toMatchObject({ ok: false, error: { message: `long.txt: t${sentence(MAX_FAX_PAGES + 1).slice(1)}` } });
    const checked = await gw.invoke('jobs:preflight', { documents });
    expect(checked).toMatchObject({ ok: true, value: { ok: false, error: `long.txt: t${sentence(MAX_FAX_PAGES + 1).slice(1)}` } });
  });
});
