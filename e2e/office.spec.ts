import { join } from 'node:path';
import { expect, FIXTURES, shoot, test } from './fixtures/gateway';

const PHONE_BOOK = [
  'name,company,fax,groups',
  'Ann Example,Riverside Clinic,(202) 555-0143,',
  'North Office,Branch North,+1 202 555 0101,Branches',
  'South Office,Branch South,+1 202 555 0034,Branches', // the simulator fails numbers ending 0034
  'East Office,Branch East,+1 202 555 0103,Branches',
].join('\n');

test('phone book: import, pick a contact by name, send to a group of three with one failing, open the report', async ({
  app: page,
  gateway,
}) => {
  test.setTimeout(120_000);
  await page.goto('/#/contacts');
  await page.getByTestId('contacts-import').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(PHONE_BOOK) });
  await expect(page.getByTestId('contacts-total')).toHaveText('4 contacts');
  await expect(page.getByRole('button', { name: /Branches \(3\)/ })).toBeVisible();
  await shoot(page, 'contacts');

  // One fax to a contact picked by name.
  await page.goto('/#/send');
  await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'memo.txt'));
  await expect(page.getByTestId('doc-pages')).toHaveText('1 page');
  await page.getByLabel('Fax number').fill('ann');
  await page.getByRole('button', { name: /Ann Example/ }).click();
  await expect(page.getByTestId('recipients')).toContainText('Ann Example');
  await page.getByRole('button', { name: 'Send test fax' }).click();
  await expect(page).toHaveURL(/#\/jobs\/[^/]+$/);
  const detail = page.getByTestId('job-detail');
  await expect(detail.getByRole('heading', { name: /Fax to/ })).toContainText('Ann Example');
  await expect(detail.locator('[data-status="delivered"]')).toBeVisible({ timeout: 30_000 });

  // The group: three jobs in one batch, one of them to a failing number.
  await page.goto('/#/send');
  await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'memo.txt'));
  await expect(page.getByTestId('doc-pages')).toHaveText('1 page');
  await page.getByLabel('Fax number').fill('branch');
  await page.getByRole('button', { name: /Group: Branches/ }).click();
  await page.getByLabel('Cover page').selectOption('confidential');
  await page.getByLabel('Subject').fill('Monthly figures');
  await expect(page.getByTestId('send-summary')).toContainText('+ cover page = 2 pages');
  // A group is previewed with its first contact; the cover is the built-in one, drawn as it is sent.
  await expect(page.getByTestId('cover-preview').getByRole('img', { name: 'Cover page as it will print' })).toBeVisible();
  await expect(page.getByTestId('cover-preview-for')).toContainText('the first of 3 recipients');
  await shoot(page, 'send-group');
  await page.getByRole('button', { name: 'Send test fax' }).click();
  await expect(page).toHaveURL(/#\/jobs\/[^/]+$/);
  const summary = page.getByTestId('batch-summary');
  await expect(summary).toHaveText('2 of 3 delivered, 1 failed', { timeout: 45_000 });
  await expect(page.getByTestId('job-row').filter({ hasText: 'South Office' }).first()).toBeVisible();
  await shoot(page, 'batch-result');

  await page.getByRole('button', { name: 'Resend to the failed one' }).click();
  await expect(summary).toContainText('still sending');

  // The report of a delivered recipient: opened from the job, and the same PDF over REST.
  await page.getByTestId('batch-panel').getByRole('link', { name: 'North Office' }).click();
  await expect(detail.getByRole('heading', { name: /Fax to/ })).toContainText('North Office');
  const popup = page.waitForEvent('popup');
  await detail.getByRole('button', { name: 'Confirmation report' }).click();
  const tab = await popup;
  await expect.poll(() => tab.url()).toMatch(/^blob:/);
  const jobId = decodeURIComponent(new URL(page.url()).hash.split('/').pop() ?? '');
  const report = await page.request.get(`/fax/${jobId}/report.pdf`, { headers: { 'x-api-key': gateway.adminKey } });
  expect(report.status()).toBe(200);
  expect((await report.body()).subarray(0, 5).toString()).toBe('%PDF-');
  await tab.close();
});

test('schedule a fax a minute ahead, change it, then cancel it before it starts', async ({ app: page }) => {
  await page.goto('/#/send');
  await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'memo.txt'));
  await expect(page.getByTestId('doc-pages')).toHaveText('1 page');
  await page.getByLabel('Fax number').fill('(202) 555-0143');
  await page.getByLabel('Send later').check();
  const inTwoMinutes = await page.evaluate(() => {
    const d = new Date(Date.now() + 120_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  });
  await page.getByLabel('Send at').fill(inTwoMinutes);
  await page.getByRole('button', { name: 'Schedule fax' }).click();
  await expect(page).toHaveURL(/#\/jobs\/[^/]+$/);
  const panel = page.getByTestId('scheduled-panel');
  await expect(panel).toContainText('Scheduled for');
  await expect(page.getByTestId('job-row').first()).toContainText('scheduled');
  await shoot(page, 'scheduled');

  await panel.getByRole('button', { name: /Change number or time/ }).click();
  await panel.getByLabel('Fax number').fill('+1 202 555 0199');
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('job-detail').getByRole('heading', { name: /Fax to/ })).toContainText('+12025550199');
  await expect(page.getByTestId('job-detail').locator('[data-status="queued"]')).toBeVisible();

  await page.getByRole('button', { name: 'Cancel fax…' }).click();
  await page.getByRole('button', { name: 'Yes, cancel the fax' }).click();
  await expect(page.getByTestId('job-detail').locator('[data-status="canceled"]')).toBeVisible();
  await expect(panel).toHaveCount(0);
});

test('forward a received fax to a contact picked by name', async ({ app: page, gateway }) => {
  const headers = { 'x-api-key': gateway.adminKey };
  const made = await page.request.post('/rpc/contacts:create', { headers, data: { name: 'Ann Example', fax: '+12025550143' } });
  expect(made.ok()).toBe(true);
  const received = await page.request.post('/rpc/inbound:simulate', { headers, data: { from: '+12025550177' } });
  const fax = (await received.json()) as { value: { id: string } };
  await page.goto(`/#/inbox/${fax.value.id}`);
  const viewer = page.getByTestId('inbound-viewer');
  await viewer.getByRole('button', { name: 'Forward…' }).click();
  await viewer.getByLabel('Forward to (number or contact)').fill('ann');
  await viewer.getByRole('button', { name: /Ann Example/ }).click();
  await expect(viewer.getByLabel('Forward to (number or contact)')).toHaveValue('+12025550143');
  await shoot(page, 'inbox-forward');
  await viewer.getByRole('button', { name: 'Forward fax' }).click();
  await expect(page).toHaveURL(/#\/jobs\/[^/]+$/);
  await expect(page.getByTestId('job-detail').getByRole('heading', { name: /Fax to/ })).toContainText('Ann Example');
});
