import { startPhaxioEmulator, type PhaxioEmulator } from './emulators/phaxio';
import { expect, shoot, test } from './fixtures/gateway';

test.use({ firstLaunch: true });

let phaxio: PhaxioEmulator;
test.beforeEach(async () => {
  phaxio = await startPhaxioEmulator({ apiKey: 'emu-key', apiSecret: 'emu-secret', callbackToken: 'emu-webhook-token' });
});
test.afterEach(async () => {
  await phaxio.close();
});

test('first launch opens the wizard, which configures Phaxio against the emulator with live checks', async ({ app: page, gateway }) => {
  // A fresh gateway has not been set up: the wizard opens by itself.
  await expect(page.getByRole('heading', { name: 'Set up faxing' })).toBeVisible();
  await shoot(page, 'setup-backend');

  await page.getByRole('radio', { name: /Phaxio/ }).check();
  await page.getByRole('button', { name: 'Next' }).click();

  // Wrong secret first: the check fails and says how to fix it.
  await page.getByLabel(/^API key/).fill('emu-key');
  await page.getByLabel(/^API secret/).fill('not-the-secret');
  await page.getByText('Advanced').click();
  await page.getByLabel('API address').fill(phaxio.url);
  await page.getByRole('button', { name: 'Save and check' }).click();
  const checks = page.getByRole('list', { name: 'Checks for Phaxio' });
  await expect(checks.locator('[data-state="fail"]').first()).toBeVisible();
  await expect(checks.locator('.check-fix').first()).toContainText('Fix:');
  await shoot(page, 'setup-credentials-fail');

  // Secrets are write-only: after saving, the field is empty and only says it is saved.
  await expect(page.getByLabel(/^API secret/)).toHaveValue('');
  await expect(page.locator('body')).not.toContainText('not-the-secret');
  await page.getByLabel(/^API secret/).fill('emu-secret');
  await page.getByLabel(/^Webhook token/).fill('emu-webhook-token');
  await page.getByRole('button', { name: 'Save and check' }).click();
  await expect(checks.locator('[data-state="fail"]')).toHaveCount(0, { timeout: 15_000 });
  await expect(checks.locator('[data-state="pass"]').first()).toBeVisible();
  await shoot(page, 'setup-credentials-pass');

  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByLabel(/Public address of this gateway/)).toBeVisible();
  // The gateway's own loopback address stands in for a public one (tests stay on loopback).
  await page.getByLabel(/Public address of this gateway/).fill(gateway.url);
  await shoot(page, 'setup-public-url');
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByRole('heading', { name: 'Step 4 of 4: Check and finish' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Copy' }).first()).toBeVisible();
  await expect(page.getByLabel('Phaxio receive webhook URL')).toHaveValue(`${gateway.url}/phaxio-inbound`);
  await shoot(page, 'setup-finish');
  await page.getByRole('button', { name: 'Finish: use Phaxio' }).click();

  // Applied without a restart: the shell now reports Phaxio and test mode is off.
  await expect(page).toHaveURL(/#\/send$/);
  await expect(page.getByText('Fax service: Phaxio')).toBeVisible();
  await expect(page.getByRole('note')).toHaveCount(0);
  const status = await page.request.post('/rpc/gateway:status', { data: {} });
  expect((await status.json()).value).toMatchObject({ backend: 'phaxio', setupCompleted: true, testMode: false });
});
