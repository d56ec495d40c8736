import type { FormData, request } from 'undici';
import type { FailureClass } from '../../../../shared/status';
import { ProviderError } from '../types';

export interface SinchConfig {
  projectId: string;
  /** Fax API base including `/v3`, e.g. https://fax.api.sinch.com/v3. */
  baseUrl: string;
  /** OAuth2 host (token endpoint `${authUrl}/oauth2/token`), e.g. https://auth.sinch.com. */
  authUrl: string;
  authMode: 'basic' | 'oauth2';
  keyId: string;
  keySecret: string;
}

/** A refusal from Sinch, with the HTTP status when there was one (used to decide on a follow-up lookup). */
export class SinchError extends ProviderError {
  constructor(
    message: string,
    failureClass: FailureClass,
    maybeAccepted: boolean,
    readonly status: number | null,
  ) {
    super(message, failureClass, maybeAccepted);
  }
}

export interface SinchResponse {
  status: number;
  body: Buffer;
}

/** Bounds what we read from Sinch (a fax PDF is the largest answer). */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const TOKEN_TIMEOUT_MS = 30_000;
/** Refresh this long before the token's `exp`, as the Sinch SDK does. */
const TOKEN_EARLY_MS = 60_000;

/** Errors raised before any byte of the request could have reached Sinch. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function errorCode(error: unknown): string {
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  return String(e?.code ?? e?.cause?.code ?? '');
}

export function jsonOf(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

/** JWT `exp` in ms, or null (the token is opaque to us otherwise). */
function jwtExpiry(token: string): number | null {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}

async function readBounded(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) throw new SinchError('Sinch sent an answer larger than expected.', 'provider_unavailable', false, null);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Sinch's HTTP refusals in our vocabulary (providers.md §2.4). Field descriptions are not quoted:
 * a 422 on `to` reads "The (+15551) is not a valid phone number".
 */
export function responseError(status: number, body: Buffer): SinchError {
  if (status === 401 || status === 403) {
    return new SinchError('Sinch rejected the credentials: check the project id, access key id and key secret.', 'auth', false, status);
  }
  if (status === 402) {
    return new SinchError(
      'The Sinch account is out of credit: top up the balance in the Sinch dashboard, then resend.',
      'auth',
      false,
      status,
    );
  }
  if (status === 429 || status >= 500) {
    return new SinchError(`Sinch is unavailable right now (HTTP ${status}).`, 'provider_unavailable', false, status);
  }
  if (status === 400 || status === 422) {
    const details = (jsonOf(body) as { details?: { fieldViolations?: unknown } } | null)?.details;
    const fields = Array.isArray(details?.fieldViolations)
      ? details.fieldViolations
          .map((v: unknown) => String((v as { field?: unknown })?.field ?? ''))
          .filter((f) => /^[\w.[\]]{1,60}$/.test(f))
      : [];
    if (fields.includes('to')) return new SinchError('Sinch says the number is not a valid fax number.', 'invalid_number', false, status);
    return new SinchError(
      `Sinch rejected the fax request${fields.length ? ` (fields: ${fields.join(', ')})` : ''}.`,
      'rejected',
      false,
      status,
    );
  }
  if (status === 404)
    return new SinchError('Sinch answered "not found": check the project id and SINCH_BASE_URL.', 'rejected', false, status);
  if (status === 413) return new SinchError('The document is too large for Sinch.', 'document', false, status);
  return new SinchError(`Sinch refused the request (HTTP ${status}).`, 'rejected', false, status);
}

/**
 * HTTP access to the Fax API with Basic or OAuth2 client-credentials auth. The bearer token is
 * cached and refreshed shortly before `exp`; a 401 on a cached token refreshes it once.
 */
export class SinchClient {
  private token: { value: string; refreshAt: number } | null = null;
  private pendingToken: Promise<string> | null = null;

  constructor(
    readonly config: SinchConfig,
    private readonly now: () => number,
  ) {}

