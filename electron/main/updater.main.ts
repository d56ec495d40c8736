import type { AutoUpdaterLike } from './electron-api';

const CHECK_EVERY_MS = 6 * 60 * 60 * 1000;

/**
 * Checks for updates (electron-updater, feed from the electron-builder `publish` config) at start
 * and every six hours. Packaged builds only; FAXBOT_DISABLE_AUTO_UPDATE=1 turns it off (managed
 * installs). Returns a stop function for shutdown.
 */
export function wireAutoUpdates(
  getUpdater: () => AutoUpdaterLike,
  options: { isPackaged: boolean; env: Record<string, string | undefined>; warn: (message: string) => void },
): () => void {
  if (!options.isPackaged || options.env.FAXBOT_DISABLE_AUTO_UPDATE === '1') return () => undefined;
  const updater = getUpdater();
  updater.on('error', (error) => options.warn(`[updater] ${error.name}`));
  const check = () => void updater.checkForUpdatesAndNotify().catch((error: Error) => options.warn(`[updater] ${error.name}`));
  check();
  const timer = setInterval(check, CHECK_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
