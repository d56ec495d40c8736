import { BlockList, isIP } from 'node:net';
import type { Settings } from '../../shared/settings';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export type PublicUrlVerdict = { ok: true; url: string } | { ok: false; reason: string };

/**
 * ENFORCE_PUBLIC_HTTPS: providers must fetch documents and post callbacks over HTTPS. A plain-http
 * public URL is refused with a reason (Faxbot swallowed this); loopback URLs are exempt, as in Faxbot.
 */
export function checkPublicUrl(raw: string, enforceHttps: boolean): PublicUrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'The public URL is not a valid URL.' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'The public URL must start with https://.' };
  if (url.username || url.password) return { ok: false, reason: 'The public URL must not contain credentials.' };
  if (url.search || url.hash) return { ok: false, reason: 'The public URL must not contain a query or fragment.' };
  // *.localhost names resolve to this computer (RFC 6761), e.g. a tunnel server run locally.
  const local = LOCAL_HOSTS.has(url.hostname) || url.hostname.endsWith('.localhost');
  if (enforceHttps && url.protocol === 'http:' && !local) {
    return {
      ok: false,
      reason: 'The public URL must use HTTPS (ENFORCE_PUBLIC_HTTPS is on): providers would send documents and callbacks in clear text.',
    };
  }
  return { ok: true, url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

/** The admin's own URL wins over the tunnel; null when neither is usable. */
export function publicBaseUrl(settings: Settings, tunnelUrl: string | null): string | null {
  const candidate = settings.publicApiUrl || tunnelUrl;
  if (!candidate) return null;
  const verdict = checkPublicUrl(candidate, settings.enforcePublicHttps);
  return verdict.ok ? verdict.url : null;
}

/** Where an address can be reached from: only `public` is reachable by a provider on the internet. */
export type AddressScope = 'public' | 'loopback' | 'private' | 'link-local' | 'unspecified' | 'reserved';

const SCOPE_RANGES: [Exclude<AddressScope, 'public'>, string, number, 'ipv4' | 'ipv6'][] = [
  ['unspecified', '0.0.0.0', 8, 'ipv4'],
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['private', '100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['link-local', '169.254.0.0', 16, 'ipv4'],
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['reserved', '192.0.0.0', 24, 'ipv4'],
  ['reserved', '192.0.2.0', 24, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'],
  ['reserved', '198.18.0.0', 15, 'ipv4'],
  ['reserved', '198.51.100.0', 24, 'ipv4'],
  ['reserved', '203.0.113.0', 24, 'ipv4'],
  ['reserved', '224.0.0.0', 3, 'ipv4'], // multicast and 240/4, through 255.255.255.255
  ['unspecified', '::', 128, 'ipv6'],
  ['loopback', '::1', 128, 'ipv6'],
  ['private', 'fc00::', 7, 'ipv6'],
  ['private', 'fec0::', 10, 'ipv6'],
  ['link-local', 'fe80::', 10, 'ipv6'],
  ['reserved', 'ff00::', 8, 'ipv6'],
  ['reserved', '2001:db8::', 32, 'ipv6'],
  ['reserved', '64:ff9b::', 96, 'ipv6'], // NAT64: would reach whatever IPv4 address it embeds
];
const SCOPE_LISTS = SCOPE_RANGES.reduce((lists, [scope, network, prefix, family]) => {
  const list = lists.get(scope) ?? new BlockList();
  list.addSubnet(network, prefix, family);
  return lists.set(scope, list);
}, new Map<Exclude<AddressScope, 'public'>, BlockList>());

/** Names that never leave this computer or the local network (RFC 6761, RFC 6762, RFC 8375). */
const LOCAL_NAME_SUFFIXES: [string, AddressScope][] = [
  ['localhost', 'loopback'],
  ['local', 'private'],
  ['lan', 'private'],
  ['internal', 'private'],
  ['localdomain', 'private'],
  ['home.arpa', 'private'],
];

/** The scope of an IP literal (IPv4-mapped IPv6 counts as its IPv4 address); null if not an IP. */
export function addressScope(address: string): AddressScope | null {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(bare);
  if (family === 0) return null;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [scope, list] of SCOPE_LISTS) if (list.check(bare, type)) return scope;
  return 'public';
}

/** The scope a URL hostname implies without DNS, or null for an ordinary name (resolve it to know). */
export function hostnameScope(hostname: string): AddressScope | null {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  const literal = addressScope(name);
  if (literal) return literal;
  if (!name.includes('.') && name !== '') return name === 'localhost' ? 'loopback' : 'private';
  const local = LOCAL_NAME_SUFFIXES.find(([suffix]) => name === suffix || name.endsWith(`.${suffix}`));
  return local ? local[1] : null;
}

const SCOPE_WORDS: Record<Exclude<AddressScope, 'public'>, string> = {
  loopback: 'an address of this computer only',
  private: 'a private network address',
  'link-local': 'a link-local address',
  unspecified: 'not a real destination address',
  reserved: 'a reserved address that is not routed on the internet',
};

/** "an address of this computer only": why a provider on the internet cannot reach it. */
export function scopeWords(scope: Exclude<AddressScope, 'public'>): string {
  return SCOPE_WORDS[scope];
}