  /** `…/projects/{projectId}/faxes` plus `suffix` and a query. */
  faxesUrl(suffix = '', query?: URLSearchParams): string {
    const base = `${this.config.baseUrl.replace(/\/+$/, '')}/projects/${encodeURIComponent(this.config.projectId)}/faxes${suffix}`;
    return query ? `${base}?${query.toString()}` : base;
  }

  /** One API call. `form` is rebuilt per try because a FormData body is consumed by sending it. */
  async call(
    method: 'GET' | 'POST',
    url: string,
    signal: AbortSignal,
    opts: { form?: () => FormData; accept?: string } = {},
  ): Promise<SinchResponse> {
    for (let tries = 0; ; tries++) {
      const authorization = await this.authorization();
      let res: Awaited<ReturnType<typeof request>>;
      try {
        const { request } = await import('undici');
        res = await request(url, {
          method,
          headers: { authorization, accept: opts.accept ?? 'application/json' },
          body: opts.form?.(),
          signal,
        });
      } catch (error) {
        const sent = !NOT_SENT_CODES.has(errorCode(error));
        throw new SinchError(
          sent ? 'The connection to Sinch broke before it answered.' : 'Could not connect to Sinch.',
          'provider_unavailable',
          sent,
          null,
        );
      }
      let body: Buffer;
      try {
        body = await readBounded(res.body);
      } catch (error) {
        if (error instanceof SinchError) throw error;
        // Sinch answered (so a send was accepted or refused) but the body was cut off.
        throw new SinchError('The connection to Sinch broke while it answered.', 'provider_unavailable', true, res.statusCode);
      }
      if (res.statusCode === 401 && this.config.authMode === 'oauth2' && tries === 0) {
        // A 401 means nothing was accepted, so trying again with a fresh token is safe.
        this.token = null;
        continue;
      }
      return { status: res.statusCode, body };
    }
  }

  private async authorization(): Promise<string> {
    if (this.config.authMode === 'basic') {
      return `Basic ${Buffer.from(`${this.config.keyId}:${this.config.keySecret}`).toString('base64')}`;
    }
    if (this.token && this.now() < this.token.refreshAt) return `Bearer ${this.token.value}`;
    // One token request at a time, shared by every caller waiting for it.
    this.pendingToken ??= this.fetchToken().finally(() => {
      this.pendingToken = null;
    });
    return `Bearer ${await this.pendingToken}`;
  }

  private async fetchToken(): Promise<string> {
    const base = this.config.authUrl.replace(/\/+$/, '');
    const url = base.endsWith('/oauth2/token') ? base : `${base}/oauth2/token`;
    let res: Awaited<ReturnType<typeof request>>;
    try {
      const { request } = await import('undici');
      res = await request(url, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${this.config.keyId}:${this.config.keySecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: 'grant_type=client_credentials',
        signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
      });
    } catch {
      throw new SinchError('Could not reach the Sinch sign-in service (SINCH_AUTH_URL).', 'provider_unavailable', false, null);
    }
    const body = await readBounded(res.body);
    if (res.statusCode === 400 || res.statusCode === 401 || res.statusCode === 403) {
      throw new SinchError(
        'Sinch refused to issue an access token: check the access key id and key secret.',
        'auth',
        false,
        res.statusCode,
      );
    }
    if (res.statusCode !== 200) throw responseError(res.statusCode, body);
    const json = jsonOf(body) as { access_token?: unknown; expires_in?: unknown } | null;
    const value = typeof json?.access_token === 'string' ? json.access_token : '';
    if (!value) throw new SinchError('The Sinch sign-in service answered without a token.', 'provider_unavailable', false, res.statusCode);
    const now = this.now();
    const expiresAt = jwtExpiry(value) ?? now + (typeof json?.expires_in === 'number' ? json.expires_in : 300) * 1000;
    this.token = { value, refreshAt: expiresAt - Math.min(TOKEN_EARLY_MS, Math.max(0, (expiresAt - now) / 2)) };
    return value;
  }
}
