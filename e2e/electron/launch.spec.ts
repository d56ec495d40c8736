import { expect, test } from '@playwright/test';
import { createServer } from 'node:net';
import { launchApp, skipWithoutElectron } from './electron-app';

type StatusCall = { ok: boolean; value?: { url: string; restPortBusy?: number } };
const gatewayStatus = () =>
  (window as unknown as { fax: { call(m: string, i: unknown): Promise<StatusCall> } }).fax.call('gateway:status', {});

skipWithoutElectron();

test('launches one window on app:// with window.fax and the gateway running', async () => {
  const { app, window: page, close } = await launchApp();
  try {
    expect(page.url()).toMatch(/^app:\/\/faxbot\//);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
    expect(await page.evaluate(() => Object.keys((window as unknown as { fax: object }).fax).sort())).toEqual([
      'call',
      'on',
      'onOpenFiles',
    ]);
    const status = await page.evaluate(() =>
      (window as unknown as { fax: { call(m: string, i: unknown): Promise<{ ok: boolean; value?: { url: string } }> } }).fax.call(
        'gateway:status',
        {},
      ),
    );
    expect(status.ok).toBe(true);
    expect(status.value?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(page.getByRole('navigation')).toBeVisible();
    // The Send screen itself renders: a better-sqlite3 build for the wrong runtime would stop the app before this.
    await expect(page.getByRole('heading', { name: 'Send a fax' })).toBeVisible();
    await expect(page.getByLabel('Choose files to fax')).toBeAttached();
  } finally {
    await close();
  }
});

test('opens next to another program holding the REST port, and says which port is busy', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const busy = (holder.address() as { port: number }).port;
  const { window: page, close } = await launchApp([], { PORT: String(busy) });
  try {
    await expect(page.getByRole('heading', { name: 'Send a fax' })).toBeVisible();
    const status = await page.evaluate(gatewayStatus);
    expect(status.value?.restPortBusy).toBe(busy);
    expect(status.value?.url).not.toContain(`:${busy}`);
    await page.evaluate(() => (window.location.hash = '#/settings'));
    await expect(page.getByRole('alert')).toContainText(`Port ${busy} is in use by another program`);
  } finally {
    await close();
    holder.close();
  }
});

test('quits cleanly, closing the gateway', async () => {
  const { app, userData, close } = await launchApp();
  const child = app.process();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await app.evaluate(({ app: electronApp }) => electronApp.quit());
  expect(await exited).toBe(0);
  expect(userData).toBeTruthy();
  await close().catch(() => undefined);
});
