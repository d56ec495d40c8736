import { expect, test } from '@playwright/test';
import { launchApp, skipWithoutElectron } from './electron-app';

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
  } finally {
    await close();
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
