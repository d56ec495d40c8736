import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { launchApp, skipWithoutElectron } from './electron-app';

skipWithoutElectron();

const LETTER = join(new URL('../fixtures', import.meta.url).pathname, 'three-page-letter.pdf');

test('a PDF given on the command line waits on Send for a number, and the fax is delivered', async () => {
  const { window: page, close } = await launchApp([LETTER]);
  try {
    await expect(page).toHaveURL(/#\/send$/);
    const waiting = page.getByTestId('print-job').filter({ hasText: 'three-page-letter.pdf' });
    await expect(waiting).toContainText('3 pages');
    await waiting.getByLabel('Fax number for three-page-letter.pdf').fill('(202) 555-0143');
    await waiting.getByRole('button', { name: 'Send' }).click();
    await expect(page).toHaveURL(/#\/jobs\/[^/]+$/);
    await expect(page.getByTestId('job-row').first().locator('[data-status="delivered"]')).toBeVisible({ timeout: 30_000 });
  } finally {
    await close();
  }
});

test('a second launch with a file hands it to the running window', async () => {
  const { app, window: page, close } = await launchApp();
  try {
    await page.evaluate(() => (location.hash = '#/jobs'));
    // What Electron does when a second instance starts with a file argument.
    await app.evaluate(({ app: electronApp }, file) => {
      electronApp.emit('second-instance', { preventDefault() {} }, [process.execPath, '.', file], process.cwd(), {});
    }, LETTER);
    await expect(page).toHaveURL(/#\/send$/);
    await expect(page.getByTestId('print-job')).toContainText('three-page-letter.pdf');
  } finally {
    await close();
  }
});
