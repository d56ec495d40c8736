import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { CheckResult } from '../../../../shared/types';
import { checkPublicUrl } from '../../public-url';
import type { ProviderContext, ProviderFactory } from '../registry';
import {
  ProviderError,
  documentUnavailable,
  type FaxProvider,
  type LookupRequest,
  type ProviderTraits,
  type ProviderUpdate,
  type SubmitRequest,
  type SubmitResult,
} from '../types';
import { SinchClient, SinchError, jsonOf, responseError, type SinchConfig } from './client';
import { faxUpdate, parseFax, type SinchFax } from './fax';

export type SinchCallbackContentType = 'multipart/form-data' | 'application/json';

export interface SinchOptions {
  /** Poll interval while Sinch can call us back (a public URL exists): a safety net only. */
  pollWithCallbacksMs?: number;
  /** Poll interval with no public URL: polling is then the only way to learn the outcome. */
  pollWithoutCallbacksMs?: number;
  /** How Sinch should post FAX_COMPLETED; the callback route reads both. */
  callbackContentType?: SinchCallbackContentType;
}

/** User name in the Basic credentials we embed in callback URLs. */
export const SINCH_CALLBACK_PATH = '/sinch-callback';
export const SINCH_INBOUND_PATH = '/sinch-inbound';
export const CALLBACK_USER = 'faxbot';
/** Labels on every fax we send, so an interrupted attempt can be found again (reconciliation). */
export const LABEL_JOB = 'faxbot_job';
export const LABEL_ATTEMPT = 'faxbot_attempt';
/** Reconciliation scans at most this many list pages when the label filter is not honoured. */
const LOOKUP_PAGES = 5;
const LOOKUP_PAGE_SIZE = 100;

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Sinch (Fax API v3, providers.md §2). Documents are uploaded directly, so sending needs no public
 * URL; outcomes come from FAX_COMPLETED callbacks when a public URL exists, and from polling always.
 * Regions: the global host routes itself
 * (Sinch's SDK ignores regions); a regional host can still be set as SINCH_BASE_URL.
 */
export class SinchProvider implements FaxProvider {
  readonly backend = 'sinch' as const;
  readonly label = 'Sinch';
  private readonly client: SinchClient;
  private readonly options: Required<SinchOptions>;

  constructor(
    config: SinchConfig,
    private readonly ctx: Pick<ProviderContext, 'now' | 'settings'>,
    options: SinchOptions = {},
  ) {
    this.client = new SinchClient(config, ctx.now);
    this.options = {
      pollWithCallbacksMs: options.pollWithCallbacksMs ?? 60_000,
      pollWithoutCallbacksMs: options.pollWithoutCallbacksMs ?? 10_000,
      callbackContentType: options.callbackContentType ?? 'multipart/form-data',
    };
  }

  /** A getter: the poll interval follows whether a public URL (hence callbacks) exists right now. */
  get traits(): ProviderTraits {
    const s = this.ctx.settings();
    const callbacks = (s.publicApiUrl !== '' && checkPublicUrl(s.publicApiUrl, s.enforcePublicHttps).ok) || s.tunnel.enabled;
    return {
      needsPublicMediaUrl: false,
      canPoll: true,
      canLookup: true,
      pollIntervalMs: callbacks ? this.options.pollWithCallbacksMs : this.options.pollWithoutCallbacksMs,
      testMode: false,
      callbackPath: SINCH_CALLBACK_PATH,
    };
  }

  /**
   * Sinch signs nothing, so callbacks are authenticated with Basic credentials embedded in the
   * callback URL (Sinch masks them when the fax is read back). The password is derived per job:
   * HMAC-SHA256(access key secret, job id). No extra secret to store, a leaked URL exposes one
   * job only, and rotating the key secret retires every outstanding callback URL (polling then
   * still finishes those jobs).
   */
  private callbackPassword(jobId: string): string {
    return createHmac('sha256', this.client.config.keySecret).update(`sinch-callback:v1:${jobId}`).digest('base64url');
  }

  callbackUrlWithCredentials(callbackUrl: string, jobId: string): string {
    const url = new URL(callbackUrl);
    url.username = CALLBACK_USER;
    url.password = this.callbackPassword(jobId);
    return url.toString();
  }

  /** Constant-time check of callback Basic credentials (hashes make the lengths equal). */
  callbackCredentialsValid(jobId: string, user: string, pass: string): boolean {
    const expected = sha256(`${CALLBACK_USER}:${this.callbackPassword(jobId)}`);
    return timingSafeEqual(sha256(`${user}:${pass}`), expected);
  }

  async submit(request: SubmitRequest, signal: AbortSignal): Promise<SubmitResult> {
    let pdf: Uint8Array<ArrayBuffer>;
    try {
      pdf = new Uint8Array(await request.document.bytes());
    } catch (error) {
      throw documentUnavailable(error);
    }
    const { FormData } = await import('undici');
    const form = () => {
      const f = new FormData();
      f.append('to', request.toE164);
      f.append('file', new Blob([pdf], { type: 'application/pdf' }), `${request.jobId}.pdf`);
      if (request.callbackUrl) {
        f.append('callbackUrl', this.callbackUrlWithCredentials(request.callbackUrl, request.jobId));
        f.append('callbackUrlContentType', this.options.callbackContentType);
      }
      // [UNCONFIRMED] multipart spelling of the `labels` map; bracketed keys as in Phaxio's API.
      f.append(`labels[${LABEL_JOB}]`, request.jobId);
      f.append(`labels[${LABEL_ATTEMPT}]`, String(request.attempt));
      return f;
    };
    let res;
    try {
      res = await this.client.call('POST', this.client.faxesUrl(), signal, { form });
    } catch (error) {
      return this.recoverFromSendError(error, request, signal);
    }
    if (res.status !== 200 && res.status !== 201) return this.recoverFromSendError(responseError(res.status, res.body), request, signal);
    // One `to` gives a Fax; be tolerant of a FaxList all the same.
    const json = jsonOf(res.body);
    const fax = parseFax(json) ?? parseFax((json as { faxes?: unknown[] } | null)?.faxes?.[0]);
    if (!fax) throw new ProviderError('Sinch accepted the fax but its answer had no fax id.', 'unknown', true);
    return { providerId: fax.id, rawStatus: fax.status };
  }

  /**
   * A 5xx can come from a proxy after Sinch took the fax: ask Sinch (by label) before calling it a
   * clean refusal, so the later retry cannot produce a second fax. A failed lookup leaves it "maybe".
   */
  private async recoverFromSendError(error: unknown, request: SubmitRequest, signal: AbortSignal): Promise<SubmitResult> {
    if (!(error instanceof SinchError) || error.status === null || error.status < 500) throw error;
    let found: SubmitResult | null;
    try {
      found = await this.lookup(request, signal);
    } catch {
      throw new SinchError(error.message, error.failureClass, true, error.status);
    }
    if (found) return found;
    throw error;
  }

  async poll(providerId: string, signal: AbortSignal): Promise<ProviderUpdate> {
    return faxUpdate(await this.getFax(providerId, signal));
  }

  async getFax(faxId: string, signal: AbortSignal): Promise<SinchFax> {
    const res = await this.client.call('GET', this.client.faxesUrl(`/${encodeURIComponent(faxId)}`), signal);
    if (res.status !== 200) throw responseError(res.status, res.body);
    const fax = parseFax(jsonOf(res.body));
    if (!fax) throw new ProviderError('Sinch answered without a fax object.', 'provider_unavailable');
    return fax;
  }

  /** Finds the fax of an attempt by its labels; the label filter is used, and checked again here. */
  async lookup(request: Pick<LookupRequest, 'jobId' | 'attempt'>, signal: AbortSignal): Promise<SubmitResult | null> {
    const attempt = String(request.attempt);
    for (let page = 1; page <= LOOKUP_PAGES; page++) {
      const query = new URLSearchParams({
        direction: 'OUTBOUND',
        [`labels[${LABEL_JOB}]`]: request.jobId,
        [`labels[${LABEL_ATTEMPT}]`]: attempt,
        pageSize: String(LOOKUP_PAGE_SIZE),
        page: String(page),
      });
      const res = await this.client.call('GET', this.client.faxesUrl('', query), signal);
      if (res.status !== 200) throw responseError(res.status, res.body);
      const json = jsonOf(res.body) as { faxes?: unknown; totalPages?: unknown } | null;
      const faxes = Array.isArray(json?.faxes) ? json.faxes.map(parseFax) : [];
      const match = faxes.find((f) => f?.labels[LABEL_JOB] === request.jobId && f.labels[LABEL_ATTEMPT] === attempt);
      if (match) return { providerId: match.id, rawStatus: match.status };
      const totalPages = typeof json?.totalPages === 'number' ? json.totalPages : null;
      if (faxes.length < LOOKUP_PAGE_SIZE || (totalPages !== null && page >= totalPages)) return null;
    }
    return null;
  }

  /** The stored PDF of a fax (inbound faxes whose webhook carried no document). */
  async downloadPdf(faxId: string, signal: AbortSignal): Promise<Buffer> {
    const res = await this.client.call('GET', this.client.faxesUrl(`/${encodeURIComponent(faxId)}/file.pdf`), signal, {
      accept: 'application/pdf',
    });
    if (res.status !== 200) throw responseError(res.status, res.body);
    return res.body;
  }

  async checkCredentials(signal: AbortSignal): Promise<CheckResult> {
    const check = { id: 'credentials', label: 'Sinch credentials' };
    let status: number;
    try {
      status = (await this.client.call('GET', this.client.faxesUrl('', new URLSearchParams({ pageSize: '1' })), signal)).status;
    } catch (error) {
      return {
        ...check,
        state: 'fail',
        detail: (error as Error).message,
        fix: 'Check the internet connection, and that SINCH_BASE_URL (and SINCH_AUTH_URL for OAuth2) point at Sinch.',
      };
    }
    if (status === 200) return { ...check, state: 'pass', detail: 'Sinch accepted the access key for this project.' };
    if (status === 402) {
      return {
        ...check,
        state: 'warn',
        detail: 'The credentials work, but the Sinch account is out of credit.',
        fix: 'Top up the balance in the Sinch dashboard.',
      };
    }
    if (status === 401 || status === 403 || status === 404) {
      return {
        ...check,
        state: 'fail',
        detail: 'Sinch rejected the project id, access key id or key secret.',
        fix: 'In the Sinch dashboard, copy the project id and create an access key (Settings → Access keys); enter the key id and secret in Setup.',
      };
    }
    return {
      ...check,
      state: 'fail',
      detail: `Sinch answered HTTP ${status}.`,
      fix: 'Try again in a few minutes; check the Sinch status page if it persists.',
    };
  }
}

/**
 * SINCH_API_KEY / SINCH_API_SECRET fall back to the Phaxio env values, as in Faxbot (faxbot-compat.md
 * §2.7; Phaxio accounts moved to Sinch with the same key pair). The aliases live in secrets/env-names.ts.
 */
export function createSinchFactory(options: SinchOptions = {}): ProviderFactory {
  return async (ctx) => {
    const s = ctx.settings().sinch;
    const keyId = await ctx.secret('sinch.apiKey');
    const keySecret = await ctx.secret('sinch.apiSecret');
    const missing = [s.projectId ? null : 'SINCH_PROJECT_ID', keyId ? null : 'SINCH_API_KEY', keySecret ? null : 'SINCH_API_SECRET'].filter(
      (name): name is string => name !== null,
    );
    if (missing.length > 0 || !keyId || !keySecret)
      return { missing: `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set` };
    return new SinchProvider(
      { projectId: s.projectId, baseUrl: s.baseUrl, authUrl: s.authUrl, authMode: s.authMode, keyId, keySecret },
      ctx,
      options,
    );
  };
}

export const sinchFactory = createSinchFactory();
