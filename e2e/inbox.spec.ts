import { expect, shoot, test } from './fixtures/gateway';

test('an inbound fax appears with a badge, opens in the viewer and is marked read', async ({ app: page }) => {
  await page.goto('/#/send');
  await expect(page.getByTestId('inbox-badge')).toHaveCount(0);

  // A fax arrives while the user is on another screen.
  const arrived = await page.request.post('/rpc/inbound:simulate', { data: {} });
  expect(arrived.ok()).toBe(true);
  await expect(page.getByTestId('inbox-badge')).toHaveText('1');
  await expect(page.getByRole('status')).toContainText('New fax received');
  await expect(page).toHaveTitle('(1) Faxbot');

  await page.getByRole('link', { name: /Inbox/ }).click();
  const row = page.getByTestId('inbox-row');
  await expect(row).toHaveCount(1);
  await expect(row).toHaveClass(/unread/);
  await shoot(page, 'inbox');

  await row.click();
  const viewer = page.getByTestId('inbound-viewer');
  await expect(viewer.getByRole('img', { name: /Page 1 of/ })).toBeVisible();
  await expect(viewer.getByRole('link', { name: 'Download PDF' })).toHaveAttribute('href', /./);
  await expect(page.getByTestId('inbox-badge')).toHaveCount(0);
  await expect(row).not.toHaveClass(/unread/);
  await shoot(page, 'inbox-viewer');

  await viewer.getByRole('button', { name: 'Mark unread' }).click();
  await expect(page.getByTestId('inbox-badge')).toHaveText('1');
});
