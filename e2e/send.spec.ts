import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { greyPng } from '../electron/gateway/testing/images';
import { dropFiles, expect, FIXTURES, shoot, test } from './fixtures/gateway';

test('a dropped multi-page PDF shows 1-bit pages and warnings, and reaches delivered', async ({ app: page }) => {
  await page.goto('/#/jobs'); // Dropping works on any screen, not only Send.
  await dropFiles(page, [
    { name: 'three-page-letter.pdf', mimeType: 'application/pdf', bytes: readFileSync(join(FIXTURES, 'three-page-letter.pdf')) },
  ]);
  await expect(page).toHaveURL(/#\/send$/);
  const card = page.getByTestId('doc-card');
  await expect(card.getByTestId('doc-pages')).toHaveText('3 pages');
  await expect(card.getByRole('img', { name: /as it will print/ })).toHaveCount(3);
  await expect(card.locator('[data-code="colour_image"]')).toContainText('Page 2');
  await expect(card.locator('[data-code="tiny_text"]')).toContainText('Page 3');

  // The preview really is black and white: every sampled pixel is 0 or 255.
  const greys = await card
    .getByRole('img')
    .first()
    .evaluate(async (img: HTMLImageElement) => {
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4 * 97) seen.add(data[i]!);
      return [...seen].sort((a, b) => a - b);
    });
  expect(greys).toEqual([0, 255]);

  await page.getByLabel('Fax number').fill('(202) 555-0143');
  await expect(page.getByTestId('number-help')).toContainText('United States');
  await expect(page.getByTestId('number-help')).toContainText('+12025550143');
  await shoot(page, 'send-preview');

  await page.getByRole('button', { name: 'Send test fax' }).click();
  await expect(page).toHaveURL(/#\/jobs\/[^/]+$/);
  const row = page.getByTestId('job-row').first();
  await expect(row).toBeVisible();
  await expect(row.getByText('TEST')).toBeVisible();
  await expect(row.locator('[data-status="delivered"]')).toBeVisible({ timeout: 30_000 });
  const detail = page.getByTestId('job-detail');
  await expect(detail.locator('[data-status="delivered"]')).toBeVisible();
  await expect(detail.getByTestId('job-timeline')).not.toBeEmpty();
  await shoot(page, 'job-delivered');
});

test('a dropped photo is previewed as a dithered fax page, not a black block, and reaches delivered', async ({ app: page }) => {
  await page.goto('/#/send');
  await dropFiles(page, [{ name: 'photo.png', mimeType: 'image/png', bytes: greyPng(480, 640, 110) }]);
  const card = page.getByTestId('doc-card');
  await expect(card).toContainText('Image');
  await expect(card.getByTestId('doc-pages')).toHaveText('1 page');
  const preview = card.getByRole('img', { name: /as it will print/ });
  await expect(preview).toHaveCount(1);
  // Share of black in the middle of the page, where the photo sits: a dither pattern is near half.
  const ink = await preview.evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const w = Math.floor(canvas.width / 5);
    const h = Math.floor(canvas.height / 5);
    const data = ctx.getImageData(2 * w, 2 * h, w, h).data;
    let black = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] === 0) black++;
    return black / (data.length / 4);
  });
  expect(ink).toBeGreaterThan(0.2);
  expect(ink).toBeLessThan(0.8);
  await page.getByLabel('Fax number').fill('(202) 555-0143');
  await shoot(page, 'send-image');
  await page.getByRole('button', { name: 'Send test fax' }).click();
  await expect(page.getByTestId('job-row').first().locator('[data-status="delivered"]')).toBeVisible({ timeout: 30_000 });
});

test('a failing number shows the reason and what to do', async ({ app: page }) => {
  await page.goto('/#/send');
  await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'memo.txt'));
  await expect(page.getByLabel('Text of memo.txt')).toContainText('MEMO');
  await expect(page.getByTestId('doc-pages')).toHaveText('1 page');
  // The simulator treats numbers ending 0034 as not in service, like the provider emulators.
  await page.getByLabel('Fax number').fill('+1 202 555 0034');
  await page.getByLabel('Fax number').press('Enter');
  const advice = page.getByTestId('job-advice');
  await expect(advice).toContainText('The number is not a working fax number.', { timeout: 30_000 });
  await expect(advice).toContainText('Correct the number and send again.');
  await expect(page.getByTestId('job-row').first().locator('[data-status="failed"]')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Resend…' })).toBeVisible();
  await shoot(page, 'job-failed');
});
