import type { SecretName } from '../../../shared/settings';
import { PROVIDER_SETTINGS } from '../providers/settings-catalog';

/**
 * Faxbot's environment names for each secret (faxbot-compat.md). The first name that is set wins;
 * later entries are aliases. Backend secrets are declared by each provider folder (`<name>/settings.ts`).
 */
export const SECRET_ENV_NAMES = {
  apiKey: ['API_KEY'],
  'storage.s3SecretAccessKey': ['S3_SECRET_ACCESS_KEY', 'AWS_SECRET_ACCESS_KEY'],
  'remote.apiKey': ['OFFICE_SERVER_API_KEY'],
  ...Object.assign({}, ...PROVIDER_SETTINGS.map((p) => p.secrets)),
} as Readonly<Record<SecretName, readonly string[]>>;

/** The value the environment supplies for a secret; blank values count as unset. */
export function secretFromEnv(name: SecretName, env: Record<string, string | undefined>): string | null {
  for (const envName of SECRET_ENV_NAMES[name]) {
    const value = env[envName];
    if (value !== undefined && value.trim() !== '') return value;
  }
  return null;
}
