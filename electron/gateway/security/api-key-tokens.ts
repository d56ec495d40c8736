import { createHash, createHmac, pbkdf2, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;
const pbkdf2Async = promisify(pbkdf2);

/** Faxbot's token format: fbk_live_<12 hex keyId>_<43-char urlsafe secret> (faxbot-compat.md §5.2). */
export function generateToken(random: (size: number) => Buffer = randomBytes): { keyId: string; secret: string; token: string } {
  const keyId = random(6).toString('hex');
  const secret = random(32).toString('base64url');
  return { keyId, secret, token: `fbk_live_${keyId}_${secret}` };
}

export function parseToken(token: string): { keyId: string; secret: string } | null {
  if (!token.startsWith('fbk_') || token.length > 200) return null;
  const parts = token.split('_');
  if (parts.length < 4) return null;
  const keyId = parts[2] as string;
  const secret = parts.slice(3).join('_');
  if (!/^[0-9a-f]{12}$/.test(keyId) || secret.length < 16) return null;
  return { keyId, secret };
}

const HMAC_SCHEME = 'hmac-sha256';

/** The stored form of a key's secret: a keyed hash, so a leaked table alone cannot be checked offline. */
export function hmacSecret(secret: string, serverKey: Buffer): string {
  return `${HMAC_SCHEME}$${createHmac('sha256', serverKey).update(secret).digest('base64url')}`;
}

/** Hashes written before migration 0003 (scrypt, or pbkdf2 from a Faxbot import): slow, upgraded on first use. */
export function isLegacyHash(stored: string): boolean {
  return !stored.startsWith(`${HMAC_SCHEME}$`);
}

/** Constant-time check of an HMAC-stored secret (microseconds, so a wrong guess costs the server nothing). */
export function verifyHmacSecret(secret: string, stored: string, serverKey: Buffer): boolean {
  const expected = Buffer.from(stored);
  const actual = Buffer.from(hmacSecret(secret, serverKey));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

const SCRYPT = { N: 16384, r: 8, p: 1 };

/** Faxbot's scrypt layout; kept so tests (and imports) can make a legacy hash. New keys use hmacSecret. */
export async function hashSecret(secret: string, random: (size: number) => Buffer = randomBytes): Promise<string> {
  const salt = random(16);
  const dk = await scryptAsync(secret, salt, 32, { ...SCRYPT, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${salt.toString('base64url')}$${dk.toString('base64url')}$n=${SCRYPT.N}$r=${SCRYPT.r}$p=${SCRYPT.p}`;
}

function param(parts: string[], name: string): number | null {
  const found = parts.find((p) => p.startsWith(`${name}=`));
  const value = found ? Number(found.slice(name.length + 1)) : NaN;
  return Number.isInteger(value) && value > 0 ? value : null;
}

/** The legacy (slow) check: scrypt or pbkdf2 as Faxbot stored them. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  const [scheme, saltB64, dkB64] = parts;
  if (!saltB64 || !dkB64) return false;
  const salt = Buffer.from(saltB64, 'base64url');
  const expected = Buffer.from(dkB64, 'base64url');
  let actual: Buffer;
  if (scheme === 'scrypt') {
    const N = param(parts, 'n');
    const r = param(parts, 'r');
    const p = param(parts, 'p');
    if (!N || !r || !p || N > 1 << 20) return false;
    actual = await scryptAsync(secret, salt, expected.length, { N, r, p, maxmem: 256 * 1024 * 1024 });
  } else if (scheme === 'pbkdf2') {
    const rounds = param(parts, 'rounds');
    if (!rounds || rounds > 10_000_000) return false;
    actual = await pbkdf2Async(secret, salt, rounds, expected.length, 'sha256');
  } else {
    return false;
  }
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A fast digest used as the cache key once a token has been verified. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
