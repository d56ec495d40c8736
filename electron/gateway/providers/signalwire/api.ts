import type { Dispatcher } from 'undici';
import { ProviderError } from '../types';

/** The Fax resource (providers.md §3.3), only the fields we read. `num_pages` is a string or null. */
export interface SignalWireFax {
  sid: string;
  status: string;
  to?: string;
  direction?: string;
  media_url?: string | null;
  num_pages?: string | number | null;
  error_code?: number | string | null;
  error_message?: string | null;
}

export interface FaxPage {
  faxes: SignalWireFax[];
  next_page_uri?: string | null;
}

export interface SignalWireCredentials {
  /** Normalised base, e.g. https://example.signalwire.com (no trailing slash). */
  space: string;
  projectId: string;
  apiToken: string;
}

/** Plenty for a Fax resource or a page of them; bounds what a misbehaving server can make us buffer. */
const MAX_API_BODY = 2 * 1024 * 1024;

/**
 * SIGNALWIRE_SPACE_URL is a bare hostname in Faxbot ("example.signalwire.com"); a full URL with a
 * scheme is accepted too so a local emulator can stand in. Null when it is not usable.
 */
export function spaceBaseUrl(raw: string): string | null {
  const value = raw.trim().replace(/\/+$/, '');
  if (!value) return null;
  const candidate = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  if (!URL.canParse(candidate)) return null;
  const url = new URL(candidate);
  if (!/^https?:$/.test(url.protocol) || url.username || url.password || url.search || url.hash) return null;
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Reads at most `max` bytes of a response body; more is an error (the socket is dropped). */
export async function readCapped(body: Dispatcher.ResponseData['body'], max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      throw new Error(`response larger than ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function basicAuth(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

/** Connection failures where the request certainly never reached SignalWire. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

function errorCode(error: unknown): string {
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  return String(e?.code ?? e?.cause?.code ?? '');
}

/** Twilio-style error body `{code, message, more_info, status}` (errors.tsp). */
function errorBody(bytes: Buffer): { code: number | null } {
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as { code?: unknown };
    return { code: typeof parsed.code === 'number' ? parsed.code : null };
  } catch {
    return { code: null };
  }
}

/**
 * The HTTP answer as a ProviderError. Provider messages are not passed on (they quote numbers);
 * each case gets our own sentence with the SignalWire code for support.
 */
export function httpError(status: number, bytes: Buffer): ProviderError {
  const { code } = errorBody(bytes);
  const ref = code === null ? `HTTP ${status}` : `code ${code}`;
  if (status === 401 || status === 403) {
    return new ProviderError(`SignalWire rejected the project ID or API token (${ref}).`, 'auth');
  }
  if (status === 404) {
    return new ProviderError(
      `SignalWire does not know this project or fax (${ref}); check SIGNALWIRE_SPACE_URL and SIGNALWIRE_PROJECT_ID.`,
      'auth',
    );
  }
  if (status === 429 || status >= 500) {
    // A gateway timeout means the request may have been processed behind the proxy: ask before resending.
    const maybeAccepted = status === 502 || status === 504;
    return new ProviderError(`SignalWire is unavailable right now (${ref}).`, 'provider_unavailable', maybeAccepted);
  }
  if (code === 21211 || code === 21214 || code === 21217) {
    return new ProviderError(`SignalWire says the number is not a valid fax number (${ref}).`, 'invalid_number');
  }
  if (code === 21212 || code === 21603) {
    return new ProviderError(`SignalWire refused the sending number (${ref}); check SIGNALWIRE_FAX_FROM_E164.`, 'rejected');
  }
  return new ProviderError(`SignalWire refused the fax request (${ref}).`, 'rejected');
}

/** Thin client for the Compatibility Fax API under `{space}/api/laml/2010-04-01/Accounts/{project}`. */
export class SignalWireApi {
  readonly accountPath: string;

  constructor(private readonly creds: SignalWireCredentials) {
    this.accountPath = `/api/laml/2010-04-01/Accounts/${encodeURIComponent(creds.projectId)}`;
  }

  get space(): string {
    return this.creds.space;
  }

  /**
   * One call. Answers the parsed JSON of a 2xx; everything else is a ProviderError whose
   * `maybeAccepted` says whether the request may have been acted on.
   */
  async call<T>(method: 'GET' | 'POST', path: string, form: Record<string, string> | null, signal: AbortSignal): Promise<T> {
    let res: Dispatcher.ResponseData;
    try {
      const { request } = await import('undici');
      res = await request(`${this.creds.space}${path}`, {
        method,
        headers: {
          authorization: basicAuth(this.creds.projectId, this.creds.apiToken),
          accept: 'application/json',
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(form ? { body: new URLSearchParams(form).toString() } : {}),
        signal,
      });
    } catch (error) {
      const sent = !NOT_SENT_CODES.has(errorCode(error));
      throw new ProviderError(
        `Could not reach SignalWire (${errorCode(error) || (error as Error).name}).`,
        'provider_unavailable',
        method === 'POST' && sent,
      );
    }
    let bytes: Buffer;
    try {
      bytes = await readCapped(res.body, MAX_API_BODY);
    } catch {
      throw new ProviderError("SignalWire's answer was cut off.", 'provider_unavailable', method === 'POST' && res.statusCode < 300);
    }
    if (res.statusCode < 200 || res.statusCode >= 300) throw httpError(res.statusCode, bytes);
    try {
      return JSON.parse(bytes.toString('utf8')) as T;
    } catch {
      // Accepted, but we cannot read the id: only reconciliation can tell what was created.
      throw new ProviderError("SignalWire's answer could not be read.", 'provider_unavailable', method === 'POST');
    }
  }
}
