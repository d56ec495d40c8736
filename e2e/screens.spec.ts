import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { dropFiles, expect, FIXTURES, shoot, test } from './fixtures/gateway';

/** Fills the gateway with a few faxes in different states so the screens have something to show. */
async function seed(page: Page): Promise<void> {
  const pdf = readFileSync(join(FIXTURES, 'three-page-letter.pdf')).toString('base64');
  for (const to of ['+12025550143', '+12025550034', '+442079460000', '+12025550017']) {
    const sent = await page.request.post('/rpc/jobs:send', {
      data: { to, documents: [{ name: 'three-page-letter.pdf', contentBase64: pdf }] },
    });
    expect(sent.ok()).toBe(true);
  }
  await page.request.post('/rpc/inbound:simulate', { data: {} });
  await page.request.post('/rpc/keys:create', { data: { name: 'EHR integration', scopes: ['fax:send', 'fax:read'] } });
  // Leave the setup wizard's first-launch prompt for the setup spec.
  await page.request.post('/rpc/setup:complete', { data: {} });
}

const SCREENS: { name: string; hash: string; ready: (page: Page) => Promise<void> }[] = [
  { name: 'jobs', hash: '#/jobs', ready: (p) => expect(p.getByTestId('job-row').first()).toBeVisible() },
  { name: 'inbox', hash: '#/inbox', ready: (p) => expect(p.getByTestId('inbox-row').first()).toBeVisible() },
  { name: 'keys', hash: '#/keys', ready: (p) => expect(p.getByTestId('key-row').first()).toBeVisible() },
  { name: 'settings', hash: '#/settings', ready: (p) => expect(p.getByRole('button', { name: 'Save changes' })).toBeVisible() },
  { name: 'setup', hash: '#/setup', ready: (p) => expect(p.getByRole('radio', { name: /Phaxio/ })).toBeVisible() },
  { name: 'diagnostics', hash: '#/diagnostics', ready: (p) => expect(p.getByRole('list', { name: 'Diagnostic checks' })).toBeVisible() },
  { name: 'logs', hash: '#/logs', ready: (p) => expect(p.locator('.logs-table')).toBeVisible() },
];

test('every screen, light and dark, at 1280×800 and in a small window', async ({ page, gateway }) => {
  // The login screen, then sign in with the admin key through it.
  await page.goto(gateway.url);
  await expect(page.getByLabel('Admin API key')).toBeVisible();
  await shoot(page, 'login');
  await page.getByLabel('Admin API key').fill('wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await page.getByLabel('Admin API key').fill(gateway.adminKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  // The key lives only in the HttpOnly cookie, never in the page's storage.
  expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain(
    gateway.adminKey,
  );

  await seed(page);
  for (const size of [
    { suffix: '', width: 1280, height: 800 },
    { suffix: '-small', width: 760, height: 600 },
  ]) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.goto(`${gateway.url}/#/send`);
    await expect(page.getByRole('heading', { name: 'Send a fax' })).toBeVisible();
    await shoot(page, `send-empty${size.suffix}`);
    await dropFiles(page, [
      { name: 'three-page-letter.pdf', mimeType: 'application/pdf', bytes: readFileSync(join(FIXTURES, 'three-page-letter.pdf')) },
      { name: 'memo.txt', mimeType: 'text/plain', bytes: readFileSync(join(FIXTURES, 'memo.txt')) },
    ]);
    await expect(page.getByTestId('doc-card').first().getByRole('img')).toHaveCount(3);
    await page.getByLabel('Fax number').fill('020 7946 0000');
    await shoot(page, `send-files${size.suffix}`);
    await page.getByRole('button', { name: 'Remove three-page-letter.pdf' }).click();
    await page.getByRole('button', { name: 'Remove memo.txt' }).click();

    for (const screen of SCREENS) {
      await page.goto(`${gateway.url}/${screen.hash}`);
      await screen.ready(page);
      await shoot(page, `${screen.name}${size.suffix}`);
    }
    await page.goto(`${gateway.url}/#/jobs`);
    await page.getByTestId('job-row').first().click();
    await expect(page.getByTestId('job-detail')).toBeVisible();
    await shoot(page, `job-detail${size.suffix}`);
  }
});

test('keyboard: skip link, navigation and the jobs list work without a mouse', async ({ app: page }) => {
  await page.goto('/#/send');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();
  await page.getByRole('link', { name: 'Jobs' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Jobs' })).toBeVisible();
});
