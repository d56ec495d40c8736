import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretStore } from '../config';
import { EncryptedFileSecretStore } from './encrypted-file';
import { EnvSecretStore } from './env';

type Env = Record<string, string | undefined>;

const PROBE_TIMEOUT_MS = 3000;

/**
 * On Linux the keychain is the Secret Service, a D-Bus service: with no session bus to reach (no
 * DBUS_SESSION_BUS_ADDRESS, no `bus` socket in the user's runtime folder, no X display to start
 * one) it cannot answer, so the native keyring (about 8 MB of memory and tens of ms at start) is
 * not loaded just to hear that. Anywhere a bus may exist, and on macOS and Windows, the keychain is asked.
 */
export function sessionBusMayExist(
  env: Env,
  platform: NodeJS.Platform = process.platform,
  uid: number = process.getuid?.() ?? -1,
  exists: (path: string) => boolean = existsSync,
): boolean {
  if (platform !== 'linux') return true;
  if (env.DBUS_SESSION_BUS_ADDRESS || env.DISPLAY) return true;
  return exists(join(env.XDG_RUNTIME_DIR || `/run/user/${uid}`, 'bus'));
}

/**
 * True when the OS keychain answers. A missing entry resolves null; no Secret Service (no session
 * bus, no daemon, a locked collection with nobody to unlock it) rejects or hangs, hence the timeout.
 */
export async function keyringReachable(): Promise<boolean> {
  // The D-Bus library reads the process's own environment, not the gateway's configuration.
  if (!sessionBusMayExist(process.env)) return false;
  try {
    const { AsyncEntry } = await import('@napi-rs/keyring');
    const { KEYRING_SERVICE } = await import('./keyring');
    const entry = new AsyncEntry(KEYRING_SERVICE, '__probe__', { linux: { store: 'secret-service' } });
    await entry.getPassword(AbortSignal.timeout(PROBE_TIMEOUT_MS));
    return true;
  } catch {
    return false;
  }
}

export interface DefaultSecretStoreOptions {
  /** Where the encrypted-file fallback keeps its key and blobs. */
  dataDir: string;
  warn?: (message: string) => void;
  /** Injected in tests; defaults to asking the real keychain. */
  probe?: () => Promise<boolean>;
}

/**
 * Headless default: the OS keychain when reachable, else an encrypted file with a loud warning.
 * Never plaintext, never the settings file. Environment variables (Faxbot names) win either way.
 */
export async function createDefaultSecretStore(env: Env, options: DefaultSecretStoreOptions): Promise<SecretStore> {
  const warn = options.warn ?? ((message: string) => console.warn(message));
  if (await (options.probe ?? keyringReachable)()) {
    const { KeyringSecretStore } = await import('./keyring');
    return new EnvSecretStore(new KeyringSecretStore(), env);
  }
  const fallback = new EncryptedFileSecretStore(join(options.dataDir, 'secrets'));
  warn(
    `[secrets] No OS keychain (Secret Service) is reachable: provider credentials are stored encrypted in ` +
      `${fallback.filePath} with a key in ${fallback.keyPath}. Anyone who can read this account's files can ` +
      `decrypt them. Run a keyring (e.g. gnome-keyring) or supply secrets through environment variables.`,
  );
  return new EnvSecretStore(fallback, env);
}
