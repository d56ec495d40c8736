import Conf from 'conf';
import { SettingsSchema, type Settings } from '../../shared/settings';
import type { SettingsStore } from './config';

/** What conf and electron-store (a thin subclass of conf) have in common for our purposes. */
export interface ConfLike {
  readonly path: string;
  store: Record<string, unknown>;
}

export const SETTINGS_FILE_NAME = 'settings';

/**
 * A SettingsStore over a conf-like file. Writes go through SettingsSchema, which also strips unknown
 * keys, so nothing that is not a setting (a secret above all) can be written to the file.
 */
export function settingsStoreOver(conf: ConfLike): SettingsStore {
  return {
    path: conf.path,
    read: () => conf.store,
    write(settings: Settings) {
      conf.store = SettingsSchema.parse(settings) as unknown as Record<string, unknown>;
    },
  };
}

/** Headless: `conf` (electron-store needs Electron). The file is `<dir>/settings.json`. */
export function createConfSettingsStore(dir: string): SettingsStore {
  return settingsStoreOver(
    new Conf<Record<string, unknown>>({ cwd: dir, configName: SETTINGS_FILE_NAME, projectSuffix: '', clearInvalidConfig: false }),
  );
}
