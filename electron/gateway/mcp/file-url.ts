import { lookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { addressScope, hostnameScope } from '../public-url';
import { AppError, badRequest } from '../services/errors';

/** True for loopback, private, link-local, multicast and reserved addresses (the public-URL check's one table). */
export function isPrivateAddress(address: string): boolean {
  return (addressScope(address) ?? 'reserved') !== 'public';
}

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

/**
 * The pure half of the fileUrl rule: http(s) only, no credentials in the URL, and unless private
 * targets are allowed, no literal private address or local-only name. Names that resolve to a
 * private address are caught again at connect time (see fetchFileUrl).
 */
export function checkFileUrl(raw: string, allowPrivate: boolean): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'fileUrl is not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'fileUrl must start with http:// or https://' };
  if (url.username || url.password) return { ok: false, reason: 'fileUrl must not contain a user name or password' };
  if (allowPrivate) return { ok: true, url };
  // A trailing dot names the same host (localhost. is localhost).
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.+$/, '')
    .toLowerCase();
  const scope = hostnameScope(host);
  if (scope === null || scope === 'public') return { ok: true, url };
  return isIP(host) !== 0
    ? { ok: false, reason: 'fileUrl points at a private or local address, which is not allowed' }
    : { ok: false, reason: 'fileUrl points at a local network name, which is not allowed' };
}

export interface FileUrlLimits {
  maxBytes: number;
  timeoutMs: number;
  allowPrivate: boolean;
  maxRedirects?: number;
}

/** Resolves names itself so the address actually connected to is the one checked (no DNS rebinding). */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as unknown as { address: string; family: number }[];
    const blocked = list.find((entry) => isPrivateAddress(entry.address));
    if (blocked || list.length === 0) {
      const refused = Object.assign(new Error('private address'), { code: 'EPRIVATEADDRESS' });
      return callback(refused, '', 0);
    }
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
    const first = list[0] as { address: string; family: number };
    return callback(null, first.address, first.family);
  });
};

function lastPathSegment(url: URL): string {
  const segment = url.pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(segment) || 'document';
  } catch {
    return segment || 'document';
  }
}

/** Downloads a fileUrl under the rules above: bounded in size, time and redirects (each hop re-checked). */
export async function fetchFileUrl(raw: string, limits: FileUrlLimits): Promise<{ bytes: Buffer; fileName: string }> {
  const { Agent, request } = await import('undici');
  const dispatcher = new Agent({ connect: limits.allowPrivate ? {} : { lookup: guardedLookup }, headersTimeout: limits.timeoutMs });
  const signal = AbortSignal.timeout(limits.timeoutMs);
  try {
    let target = raw;
    for (let hop = 0; hop <= (limits.maxRedirects ?? 3); hop += 1) {
      const verdict = checkFileUrl(target, limits.allowPrivate);
      if (!verdict.ok) throw badRequest(verdict.reason);
      let res: Awaited<ReturnType<typeof request>>;
      try {
        res = await request(verdict.url, { dispatcher, signal, method: 'GET' });
      } catch (error) {
        const code = (error as { code?: string; cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
        if (code === 'EPRIVATEADDRESS') throw badRequest('fileUrl points at a private or local address, which is not allowed');
        if (signal.aborted) throw badRequest(`fileUrl did not answer within ${Math.round(limits.timeoutMs / 1000)} s`);
        throw badRequest('fileUrl could not be reached');
      }
      if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
        await res.body.dump();
        target = new URL(String(res.headers.location), verdict.url).toString();
        continue;
      }
      if (res.statusCode !== 200) {
        await res.body.dump();
        throw badRequest(`fileUrl answered HTTP ${res.statusCode}`);
      }
      const declared = Number(res.headers['content-length'] ?? NaN);
      const tooLarge = () => new AppError('too_large', `The file at fileUrl exceeds the ${Math.round(limits.maxBytes / 1048576)} MB limit`);
      if (declared > limits.maxBytes) {
        res.body.destroy();
        throw tooLarge();
      }
      const chunks: Buffer[] = [];
      let size = 0;
      try {
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > limits.maxBytes) {
            res.body.destroy();
            throw tooLarge();
          }
          chunks.push(chunk);
        }
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw badRequest(
          signal.aborted ? `fileUrl did not finish within ${Math.round(limits.timeoutMs / 1000)} s` : 'fileUrl download failed',
        );
      }
      return { bytes: Buffer.concat(chunks), fileName: lastPathSegment(verdict.url) };
    }
    throw badRequest('fileUrl redirected too many times');
  } finally {
    await dispatcher.close();
  }
}
