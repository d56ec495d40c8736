import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SettingsSchema, type Settings } from '../../shared/settings';
import { ConfigError, type SettingsStore } from './config';

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

/**
 * Headless: `<dir>/settings.json` in conf's format (tab-indented JSON), without conf itself, whose
 * schema machinery (ajv) would load at every start for a file zod validates. Read afresh on every
 * call, as conf did; written to a temporary file, flushed and renamed over the old one, so a crash
 * mid-write never leaves half a file.
 */
export function createJsonSettingsStore(dir: string): SettingsStore {
  const path = join(dir, `${SETTINGS_FILE_NAME}.json`);
  return settingsStoreOver({
    path,
    get store(): Record<string, unknown> {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
        throw error;
      }
      try {
        return JSON.parse(text) as Record<string, unknown>;
      } catch (error) {
        throw new ConfigError(
          `${path} is not valid JSON (${(error as Error).message}). Correct it, or move it away to start with default settings.`,
        );
      }
    },
    set store(value: Record<string, unknown>) {
      mkdirSync(dir, { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(value, undefined, '\t'), { flush: true });
      renameSync(temporary, path);
    },
  });
}
