import type { SettingsStore } from '../gateway/config';
import { SETTINGS_FILE_NAME, settingsStoreOver, type ConfLike } from '../gateway/settings-store';

/** electron-store's constructor, as far as we use it (it is a conf subclass bound to app paths). */
export type ElectronStoreCtor = new (options: { name: string; cwd: string; clearInvalidConfig: boolean }) => ConfLike;

/** Inside Electron: the same schema-checked store as headless, over electron-store in userData. */
export function createElectronSettingsStore(ElectronStore: ElectronStoreCtor, userDataDir: string): SettingsStore {
  return settingsStoreOver(new ElectronStore({ name: SETTINGS_FILE_NAME, cwd: userDataDir, clearInvalidConfig: false }));
}
