import { expect, test } from '@playwright/test';
import { launchApp, skipWithoutElectron } from './electron-app';

skipWithoutElectron();

test('the window cannot navigate away, open windows, or reach Node', async () => {
  const { app, window: page, close } = await launchApp();
  try {
    const start = page.url();
    await page.evaluate(() => {
      location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(start);

    expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);

    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const win = BrowserWindow.getAllWindows()[0]!;
      // Not in Playwright's bundled Electron typings; present in Electron 41.
      const p = (win.webContents as unknown as { getLastWebPreferences(): Record<string, unknown> }).getLastWebPreferences();
      return { sandbox: p.sandbox, contextIsolation: p.contextIsolation, nodeIntegration: p.nodeIntegration };
    });
    expect(prefs).toEqual({ sandbox: true, contextIsolation: true, nodeIntegration: false });
  } finally {
    await close();
  }
});

test('the CSP blocks inline script and eval', async () => {
  const { window: page, close } = await launchApp();
  try {
    const blocked = await page.evaluate(() => {
      try {
        eval('1');
        return false;
      } catch {
        return true;
      }
    });
    expect(blocked).toBe(true);
    const inline = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.head.append(script);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return (window as { __inlineRan?: boolean }).__inlineRan === true;
    });
    expect(inline).toBe(false);
  } finally {
    await close();
  }
});

test('IPC refuses malformed input with a clear envelope', async () => {
  const { window: page, close } = await launchApp();
  try {
    const result = await page.evaluate(() =>
      (window as unknown as { fax: { call(m: string, i: unknown): Promise<unknown> } }).fax.call('jobs:list', { limit: 'lots' }),
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  } finally {
    await close();
  }
});
