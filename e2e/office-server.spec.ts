import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dropFiles, expect, expectAccessible, FIXTURES, shoot, startGateway, test, type RunningGateway } from './fixtures/gateway';

test.use({ firstLaunch: true });

const WINDOW_SCOPES = ['fax:send', 'fax:read', 'inbound:list', 'inbound:read'];

let server: RunningGateway;
let stopServer: () => Promise<void>;
test.beforeEach(async () => {
  ({ gateway: server, stop: stopServer } = await startGateway({ SIMULATOR_STEP_MS: '300' }, 0));
});
test.afterEach(async () => {
  await stopServer();
});

/** The administrator's part: finish the server's setup and hand out one key per person. */
async function personalKey(request: import('@playwright/test').APIRequestContext, name: string): Promise<string> {
  const admin = { 'x-api-key': server.adminKey };
  expect((await request.post(`${server.url}/rpc/setup:complete`, { headers: admin, data: {} })).ok()).toBe(true);
  const created = await request.post(`${server.url}/rpc/keys:create`, { headers: admin, data: { name, scopes: WINDOW_SCOPES } });
  expect(created.ok()).toBe(true);
  return ((await created.json()) as { value: { token: string } }).value.token;
}

test('the wizard connects this window to the office server with a personal key; Jobs tells who sent each fax', async ({ app: page }) => {
  const alice = await personalKey(page.request, 'Alice');
  const bob = await personalKey(page.request, 'Bob');
  const serverName = new URL(server.url).host;

  await expect(page.getByRole('heading', { name: 'Set up faxing' })).toBeVisible();
  await page.getByRole('radio', { name: /Connect to the office server/ }).check();
  await page.getByLabel('Office server address').fill(server.url);
  // A wrong key first: refused live, with a sentence, and the window stays on this step.
  await page.getByLabel('Your API key').fill(`${alice.slice(0, -6)}XXXXXX`);
  await page.getByRole('button', { name: 'Check and connect' }).click();
  await expect(page.getByTestId('office-error')).toContainText('did not accept this API key');
  await shoot(page, 'office-connect-bad-key');
  await expectAccessible(page, 'office connect step');

  await page.getByLabel('Your API key').fill(alice);
  await page.getByRole('button', { name: 'Check and connect' }).click();
  // Connected: Send, with the server named in the sidebar and the title bar.
  await expect(page).toHaveURL(/#\/send$/);
  await expect(page.getByTestId('office-server')).toHaveText(`Office server: ${serverName}`);
  await expect(page).toHaveTitle(`Faxbot — ${serverName}`);
  await shoot(page, 'office-connected-send');

  // Alice sends from this window; Bob sends from his own script to the server.
  await dropFiles(page, [{ name: 'memo.txt', mimeType: 'text/plain', bytes: readFileSync(join(FIXTURES, 'memo.txt')) }]);
  await page.getByLabel('Fax number').fill('(202) 555-0143');
  await page.getByRole('button', { name: /^Send/ }).click();
  await expect(page).toHaveURL(/#\/jobs\/[^/]+$/);
  const fromBob = await page.request.post(`${server.url}/fax`, {
    headers: { 'x-api-key': bob },
    multipart: { to: '+12025550199', file: { name: 'bob.txt', mimeType: 'text/plain', buffer: Buffer.from('From Bob') } },
  });
  expect(fromBob.status()).toBe(202);

  await page.goto('/#/jobs');
  const rows = page.getByTestId('job-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.getByTestId('job-sender')).toHaveText([' · sent by Bob', ' · sent by Alice']);
  await page.getByLabel('Sent by').selectOption({ label: 'Alice' });
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('sent by Alice');
  await expect(page.getByTestId('jobs-total')).toHaveText('1 fax');
  await expect(rows.first().locator('[data-status="delivered"]')).toBeVisible({ timeout: 30_000 });
  await shoot(page, 'office-jobs-by-sender');
  await expectAccessible(page, 'office jobs by sender');

  // The server's own history agrees (REST, the same filter).
  const rest = await page.request.get(`${server.url}/fax?sender=Alice`, { headers: { 'x-api-key': alice } });
  expect(((await rest.json()) as { items: { sent_by: string }[] }).items.map((j) => j.sent_by)).toEqual(['Alice']);

  // Settings: nothing about provider credentials, the server named, and the way back.
  await page.goto('/#/settings');
  await expect(page.getByTestId('office-server-name')).toHaveText(serverName);
  await expect(page.getByText('Managed by the office server')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Fax service' })).toHaveCount(0);
  await shoot(page, 'office-settings');
  await expectAccessible(page, 'office settings');
  await page.getByRole('button', { name: 'Use this computer instead' }).click();
  await expect(page.getByTestId('office-server')).toHaveCount(0);
  await expect(page).toHaveTitle('Faxbot');
});

test('the window says when the office server goes away and comes back by itself', async ({ app: page }) => {
  const alice = await personalKey(page.request, 'Alice');
  await page.getByRole('radio', { name: /Connect to the office server/ }).check();
  await page.getByLabel('Office server address').fill(server.url);
  await page.getByLabel('Your API key').fill(alice);
  await page.getByRole('button', { name: 'Check and connect' }).click();
  await expect(page.getByTestId('office-server')).toBeVisible();

  await server.stop();
  await expect(page.getByTestId('offline')).toContainText('The office server is not answering', { timeout: 20_000 });
  await shoot(page, 'office-offline');
  await server.start();
  await expect(page.getByTestId('offline')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByRole('heading', { name: 'Send a fax' })).toBeVisible();
});
