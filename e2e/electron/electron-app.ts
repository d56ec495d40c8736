import { _electron, test, type ElectronApplication, type Page } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;

/** The Electron binary's path, or null where it could not be installed (npm skips the optional dependency). */
function electronBinary(): string | null {
  try {
    const path: unknown = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
export const hasElectronBinary = binary !== null;
export const SKIP_REASON = 'Electron binary not installed: skipping Electron e2e';
let announced = false;

/**
 * Call at the top of each Electron spec. Without a binary every test skips, and the run prints the
 * reason once (the list reporter shows skips without their reason).
 */
export function skipWithoutElectron(): void {
  test.beforeEach(() => {
    if (!hasElectronBinary && !announced) {
      announced = true;
      console.log(`[electron e2e] ${SKIP_REASON}`);
    }
    test.skip(!hasElectronBinary, SKIP_REASON);
  });
}

export interface LaunchedApp {
  app: ElectronApplication;
  window: Page;
  userData: string;
  close(): Promise<void>;
}

/**
 * Launches the built app (dist-electron + dist/renderer) in its own profile: its own userData (and so
 * its own single-instance lock), a free gateway port, no update checks, setup marked done.
 */
export async function launchApp(fileArgs: string[] = [], env: Record<string, string> = {}): Promise<LaunchedApp> {
  if (!binary) throw new Error(SKIP_REASON);
  for (const built of ['dist-electron/main.cjs', 'dist-electron/preload.cjs', 'dist/renderer/index.html']) {
    if (!existsSync(join(ROOT, built))) throw new Error(`Build first (npm run build): ${built} is missing`);
  }
  const userData = mkdtempSync(join(tmpdir(), 'faxbot-electron-e2e-'));
  writeFileSync(
    join(userData, 'settings.json'),
    JSON.stringify({ setupCompleted: true, simulator: { outcome: 'delivered', stepDelayMs: 200 } }),
  );
  const app = await _electron.launch({
    executablePath: binary,
    args: [ROOT, ...fileArgs],
    cwd: ROOT,
    env: { ...process.env, FAXBOT_USER_DATA_DIR: userData, PORT: '0', FAXBOT_DISABLE_AUTO_UPDATE: '1', ...env },
  });
  const window = await app.firstWindow();
  await window.waitForLoadState('domcontentloaded');
  return {
    app,
    window,
    userData,
    async close() {
      await app.close();
      rmSync(userData, { recursive: true, force: true });
    },
  };
}
