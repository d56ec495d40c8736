import type { SecretName } from '../../../shared/settings';

/**
 * Faxbot's environment names for each secret (faxbot-compat.md). The first name that is set wins;
 * later entries are aliases. This is the only place the mapping lives.
 */
export const SECRET_ENV_NAMES: Readonly<Record<SecretName, readonly string[]>> = {
  apiKey: ['API_KEY'],
  'phaxio.apiKey': ['PHAXIO_API_KEY'],
  'phaxio.apiSecret': ['PHAXIO_API_SECRET'],
  'phaxio.callbackToken': ['PHAXIO_CALLBACK_TOKEN'],
  // Faxbot: SINCH_API_KEY/SECRET fall back to the Phaxio values.
  'sinch.apiKey': ['SINCH_API_KEY', 'PHAXIO_API_KEY'],
  'sinch.apiSecret': ['SINCH_API_SECRET', 'PHAXIO_API_SECRET'],
  'sinch.inboundBasicPass': ['SINCH_INBOUND_BASIC_PASS'],
  'sinch.inboundHmacSecret': ['SINCH_INBOUND_HMAC_SECRET'],
  'signalwire.apiToken': ['SIGNALWIRE_API_TOKEN'],
  'signalwire.signingKey': ['SIGNALWIRE_WEBHOOK_SIGNING_KEY'],
  'sip.amiPassword': ['ASTERISK_AMI_PASSWORD'],
  'sip.inboundSecret': ['ASTERISK_INBOUND_SECRET'],
  'storage.s3SecretAccessKey': ['S3_SECRET_ACCESS_KEY', 'AWS_SECRET_ACCESS_KEY'],
};

/** The value the environment supplies for a secret; blank values count as unset. */
export function secretFromEnv(name: SecretName, env: Record<string, string | undefined>): string | null {
  for (const envName of SECRET_ENV_NAMES[name]) {
    const value = env[envName];
    if (value !== undefined && value.trim() !== '') return value;
  }
  return null;
}
