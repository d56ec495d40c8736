import { createHash } from 'node:crypto';

/**
 * PostgreSQL advisory locks are keyed by one bigint per database. A name maps to the first 8 bytes
 * of its SHA-256, so different features (migrations, each singleton task) cannot collide by accident.
 * Returned as a decimal string: node-postgres sends it as int8 without losing precision.
 */
export function advisoryKey(name: string): string {
  return createHash('sha256').update(`faxbot:${name}`).digest().readBigInt64BE(0).toString();
}
