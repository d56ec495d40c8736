import { AsyncEntry } from '@napi-rs/keyring';
import type { SecretName } from '../../../shared/settings';
import type { SecretStatus } from '../../../shared/types';
import type { SecretStore } from '../config';

export const KEYRING_SERVICE = 'faxbot-desktop';

/** The subset of @napi-rs/keyring's AsyncEntry this store uses. */
export interface KeyringEntry {
  getPassword(): Promise<string | null | undefined>;
  setPassword(password: string): Promise<void>;
  deletePassword(): Promise<boolean>;
}

/**
 * Pinned to the Secret Service on Linux: the library's default falls back to the kernel keyring,
 * which forgets everything at reboot.
 */
function defaultEntry(account: string): KeyringEntry {
  return new AsyncEntry(KEYRING_SERVICE, account, { linux: { store: 'secret-service' } });
}

/** OS keychain (macOS Keychain, Windows Credential Manager, Secret Service) for headless runs. */
export class KeyringSecretStore implements SecretStore {
  readonly kind = 'keychain';

  constructor(private readonly entryFor: (account: string) => KeyringEntry = defaultEntry) {}

  async get(name: SecretName): Promise<string | null> {
    return (await this.entryFor(name).getPassword()) ?? null;
  }

  async set(name: SecretName, value: string): Promise<void> {
    await this.entryFor(name).setPassword(value);
  }

  async delete(name: SecretName): Promise<void> {
    await this.entryFor(name).deletePassword();
  }

  async status(name: SecretName): Promise<SecretStatus> {
    return (await this.get(name)) === null ? { configured: false, source: 'none' } : { configured: true, source: 'keychain' };
  }
}
