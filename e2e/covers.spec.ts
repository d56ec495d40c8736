import { join } from 'node:path';
import { coverTemplatePdf } from '../electron/gateway/testing/cover-template-pdf';
import { expect, FIXTURES, shoot, test } from './fixtures/gateway';

test('an admin imports a PDF cover template in Settings; Send previews it filled in for the first recipient and sends it', async ({
  app: page,
  gateway,
}) => {
  test.setTimeout(120_000);
  const headers = { 'x-api-key': gateway.adminKey };
  await page.request.post('/rpc/contacts:create', {
    headers,
    data: { name: 'Ann Example', company: 'Riverside Clinic', fax: '+12025550143' },
  });

  await page.goto('/#/settings');
  const card = page.getByTestId('cover-templates');
  const importAs = async (name: string, pdf: Uint8Array, label = '') => {
    await card.getByLabel('Name (what cover=<name> asks for)').fill(name);
    await card.getByLabel('Label shown in Send (optional)').fill(label);
    await card
      .getByTestId('cover-template-file')
      .setInputFiles({ name: `${name}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from(pdf) });
    await card.getByRole('button', { name: 'Import template' }).click();
  };
  // {{to_name}} typed as page text would be faxed as typed: refused with what to do instead.
  await importAs('typed', await coverTemplatePdf({ fields: [], pageText: 'Dear {{to_name}},' }));
  await expect(card.getByRole('alert')).toContainText('{{to_name}} written as page text');
  await expect(card.getByRole('alert')).toContainText('Put a form text field named after each one in its place');

  await importAs('acme', await coverTemplatePdf(), 'ACME letterhead');
  await expect(card.getByTestId('cover-template-row')).toHaveCount(1);
  await expect(card.getByTestId('cover-template-row')).toContainText('cover=acme');
  await expect(card.getByRole('alert')).toHaveCount(0);
  await card.scrollIntoViewIfNeeded();
  await shoot(page, 'cover-templates');

  await page.goto('/#/send');
  await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'memo.txt'));
  await expect(page.getByTestId('doc-pages')).toHaveText('1 page');
  await page.getByLabel('Fax number').fill('ann');
  await page.getByRole('button', { name: /Ann Example/ }).click();
  await page.getByLabel('Fax number').fill('+1 202 555 0101,');
  await expect(page.getByTestId('recipients')).toContainText('+1 202 555 0101');
  await page.getByLabel('Cover page').selectOption({ label: 'ACME letterhead' });
  await expect(page.getByTestId('cover-template-fields')).toContainText("Recipient's name");

  const preview = page.getByTestId('cover-preview');
  await expect(preview.getByRole('img', { name: 'Cover page as it will print' })).toBeVisible();
  await expect(page.getByTestId('cover-preview-for')).toContainText('For Ann Example, the first of 2 recipients');
  await expect(page.getByTestId('cover-preview-for')).toContainText('page 1 of 2');
  await expect(page.getByTestId('send-summary')).toContainText('1 page + cover page = 2 pages');

  // The preview follows the typing: the gateway is asked again with the subject as typed, after a pause.
  const asked = page.waitForRequest(
    (r) => r.url().endsWith('/rpc/covers:preview') && (r.postData() ?? '').includes('Lab results for March'),
  );
  await page.getByLabel('Subject').pressSequentially('Lab results for March', { delay: 20 });
  await asked;
  await expect(preview).not.toHaveAttribute('aria-busy', 'true');
  // The picture is the filled cover in fax black and white: a good share of black, nothing else.
  const ink = await preview.getByRole('img').evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d');
    if (!context) return { black: 0, other: 1 };
    context.drawImage(img, 0, 0);
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let black = 0;
    let other = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] === 0) black++;
      else if (data[i] !== 255) other++;
    }
    return { black: black / (data.length / 4), other };
  });
  expect(ink.other).toBe(0);
  expect(ink.black).toBeGreaterThan(0.003); // text on a mostly white page (a blank page has none)
  await preview.scrollIntoViewIfNeeded();
  await shoot(page, 'send-cover-preview');

  await page.getByRole('button', { name: 'Send test fax' }).click();
  await expect(page).toHaveURL(/#\/jobs\/[^/]+$/);
  await expect(page.getByTestId('batch-summary')).toHaveText('2 of 2 delivered', { timeout: 45_000 });
  const jobId = decodeURIComponent(new URL(page.url()).hash.split('/').pop() ?? '');
  const sent = await page.request.get(`/fax/${jobId}`, { headers });
  expect(await sent.json()).toMatchObject({ pages: 2, cover_template: 'acme' });
});
