import { readFileSync } from 'node:fs';
import { startAmiEmulator, type AmiEmulator } from './emulators/ami';
import { expect, shoot, test } from './fixtures/gateway';

test.use({ firstLaunch: true });

let ami: AmiEmulator;
test.beforeEach(async () => {
  ami = await startAmiEmulator({ username: 'faxbot', secret: 'ami-secret' });
});
test.afterEach(async () => {
  await ami.close();
});

test('the wizard sets up SIP/Asterisk, checking the AMI login live against the emulator, then a fax goes out', async ({
  app: page,
  gateway,
}) => {
  await expect(page.getByRole('heading', { name: 'Set up faxing' })).toBeVisible();
  await page.getByRole('radio', { name: /SIP \/ Asterisk/ }).check();
  await page.getByRole('button', { name: 'Next' }).click();

  await page.getByLabel('AMI host').fill(ami.host);
  await page.getByLabel('AMI port').fill(String(ami.port));
  await page.getByLabel('AMI user name').fill('faxbot');
  await page.getByLabel(/^AMI password/).fill('not-the-password');
  await page.getByRole('button', { name: 'Save and check' }).click();
  const checks = page.getByRole('list', { name: 'Checks for SIP / Asterisk' });
  await expect(checks.locator('[data-state="fail"]').first()).toContainText('Asterisk refused the AMI login for user faxbot');
  await checks.scrollIntoViewIfNeeded();
  await shoot(page, 'setup-sip-login-fail');
  await expect(page.locator('body')).not.toContainText('not-the-password');

  await page.getByLabel(/^AMI password/).fill('ami-secret');
  await page.getByRole('button', { name: 'Save and check' }).click();
  await expect(checks.getByText('Logged in to the Asterisk manager')).toBeVisible({ timeout: 15_000 });
  await expect(checks.getByText(/^Ghostscript \d/)).toBeVisible();
  await expect(checks.locator('[data-state="fail"], [data-state="warn"]')).toHaveCount(0);
  await checks.scrollIntoViewIfNeeded();
  await shoot(page, 'setup-sip-login-pass');

  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('Asterisk talks to the gateway on your network; no public address is needed.')).toBeVisible();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Finish: use SIP / Asterisk' }).click();
  await expect(page).toHaveURL(/#\/send$/);

  // A fax through the REST door reaches Asterisk as one Originate and is delivered.
  const sent = await page.request.post('/fax', {
    headers: { 'x-api-key': gateway.adminKey },
    multipart: {
      to: '+15551230001',
      file: { name: 'letter.pdf', mimeType: 'application/pdf', buffer: readFileSync('e2e/fixtures/three-page-letter.pdf') },
    },
  });
  expect(sent.status()).toBe(202);
  const id = (await sent.json()).id as string;
  await expect
    .poll(async () => (await (await page.request.get(`/fax/${id}`, { headers: { 'x-api-key': gateway.adminKey } })).json()).state, {
      timeout: 20_000,
    })
    .toBe('delivered');
  expect(ami.originates.map((o) => o.actionId)).toEqual([`sip-${id}-1`]);
});
