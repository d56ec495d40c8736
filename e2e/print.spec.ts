import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, FIXTURES, shoot, test } from './fixtures/gateway';

const letter = readFileSync(join(FIXTURES, 'three-page-letter.pdf'));

test('a lone waiting document opens attached to Send; more are listed; each is sent once, from the form or the list', async ({
  app: page,
  gateway,
}) => {
  await page.goto('/#/jobs');
  const headers = { 'x-api-key': gateway.adminKey };
  const post = (name: string, mimeType: string, buffer: Buffer) =>
    page.request.post(`${gateway.url}/print-jobs`, { headers, multipart: { file: { name, mimeType, buffer } } });
  expect((await post('referral.pdf', 'application/pdf', letter)).status()).toBe(201);
  // A new waiting document brings the window to Send, with the document attached and previewed.
  await expect(page).toHaveURL(/#\/send$/);
  const referralCard = page.getByTestId('doc-card').filter({ hasText: 'referral.pdf' });
  await expect(referralCard.getByTestId('doc-pages')).toHaveText('3 pages');
  await expect(referralCard.getByRole('img')).toHaveCount(3);
  const panel = page.getByTestId('print-jobs');
  await expect(panel).toHaveCount(0);

  expect((await post('lab-order.txt', 'text/plain', Buffer.from('Lab order\n@@fax:+12025550143@@\n'))).status()).toBe(201);
  await expect(panel.getByRole('heading', { level: 2 })).toHaveText('1 document waiting for a fax number');
  const lab = panel.getByTestId('print-job').filter({ hasText: 'lab-order.txt' });
  await expect(lab.getByLabel('Fax number for lab-order.txt')).toHaveValue('+12025550143');
  await shoot(page, 'print-jobs-waiting');

  await lab.getByLabel('Fax number for lab-order.txt').fill('');
  await lab.getByRole('button', { name: 'Send' }).click();
  await expect(lab.getByRole('alert')).toHaveText('Add a fax number.');
  await lab.getByLabel('Fax number for lab-order.txt').fill('12');
  await lab.getByRole('button', { name: 'Send' }).click();
  await expect(lab.getByRole('alert')).toHaveText('12 is not a fax number.');
  await lab.getByLabel('Fax number for lab-order.txt').fill('+12025550143');
  await lab.getByRole('button', { name: 'Send' }).click();
  await expect(page).toHaveURL(/#\/jobs\/[0-9a-f]+$/);

  // The attached referral is still on Send; the form sends it, and it leaves the waiting list for good.
  await page.goto('/#/send');
  await expect(referralCard).toBeVisible();
  await page.getByLabel('Fax number', { exact: true }).fill('+12025550150');
  await page.getByRole('button', { name: /^Send (test )?fax$/ }).click();
  await expect(page).toHaveURL(/#\/jobs\/[0-9a-f]+$/);
  const listed = await page.request.get(`${gateway.url}/print-jobs`, { headers });
  expect((await listed.json()).print_jobs).toEqual([]);
  await page.goto('/#/send');
  await expect(page.getByTestId('doc-card')).toHaveCount(0);
  await expect(panel).toHaveCount(0);
});

test('Settings shows each print-to-fax route, its state and the tag syntax', async ({ app: page }) => {
  await page.goto('/#/settings');
  const card = page.getByTestId('print-routes');
  await expect(card).toContainText('@@fax:+15551234567@@');
  await expect(card).toContainText('Hot folder (off)');
  await expect(card).toContainText('Faxbot printer');
  // Its own empty folder: a hot folder files away every PDF or text file it finds.
  const folder = mkdtempSync(join(tmpdir(), 'fbd-e2e-hot-'));
  await page.getByLabel(/Hot folder/).fill(folder);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(card).toContainText('Hot folder (watching)');
  await expect(card).toContainText(folder);
  await card.scrollIntoViewIfNeeded();
  await shoot(page, 'settings-print-to-fax');
  rmSync(folder, { recursive: true, force: true });
});
