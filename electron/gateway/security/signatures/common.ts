import { createHmac, timingSafeEqual } from 'node:crypto';

/** Form parameters as received: repeated names keep their values in received order. */
export type SignedParams = Record<string, string | readonly string[]>;

/** Far above any real signature (base64 SHA-1 28, hex SHA-256 64); bounds work on hostile headers. */
const MAX_HEADER_LENGTH = 512;

export function hmac(algorithm: 'sha1' | 'sha256', key: string, data: Uint8Array | string): Buffer {
  return createHmac(algorithm, key).update(data).digest();
}

/**
 * Constant-time equality of two ASCII signature strings. The length check may return early:
 * the expected length is fixed by the algorithm, so it leaks nothing secret.
 */
export function safeEqual(received: string, expected: string): boolean {
  const a = Buffer.from(received, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Trimmed header, or undefined when absent, empty or absurdly long. */
export function cleanHeader(header: string | undefined): string | undefined {
  if (typeof header !== 'string' || header.length > MAX_HEADER_LENGTH) return undefined;
  const trimmed = header.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** `name + value` for every parameter, names in JS default (UTF-16) order, array values in received order. */
export function sortedNameValues(params: SignedParams): string {
  let out = '';
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    for (const v of Array.isArray(value) ? value : [value]) out += name + String(v);
  }
  return out;
}

interface UrlParts {
  scheme: string; // "https://"
  userInfo: string; // "user:pass@" or ""
  host: string;
  port: string; // ":443" or ""
  rest: string; // path, query and fragment, untouched
}

/** Splits a URL without normalising it, so the signed characters survive (new URL() would re-encode). */
export function splitUrl(url: string): UrlParts | undefined {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (!match) return undefined;
  const scheme = match[1] ?? '';
  const authority = match[2] ?? '';
  const at = authority.lastIndexOf('@');
  const hostPort = authority.slice(at + 1);
  // An IPv6 literal's colons are inside the brackets; only a colon after "]" starts the port.
  const colon = hostPort.indexOf(':', hostPort.lastIndexOf(']') + 1);
  return {
    scheme,
    userInfo: authority.slice(0, at + 1),
    host: colon === -1 ? hostPort : hostPort.slice(0, colon),
    port: colon === -1 ? '' : hostPort.slice(colon),
    rest: url.slice(match[0].length),
  };
}

export function joinUrl(p: UrlParts): string {
  return p.scheme + p.userInfo + p.host + p.port + p.rest;
}
