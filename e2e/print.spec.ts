import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, FIXTURES, shoot, test } from './fixtures/gateway';

const letter = readFileSync(join(FIXTURES, 'three-page-letter.pdf'));

test('documents posted to /print-jobs wait on Send until a person adds a number; a tag fills it in', async ({ app: page, gateway }) => {
  await page.goto('/#/jobs');
  const post = (name: string, mimeType: string, buffer: Buffer) =>
    page.request.post(`${gateway.url}/print-jobs`, {
      headers: { 'x-api-key': gateway.adminKey },
      multipart: { file: { name, mimeType, buffer } },
    });
  expect((await post('referral.pdf', 'application/pdf', letter)).status()).toBe(201);
  // A new waiting document brings the window to Send.
  await expect(page).toHaveURL(/#\/send$/);
  expect((await post('lab-order.txt', 'text/plain', Buffer.from('Lab order\n@@fax:+12025550143@@\n'))).status()).toBe(201);

  const panel = page.getByTestId('print-jobs');
  await expect(panel.getByRole('heading', { level: 2 })).toHaveText('2 documents waiting for a fax number');
  const lab = panel.getByTestId('print-job').filter({ hasText: 'lab-order.txt' });
  await expect(lab.getByLabel('Fax number for lab-order.txt')).toHaveValue('+12025550143');
  const referral = panel.getByTestId('print-job').filter({ hasText: 'referral.pdf' });
  await expect(referral).toContainText('3 pages');
  await shoot(page, 'print-jobs-waiting');

  await referral.getByRole('button', { name: 'Send' }).click();
  await expect(referral.getByRole('alert')).toHaveText('Add a fax number.');
  await referral.getByLabel('Fax number for referral.pdf').fill('12');
  await referral.getByRole('button', { name: 'Send' }).click();
  await expect(referral.getByRole('alert')).toHaveText('12 is not a fax number.');

  await lab.getByRole('button', { name: 'Send' }).click();
  await expect(page).toHaveURL(/#\/jobs\/[0-9a-f]+$/);
  await page.goto('/#/send');
  await expect(panel.getByRole('heading', { level: 2 })).toHaveText('1 document waiting for a fax number');
  await referral.getByRole('button', { name: 'Discard' }).click();
  await expect(panel).toHaveCount(0);
  const listed = await page.request.get(`${gateway.url}/print-jobs`, { headers: { 'x-api-key': gateway.adminKey } });
  expect((await listed.json()).print_jobs).toEqual([]);
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
