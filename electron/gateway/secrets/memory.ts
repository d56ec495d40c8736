import type { SecretName } from '../../../shared/settings';
import type { SecretStatus } from '../../../shared/types';
import type { SecretStore } from '../config';

/** For tests and throwaway gateways: nothing leaves the process. */
export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory';
  private readonly values = new Map<SecretName, string>();

  async get(name: SecretName): Promise<string | null> {
    return this.values.get(name) ?? null;
  }

  async set(name: SecretName, value: string): Promise<void> {
    this.values.set(name, value);
  }

  async delete(name: SecretName): Promise<void> {
    this.values.delete(name);
  }

  async status(name: SecretName): Promise<SecretStatus> {
    return this.values.has(name) ? { configured: true, source: 'keychain' } : { configured: false, source: 'none' };
  }
}
