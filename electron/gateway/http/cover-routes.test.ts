import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LETTERHEAD_FIELDS, coverTemplatePdf } from '../testing/cover-template-pdf';
import { pdfToText } from '../testing/poppler';
import { faxForm, startTestGateway, type TestGateway } from '../testing/harness';

let gw: TestGateway;
const admin = { 'x-api-key': 'bootstrap-admin-key-for-cover-tests-0' };
beforeAll(async () => {
  gw = await startTestGateway({
    env: { API_KEY: admin['x-api-key'] },
    settings: {
      simulator: { stepDelayMs: 40 },
      sender: { company: 'Riverside Clinic', name: 'Ann Example', fax: '+12025550143', headerLine: true },
    },
  });
});
afterAll(async () => {
  await gw.close();
});

function templateForm(name: string, pdf: Uint8Array | string, label?: string): FormData {
  const form = new FormData();
  form.append('name', name);
  if (label) form.append('label', label);
  form.append('file', new Blob([typeof pdf === 'string' ? pdf : new Uint8Array(pdf)]), 'template.pdf');
  return form;
}

async function keyWith(scopes: string[]): Promise<Record<string, string>> {
  const created = await gw.invoke('keys:create', { name: 'cover test', scopes });
  if (!created.ok) throw new Error(created.error.message);
  return { 'x-api-key': (created.value as { token: string }).token };
}

describe('REST /admin/cover-templates', () => {
  it('an admin imports a template; it is listed, refused twice, and deleted; other keys cannot touch it', async () => {
    const sender = await keyWith(['fax:send', 'fax:read']);
    const pdf = await coverTemplatePdf();
    expect((await gw.post('/admin/cover-templates', templateForm('letterhead', pdf), sender)).status).toBe(401);

    const made = await gw.post('/admin/cover-templates', templateForm('Letterhead', pdf, 'ACME letterhead'), admin);
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      name: 'letterhead',
      label: 'ACME letterhead',
      built_in: false,
      fields: ['to_name', 'to_fax', 'from_company', 'date', 'pages', 'subject', 'note', 'urgent'],
      size: pdf.length,
      warnings: [],
    });
    const listed = await gw.get('/admin/cover-templates', admin);
    expect(listed.body.map((t: { name: string }) => t.name)).toEqual(['standard', 'confidential', 'checkboxes', 'plain', 'letterhead']);
    expect((await gw.get('/admin/cover-templates', sender)).status).toBe(401);

    const again = await gw.post('/admin/cover-templates', templateForm('letterhead', pdf), admin);
    expect(again).toMatchObject({ status: 409, body: { detail: expect.stringMatching(/exists already; delete it first/) } });
    expect((await gw.post('/admin/cover-templates', templateForm('standard', pdf), admin)).status).toBe(409);

    expect((await gw.json('DELETE', '/admin/cover-templates/letterhead', undefined, sender)).status).toBe(401);
    expect((await gw.json('DELETE', '/admin/cover-templates/letterhead', undefined, admin)).body).toEqual({ status: 'ok' });
    expect((await gw.json('DELETE', '/admin/cover-templates/letterhead', undefined, admin)).status).toBe(404);
    expect((await gw.json('DELETE', '/admin/cover-templates/standard', undefined, admin)).status).toBe(409);
  });

  it('refuses what it cannot fill, saying what to change', async () => {
    const refused = async (form: FormData) =>
      (await gw.post('/admin/cover-templates', form, admin)) as { status: number; body: { detail: string } };

    expect(await refused(templateForm('notes', 'just some text'))).toMatchObject({
      status: 415,
      body: { detail: 'A cover template must be a PDF (the type is read from the file contents, not its name)' },
    });
    expect(await refused(templateForm('two', await coverTemplatePdf({ pages: 2 })))).toMatchObject({
      status: 400,
      body: { detail: 'A cover template must be one page; this PDF has 2' },
    });
    const unknown = await refused(
      templateForm(
        'odd',
        await coverTemplatePdf({
          fields: [
            ...LETTERHEAD_FIELDS,
            ...['recipient', 'fax_no'].map((name, i) => ({ name, x: 300, y: 60 + 30 * i, width: 100, height: 20 })),
          ],
        }),
      ),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toMatch(
      /not cover fields: 'recipient', 'fax_no'\. Rename or remove them; the fields filled in are to_name, /,
    );
    const literal = await refused(templateForm('typed', await coverTemplatePdf({ fields: [], pageText: 'Dear {{to_name}},' })));
    expect(literal.status).toBe(400);
    expect(literal.body.detail).toMatch(/^This PDF has \{\{to_name\}\} written as page text, which is sent as written, never replaced/);
    const turned = await refused(templateForm('turned', await coverTemplatePdf({ rotate: 90 })));
    expect(turned.body.detail).toMatch(/^This PDF's page is rotated by 90°, so the values would be written sideways/);
    const bare = await refused(templateForm('bare', await coverTemplatePdf({ fields: [] })));
    expect(bare.body.detail).toMatch(/^This PDF has no form fields, so nothing would be filled in/);
    const broken = await refused(templateForm('broken', '%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n'));
    expect(broken).toMatchObject({ status: 400, body: { detail: expect.stringMatching(/^The template: .*damaged or incomplete/) } });
    expect((await refused(templateForm('Bad name!', await coverTemplatePdf()))).body.detail).toMatch(/1 to 40 letters, digits or dashes/);
    const missing = new FormData();
    missing.append('name', 'nofile');
    expect((await refused(missing)).body.detail).toBe("Missing file part 'file' (a one-page PDF)");
    const huge = await refused(templateForm('huge', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(5 * 1024 * 1024)])));
    expect(huge).toMatchObject({ status: 413, body: { detail: 'A cover template may be at most 5 MB' } });
    const names = (await gw.get('/admin/cover-templates', admin)).body.map((t: { name: string }) => t.name);
    expect(names).toEqual(['standard', 'confidential', 'checkboxes', 'plain']);
  });
});

