import { PROVIDER_SETTINGS } from '../gateway/providers/settings-catalog';

/** The UI's own origin: a privileged standard scheme, so relative URLs and `'self'` work as on https. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'faxbot';
const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

const MAX_URL_LENGTH = 2048;

/** Control characters and whitespace are stripped silently by URL parsers; we refuse them instead. */
const HAS_CONTROL_OR_SPACE = /[\u0000-\u0020\u007f-\u009f\\]/;

function parse(raw: unknown): URL | null {
  if (typeof raw !== 'string' || raw.length > MAX_URL_LENGTH || HAS_CONTROL_OR_SPACE.test(raw)) return null;
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/** True only for `app://faxbot/...` with no credentials or port. */
export function isAppUrl(raw: unknown): boolean {
  const url = parse(raw);
  return (
    url !== null &&
    url.protocol === `${APP_SCHEME}:` &&
    url.hostname === APP_HOST &&
    url.port === '' &&
    url.username === '' &&
    url.password === ''
  );
}

/**
 * Sites the app may hand to the system browser (provider consoles and docs). Exact host names:
 * no wildcards, so a look-alike subdomain cannot ride along.
 */
const EXTERNAL_HOSTS: ReadonlySet<string> = new Set([...PROVIDER_SETTINGS.flatMap((p) => p.consoleHosts ?? []), 'github.com']);

/**
 * May `shell.openExternal` open this URL? https to an allow-listed host on the default port, or an
 * exact origin listed in `extraOrigins` (the local gateway, for its browser UI and document links).
 * Everything else, including file:, javascript:, custom schemes and credentials in the URL, is refused.
 */
export function isAllowedExternalUrl(raw: unknown, extraOrigins: readonly string[] = []): boolean {
  const url = parse(raw);
  if (url === null || url.username !== '' || url.password !== '') return false;
  if ((url.protocol === 'http:' || url.protocol === 'https:') && extraOrigins.includes(url.origin)) return true;
  return url.protocol === 'https:' && url.port === '' && EXTERNAL_HOSTS.has(url.hostname);
}
