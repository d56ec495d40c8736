import { expect, shoot, test } from './fixtures/gateway';

test('an API key is created with scopes, shown once, works, and stops working when revoked', async ({ app: page }) => {
  await page.goto('/#/keys');
  await page.getByRole('button', { name: 'Create key' }).click();
  const form = page.getByRole('form', { name: 'New API key' });
  await form.getByLabel('Name').fill('Scanner in reception');
  await form.getByRole('checkbox', { name: /inbound:list/ }).check();
  await shoot(page, 'keys-create');
  await form.getByRole('button', { name: 'Create key' }).click();

  const token = await page.getByTestId('new-token').inputValue();
  expect(token).toMatch(/^fbk_live_/);
  await shoot(page, 'keys-token');
  await page.getByRole('button', { name: 'Done, I saved it' }).click();
  await expect(page.getByTestId('new-token')).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText(token);

  const row = page.getByTestId('key-row').filter({ hasText: 'Scanner in reception' });
  await expect(row).toContainText('inbound:list');
  // The token works against the Faxbot REST API…
  const before = await page.request.get('/inbound', { headers: { 'X-API-Key': token } });
  expect(before.status()).toBe(200);

  await row.getByRole('button', { name: 'Revoke Scanner in reception' }).click();
  await row.getByRole('button', { name: 'Revoke', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Revoked keys' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Revoke Scanner in reception' })).toHaveCount(0);
  // …and not after revoking.
  const after = await page.request.get('/inbound', { headers: { 'X-API-Key': token } });
  expect(after.status()).toBe(401);
  await shoot(page, 'keys');
});
