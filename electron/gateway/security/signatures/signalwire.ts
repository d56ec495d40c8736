import { createHash } from 'node:crypto';
import { cleanHeader, hmac, joinUrl, safeEqual, sortedNameValues, splitUrl, type SignedParams } from './common';

export type SignalWireVerifyResult = { ok: true; scheme: 'form' | 'json' | 'faxbot-hmac-sha256' } | { ok: false; reason: string };

export interface SignalWireVerifyInput {
  headers: { signalwire?: string; twilio?: string };
  /** The public URL configured with SignalWire (StatusCallback / LaML URL / Receive action), query included. */
  url: string;
  contentType: string;
  /** Decoded form fields; parsed from rawBody when omitted for an urlencoded body. */
  params?: SignedParams;
  rawBody: Uint8Array;
  signingKey: string;
}

/** Scheme A (providers.md §3.6): base64 HMAC-SHA1(key, url + sorted name+value). */
export function signalwireFormSignature(key: string, url: string, params: SignedParams): string {
  return hmac('sha1', key, url + sortedNameValues(params)).toString('base64');
}

/** Scheme B (providers.md §3.6): hex HMAC-SHA1(key, url + raw body bytes), no separator. */
export function signalwireJsonSignature(key: string, url: string, rawBody: Uint8Array | string): string {
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  return hmac('sha1', key, Buffer.concat([Buffer.from(url, 'utf8'), body])).toString('hex');
}

/**
 * The raw URL first (the string SignalWire signed), then with and without the scheme's default
 * port, because the SDKs accept either ("signature generation on the back end is inconsistent").
 */
function urlCandidates(url: string): string[] {
  const parts = splitUrl(url);
  if (!parts) return [url];
  const defaultPort = parts.scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  const out = [url];
  if (parts.port === '') out.push(joinUrl({ ...parts, port: defaultPort }));
  else if (parts.port === defaultPort) out.push(joinUrl({ ...parts, port: '' }));
  return out;
}

function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

function isJson(contentType: string): boolean {
  const t = mediaType(contentType);
  return t === 'application/json' || t.endsWith('+json');
}

/** Decoded form fields in received order; repeated names become arrays. */
function parseForm(rawBody: Uint8Array): SignedParams {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(Buffer.from(rawBody).toString('utf8'))) {
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/** Twilio-style `?bodySHA256=<hex>`: the signed URL commits to the body, which is then checked by hash. */
function bodySha256FromUrl(url: string): string | undefined {
  const q = url.indexOf('?');
  if (q === -1) return undefined;
  const query = url.slice(q + 1).split('#')[0] ?? '';
  return new URLSearchParams(query).get('bodySHA256') ?? undefined;
}

export function verifySignalWireSignature(input: SignalWireVerifyInput): SignalWireVerifyResult {
  const key = input.signingKey;
  if (!key) return { ok: false, reason: 'SignalWire signing key not configured' };
  const headers = [cleanHeader(input.headers.signalwire), cleanHeader(input.headers.twilio)].filter((h): h is string => h !== undefined);
  if (headers.length === 0) return { ok: false, reason: 'missing or malformed signature header' };
  const matches = (expected: string, caseInsensitive = false): boolean =>
    headers.some((h) => safeEqual(caseInsensitive ? h.toLowerCase() : h, expected));

  const urls = urlCandidates(input.url);
  const bodyHash = bodySha256FromUrl(input.url);
  if (bodyHash !== undefined) {
    // Scheme A over the URL with empty params; the URL's hash must then match the body.
    const signed = urls.some((u) => matches(signalwireFormSignature(key, u, {})));
    const bodyOk = safeEqual(bodyHash.toLowerCase(), createHash('sha256').update(input.rawBody).digest('hex'));
    if (signed && bodyOk) return { ok: true, scheme: 'form' };
  } else if (isJson(input.contentType)) {
    if (urls.some((u) => matches(signalwireJsonSignature(key, u, input.rawBody), true))) {
      return { ok: true, scheme: 'json' };
    }
  } else {
    // Urlencoded POSTs sign their fields; GET callbacks (and any other body) sign the URL alone.
    const params = input.params ?? (mediaType(input.contentType) === 'application/x-www-form-urlencoded' ? parseForm(input.rawBody) : {});
    if (urls.some((u) => matches(signalwireFormSignature(key, u, params)))) return { ok: true, scheme: 'form' };
  }

  // Faxbot's documented (non-SignalWire) scheme, so existing Faxbot setups keep working.
  if (matches(hmac('sha256', key, input.rawBody).toString('hex'), true)) return { ok: true, scheme: 'faxbot-hmac-sha256' };
  return { ok: false, reason: 'signature mismatch' };
}
