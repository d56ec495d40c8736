import { createHash } from 'node:crypto';
import { cleanHeader, hmac, joinUrl, safeEqual, sortedNameValues, splitUrl, type SignedParams } from './common';

export type PhaxioFile = { name: string; sha1Hex: string } | { name: string; bytes: Uint8Array };

export type PhaxioVerifyResult = { ok: true; scheme: 'phaxio-official' | 'faxbot-hmac-sha256' } | { ok: false; reason: string };

export interface PhaxioVerifyInput {
  /** X-Phaxio-Signature (or Faxbot's X-Phaxio-Signature-SHA256). */
  header: string | undefined;
  /** The callback URL exactly as submitted to Phaxio, query string included. */
  url: string;
  /** Decoded non-file form fields. */
  params: SignedParams;
  files: readonly PhaxioFile[];
  rawBody: Uint8Array;
  /** Phaxio's webhook token: key of the official scheme. */
  callbackToken?: string;
  /** Faxbot keyed its (non-Phaxio) SHA-256 scheme with the API secret; kept so Faxbot setups keep working. */
  apiSecret?: string;
}

function fileSha1Hex(file: PhaxioFile): string {
  return 'sha1Hex' in file ? file.sha1Hex.toLowerCase() : createHash('sha1').update(file.bytes).digest('hex');
}

/**
 * providers.md §1.8: lowercase hex HMAC-SHA1(token, url + sorted name+value + sorted partName+sha1hex(bytes)).
 * Repeated fields contribute one name+value per value in received order [UNCONFIRMED: Phaxio never repeats them].
 */
export function phaxioOfficialSignature(token: string, url: string, params: SignedParams, files: readonly PhaxioFile[]): string {
  // Stable sort: parts sharing a name keep their received order.
  const fileData = [...files]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => f.name + fileSha1Hex(f))
    .join('');
  return hmac('sha1', token, url + sortedNameValues(params) + fileData).toString('hex');
}

/** The configured URL, then (if it carries user:pass@) the form without credentials [UNCONFIRMED which one Phaxio signs]. */
function urlCandidates(url: string): string[] {
  const parts = splitUrl(url);
  if (!parts || parts.userInfo === '') return [url];
  return [url, joinUrl({ ...parts, userInfo: '' })];
}

export function verifyPhaxioSignature(input: PhaxioVerifyInput): PhaxioVerifyResult {
  const { callbackToken, apiSecret } = input;
  if (!callbackToken && !apiSecret) return { ok: false, reason: 'no Phaxio callback token or API secret configured' };
  const header = cleanHeader(input.header);
  if (header === undefined) return { ok: false, reason: 'missing or malformed signature header' };
  // Both schemes are hex; case is not significant (Faxbot compares case-insensitively).
  const received = header.toLowerCase();

  if (callbackToken) {
    for (const url of urlCandidates(input.url)) {
      const expected = phaxioOfficialSignature(callbackToken, url, input.params, input.files);
      if (safeEqual(received, expected)) return { ok: true, scheme: 'phaxio-official' };
    }
  }
  if (apiSecret && safeEqual(received, hmac('sha256', apiSecret, input.rawBody).toString('hex'))) {
    return { ok: true, scheme: 'faxbot-hmac-sha256' };
  }
  return { ok: false, reason: 'signature mismatch' };
}
