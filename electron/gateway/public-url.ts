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
