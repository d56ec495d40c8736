import { join } from 'node:path';
import type { SecretStore } from '../gateway/config';
import { EncryptedFileSecretStore } from '../gateway/secrets/encrypted-file';
import { EnvSecretStore } from '../gateway/secrets/env';
import { SafeStorageSecretStore } from '../gateway/secrets/safe-storage';
import type { ElectronSafeStorage } from './electron-api';

/**
 * Inside Electron: `safeStorage` (Keychain, DPAPI, libsecret/kwallet). On Linux without a keyring
 * safeStorage silently uses a hard-coded key ('basic_text'); that is no better than our own
 * encrypted file, so we say so and use the file. Call after `app.whenReady()`.
 */
export function createElectronSecretStore(
  safeStorage: ElectronSafeStorage,
  userDataDir: string,
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform,
  warn: (message: string) => void,
): SecretStore {
  const weak = platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text';
  if (safeStorage.isEncryptionAvailable() && !weak) {
    return new EnvSecretStore(new SafeStorageSecretStore(safeStorage, join(userDataDir, 'secrets.safe-storage.json')), env);
  }
  const fallback = new EncryptedFileSecretStore(join(userDataDir, 'secrets'));
  warn(
    `[secrets] The OS offers no keychain to Electron here: provider credentials are stored encrypted in ` +
      `${fallback.filePath} with a key in ${fallback.keyPath}. Anyone who can read this account's files can ` +
      `decrypt them. Install and unlock a keyring (gnome-keyring or KWallet) for real protection.`,
  );
  return new EnvSecretStore(fallback, env);
}