describe('sending and previewing with an imported template', () => {
  it('cover=<name> on POST /fax sends the filled template as page 1 and counts it', async () => {
    expect((await gw.post('/admin/cover-templates', templateForm('acme', await coverTemplatePdf()), admin)).status).toBe(201);
    await gw.json('POST', '/contacts', { name: 'Bob Reader', company: 'Lab', fax: '+12025550199' }, admin);

    const form = faxForm('+12025550199', { name: 'memo.txt', bytes: 'Results attached.' });
    form.append('cover', 'ACME');
    form.append('subject', 'Lab results');
    const sent = await gw.post('/fax', form, admin);
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ pages: 2, cover_template: 'acme' });
    const pdf = await gw.get(`/admin/fax-jobs/${sent.body.id}/pdf`, admin);
    const [cover, memo] = pdfToText(pdf.bytes).split('\f');
    expect(cover).toContain('ACME LETTERHEAD FAX');
    expect(cover).toContain('Bob Reader');
    expect(cover).toContain('Riverside Clinic');
    expect(cover).toContain('Lab results');
    expect(cover).toMatch(/FROM: Riversi\S* \+12025550143 P\.1\/2/); // the header line, page 1 of 2
    expect(memo).toContain('Results attached.');

    const unknown = faxForm('+12025550199', { name: 'memo.txt', bytes: 'x' });
    unknown.append('cover', 'letterheed');
    expect((await gw.post('/fax', unknown, admin)).body).toEqual({
      detail: "Unknown cover page 'letterheed': use one of standard, confidential, checkboxes, plain, acme",
    });
  });

  it('POST /covers/preview answers the PDF one recipient would get, or why they get none', async () => {
    const sender = await keyWith(['fax:send']);
    const preview = await gw.json(
      'POST',
      '/covers/preview',
      { cover: 'acme', to: '(202) 555-0199', subject: 'Typed so far', document_pages: 3 },
      sender,
    );
    expect(preview.status).toBe(200);
    expect(preview.headers['content-type']).toBe('application/pdf');
    expect(preview.headers['x-fax-pages']).toBe('4');
    const text = pdfToText(preview.bytes);
    expect(text).toContain('Bob Reader'); // the contact behind the typed number
    expect(text).toContain('Typed so far');
    expect(text).toMatch(/P\.1\/4/); // the header line numbers the cover as page 1 of the whole fax

    await gw.json('POST', '/contacts', { name: 'No Covers', fax: '+12025550188', cover_policy: 'never' }, admin);
    const none = await gw.json('POST', '/covers/preview', { cover: 'standard', to: '+12025550188' }, sender);
    expect(none).toMatchObject({
      status: 409,
      body: { detail: "No cover page is sent to this recipient: No Covers's contact card says never to send a cover page" },
    });
    expect((await gw.json('POST', '/covers/preview', { cover: 'nope' }, sender)).status).toBe(400);
    expect((await gw.json('POST', '/covers/preview', { cover: 'acme' })).status).toBe(401);
  });
});
