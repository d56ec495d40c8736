import { expect, shoot, test } from './fixtures/gateway';

test('the open window survives a gateway restart: one offline state, then back by itself without signing in', async ({ app, gateway }) => {
  await app.goto(`${gateway.url}/#/jobs`);
  await expect(app.getByRole('heading', { name: 'Jobs' })).toBeVisible();

  await gateway.stop();
  // The event stream drops first; the window says so without the user doing anything.
  await expect(app.getByRole('heading', { name: 'The fax gateway is not answering' })).toBeVisible();
  await expect(app.getByText('Gateway offline')).toBeVisible();
  await expect(app.getByText(/No faxes yet/)).toHaveCount(0);
  await shoot(app, 'offline');
  // Send shows the same state (not a form that would fail on submit).
  await app.getByRole('link', { name: 'Send' }).click();
  await expect(app.getByRole('heading', { name: 'The fax gateway is not answering' })).toBeVisible();
  await expect(app.getByRole('heading', { name: 'Send a fax' })).toHaveCount(0);

  await gateway.start();
  await expect(app.getByRole('heading', { name: 'Send a fax' })).toBeVisible({ timeout: 20_000 });
  await expect(app.getByText('Gateway offline')).toHaveCount(0);

  // A reload after the restart keeps the session: no sign-in page.
  await app.reload();
  await expect(app.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect(app.getByLabel('Admin API key')).toHaveCount(0);
});

test('a reopened sign-in link: straight in while signed in, otherwise a page that explains and offers a way in', async ({
  page,
  gateway,
  browser,
}) => {
  await page.goto(gateway.loginUrl);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await page.goto(gateway.loginUrl);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();

  const other = await browser.newPage();
  await other.goto(gateway.loginUrl);
  await expect(other.getByText('That sign-in link has already been used or has expired.')).toBeVisible();
  await expect(other.getByRole('heading', { name: 'With a sign-in link' })).toBeVisible();
  await expect(other.getByLabel('Admin API key')).toBeVisible();
  expect(await other.locator('body').innerText()).not.toContain('"detail"');
  expect(new URL(other.url()).search).toBe('');
  await shoot(other, 'login-link-used');
  await other.close();
});
