import type { SecretName } from '../../../shared/settings';
import type { SecretStatus } from '../../../shared/types';
import type { SecretStore } from '../config';
import { secretFromEnv } from './env-names';

/**
 * Environment variables (Faxbot names) win over the stored value, as in Faxbot deployments.
 * Writes still go to the inner store so the value survives once the variable is removed.
 */
export class EnvSecretStore implements SecretStore {
  constructor(
    private readonly inner: SecretStore,
    private readonly env: Record<string, string | undefined>,
  ) {}

  get kind(): string {
    return this.inner.kind;
  }

  async get(name: SecretName): Promise<string | null> {
    return secretFromEnv(name, this.env) ?? this.inner.get(name);
  }

  set(name: SecretName, value: string): Promise<void> {
    return this.inner.set(name, value);
  }

  delete(name: SecretName): Promise<void> {
    return this.inner.delete(name);
  }

  async status(name: SecretName): Promise<SecretStatus> {
    if (secretFromEnv(name, this.env) !== null) return { configured: true, source: 'env' };
    return this.inner.status(name);
  }
}
