import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { dropFiles, expect, FIXTURES, shoot, test } from './fixtures/gateway';

const SCREENS = join(import.meta.dirname, 'artifacts', 'screens');

/** The page image's size and how many of its line pairs (2k, 2k+1) are identical: 1.0 when each fax line is printed twice. */
function measure(img: Locator) {
  return img.evaluate(async (el: HTMLImageElement) => {
    await el.decode();
    const canvas = document.createElement('canvas');
    canvas.width = el.naturalWidth;
    canvas.height = el.naturalHeight;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(el, 0, 0);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const rowBytes = canvas.width * 4;
    let inked = 0;
    let same = 0;
    for (let y = 0; y + 1 < canvas.height; y += 2) {
      const a = data.subarray(y * rowBytes, (y + 1) * rowBytes);
      const b = data.subarray((y + 1) * rowBytes, (y + 2) * rowBytes);
      if (!a.includes(0) && !b.includes(0)) continue; // Blank paper says nothing.
      inked++;
      if (a.every((v, i) => v === b[i])) same++;
    }
    return { width: el.naturalWidth, height: el.naturalHeight, rows: Number(el.dataset.faxRows), pairedLines: same / inked };
  });
}

/** A close-up (4× each fax dot, unsmoothed) of the top of a page, so the line structure is visible in the picture. */
async function shootCloseUp(page: Page, img: Locator, name: string): Promise<void> {
  const src = await img.getAttribute('src');
  await page.evaluate((url) => {
    const frame = document.createElement('div');
    frame.id = 'close-up';
    frame.style.cssText = 'position:fixed;inset:0;z-index:9999;overflow:hidden;background:#fff';
    const image = new Image();
    image.src = url!;
    image.style.cssText = 'position:absolute;left:-780px;top:-1280px;width:6912px;height:8624px;image-rendering:pixelated';
    frame.append(image);
    document.body.append(frame);
    return image.decode();
  }, src);
  mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: join(SCREENS, `${name}.png`) });
  await page.evaluate(() => document.getElementById('close-up')?.remove());
}

test('the Send preview shows pages at the chosen fax resolution: standard prints each of its ~1100 lines twice, fine has ~2200', async ({
  app: page,
}) => {
  await page.goto('/#/send');
  await dropFiles(page, [
    { name: 'three-page-letter.pdf', mimeType: 'application/pdf', bytes: readFileSync(join(FIXTURES, 'three-page-letter.pdf')) },
  ]);
  const card = page.getByTestId('doc-card');
  const pages = card.getByRole('img', { name: /as it will print/ });
  await expect(pages).toHaveCount(3);
  const resolution = page.getByLabel('Resolution');
  await expect(resolution).toHaveValue('fine');
  await expect(page.getByText('The page previews show the fax as the receiving machine prints it at this resolution.')).toBeVisible();

  const first = pages.first();
  await expect(first).toHaveAttribute('data-fax-rows', '2156');
  const fine = await measure(first);
  expect(fine).toMatchObject({ width: 1728, height: 2156, rows: 2156 });
  expect(fine.pairedLines).toBeLessThan(0.9);
  await page.getByLabel('Fax number').fill('(202) 555-0143');
  await shoot(page, 'send-resolution-fine');
  await shootCloseUp(page, first, 'send-resolution-fine-closeup');

  await resolution.selectOption('standard');
  await expect(first).toHaveAttribute('data-fax-rows', '1078');
  await expect(pages).toHaveCount(3);
  const standard = await measure(pages.first());
  // Half the scan lines, each printed twice as tall: the same page size, coarser vertically.
  expect(standard).toMatchObject({ width: 1728, height: 2156, rows: 1078, pairedLines: 1 });
  await shoot(page, 'send-resolution-standard');
  await shootCloseUp(page, pages.first(), 'send-resolution-standard-closeup');

  // Back to fine redraws the fine pages; the fax goes out with the choice.
  await resolution.selectOption('fine');
  await expect(pages.first()).toHaveAttribute('data-fax-rows', '2156');
  await resolution.selectOption('standard');
  await expect(pages.first()).toHaveAttribute('data-fax-rows', '1078');
  const request = page.waitForRequest((r) => r.url().endsWith('/rpc/jobs:send'));
  await page.getByRole('button', { name: 'Send test fax' }).click();
  expect((await request).postDataJSON()).toMatchObject({ to: '+12025550143', resolution: 'standard' });
  await expect(page).toHaveURL(/#\/jobs\/[^/]+$/);
});
