import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, expectAccessible, FIXTURES, shoot, test } from './fixtures/gateway';

async function seed(page: Page): Promise<void> {
  const pdf = readFileSync(join(FIXTURES, 'three-page-letter.pdf')).toString('base64');
  for (const to of ['+12025550143', '+442079460000', '+12025550017']) {
    const sent = await page.request.post('/rpc/jobs:send', {
      data: { to, documents: [{ name: 'quarterly-statement-for-accounts.pdf', contentBase64: pdf }] },
    });
    expect(sent.ok()).toBe(true);
  }
  await page.request.post('/rpc/inbound:simulate', { data: {} });
  await page.request.post('/rpc/keys:create', { data: { name: 'EHR integration', scopes: ['fax:send', 'fax:read'] } });
}

const SCREENS: { name: string; hash: string; ready: (page: Page) => Promise<void> }[] = [
  { name: 'send', hash: '#/send', ready: (p) => expect(p.getByRole('heading', { name: 'Send a fax' })).toBeVisible() },
  { name: 'jobs', hash: '#/jobs', ready: (p) => expect(p.getByTestId('job-row').first()).toBeVisible() },
  { name: 'inbox', hash: '#/inbox', ready: (p) => expect(p.getByTestId('inbox-row').first()).toBeVisible() },
  { name: 'keys', hash: '#/keys', ready: (p) => expect(p.getByTestId('key-row').first()).toBeVisible() },
  { name: 'settings', hash: '#/settings', ready: (p) => expect(p.getByRole('button', { name: 'Save changes' })).toBeVisible() },
  { name: 'setup', hash: '#/setup', ready: (p) => expect(p.getByRole('radio', { name: /Phaxio/ })).toBeVisible() },
  { name: 'diagnostics', hash: '#/diagnostics', ready: (p) => expect(p.getByRole('list', { name: 'Diagnostic checks' })).toBeVisible() },
  { name: 'logs', hash: '#/logs', ready: (p) => expect(p.locator('.logs-table')).toBeVisible() },
];

test('every screen passes axe-core in light and dark, with no request answered 404', async ({ page, gateway }) => {
  test.setTimeout(300_000);
  const missing: string[] = [];
  page.on('response', (response) => {
    if (response.status() === 404) missing.push(response.url());
  });
  await page.goto(gateway.url);
  await expect(page.getByLabel('Admin API key')).toBeVisible();
  await expectAccessible(page, 'login');
  await page.goto(gateway.loginUrl);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await seed(page);
  await page.request.post('/rpc/setup:complete', { data: {} });
  for (const screen of SCREENS) {
    await page.goto(`${gateway.url}/${screen.hash}`);
    await screen.ready(page);
    await expectAccessible(page, screen.name);
  }
  await page.goto(`${gateway.url}/#/jobs`);
  await page.getByTestId('job-row').first().click();
  await expect(page.getByTestId('job-detail')).toBeVisible();
  await expectAccessible(page, 'job-detail');
  await page.goto(`${gateway.url}/#/inbox`);
  await page.getByTestId('inbox-row').first().click();
  await expect(page.getByTestId('inbound-viewer')).toBeVisible();
  await expectAccessible(page, 'inbox-detail');
  expect(missing).toEqual([]);
  const icon = await page.request.get('/favicon.svg');
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toContain('image/svg+xml');
});

test('1024×640: jobs stay readable with a fax open, grouped by day; Cancel asks first', async ({ app: page }) => {
  await seed(page);
  await page.setViewportSize({ width: 1024, height: 640 });
  await page.goto('/#/jobs');
  await expect(page.getByRole('heading', { name: 'Today' })).toBeVisible();
  const row = page.getByTestId('job-row').first();
  await row.click();
  await expect(page.getByTestId('job-detail')).toBeVisible();
  await shoot(page, 'jobs-detail-1024');
  // The number is never cut short with the panel open; the file name keeps a readable width.
  expect(await row.locator('.job-row-to').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  expect(await row.locator('.job-row-file').evaluate((el) => el.clientWidth)).toBeGreaterThan(150);
  await expect(
    page
      .getByTestId('job-detail')
      .getByText(/\d:\d\d:\d\d/)
      .first(),
  ).toBeVisible();

  const detail = page.getByTestId('job-detail');
  const cancel = detail.getByRole('button', { name: 'Cancel fax…' });
  if (await cancel.isVisible()) {
    await cancel.click();
    await expect(detail.getByText(/Cancel this fax to/)).toBeVisible();
    await detail.getByRole('button', { name: 'Keep it' }).click();
    await expect(detail.getByText(/Cancel this fax to/)).toHaveCount(0);
  }
});

test('1024×640: a toast never covers Save changes; setup check results come into view', async ({ app: page }) => {
  await page.setViewportSize({ width: 1024, height: 640 });
  await page.goto('/#/settings');
  await page.getByLabel('Attempts per fax').fill('4');
  const save = page.getByRole('button', { name: 'Save changes' });
  await save.click();
  const toast = page.locator('.toast').first();
  await expect(toast).toBeVisible();
  const [a, b] = [await toast.boundingBox(), await save.boundingBox()];
  expect(a && b).toBeTruthy();
  const overlaps = a!.x < b!.x + b!.width && b!.x < a!.x + a!.width && a!.y < b!.y + b!.height && b!.y < a!.y + a!.height;
  expect(overlaps).toBe(false);
  await shoot(page, 'settings-saved-1024');

  // A validation problem reads as a sentence, not as zod output.
  await page.getByLabel('Attempts per fax').fill('0');
  await save.click();
  await expect(page.getByRole('alert')).toHaveText('Attempts per fax must be at least 1.');

  await page.goto('/#/setup');
  await page.getByRole('radio', { name: /Test mode/ }).check();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('heading', { name: 'Step 2 of 4: Test options' })).toBeVisible();
  await page.getByRole('button', { name: 'Save and check' }).click();
  const checks = page.getByRole('list', { name: 'Checks for Test mode' });
  await expect(checks).toBeInViewport();
  await shoot(page, 'setup-checks-1024');
});

test('keyboard only: pick a document, type the number, Enter sends; arrows move through the day-grouped list', async ({ app: page }) => {
  await page.goto('/#/send');
  // The file dialog is the OS's; what it hands back is what setInputFiles gives.
  await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'memo.txt'));
  await expect(page.getByTestId('doc-card')).toHaveCount(1);
  const number = page.getByLabel('Fax number');
  for (let presses = 0; presses < 40 && !(await number.evaluate((el) => el === document.activeElement)); presses++) {
    await page.keyboard.press('Tab');
  }
  await expect(number).toBeFocused();
  await page.keyboard.type('+1 202 555 0143');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/jobs\/.+/);
  await expect(page.getByTestId('job-detail')).toBeVisible();

  await page.request.post('/rpc/jobs:send', {
    data: { to: '+12025550144', documents: [{ name: 'b.txt', contentBase64: Buffer.from('second').toString('base64') }] },
  });
  await page.goto('/#/jobs');
  const rows = page.getByTestId('job-row');
  await expect(rows).toHaveCount(2);
  await rows.first().focus();
  await page.keyboard.press('ArrowDown');
  await expect(rows.nth(1)).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(rows.first()).toBeFocused();
  // Up from the first fax stays there (the day heading above is not a stop).
  await page.keyboard.press('ArrowUp');
  await expect(rows.first()).toBeFocused();
});
