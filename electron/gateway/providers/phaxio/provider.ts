import type { CheckResult } from '../../../../shared/types';
import { publicBaseUrl } from '../../public-url';
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
import { PhaxioApi, PhaxioHttpError } from './api';
import { parseFax, toProviderUpdate } from './status';

export const PHAXIO_CALLBACK_PATH = '/phaxio-callback';
export const PHAXIO_INBOUND_PATH = '/phaxio-inbound';
/** Tags on every fax (providers.md §1.2) so an interrupted attempt can be found again. */
export const JOB_TAG = 'faxbot_job';
export const ATTEMPT_TAG = 'faxbot_attempt';

export interface PhaxioProviderOptions {
  /** Poll interval when Phaxio can call back (polling is then only a safety net). */
  pollWithCallbacksMs?: number;
  /** Poll interval with no public URL, where polling is the only way to learn outcomes. */
  pollWithoutCallbacksMs?: number;
}

/** `url` plus `job_id=<id>`, keeping any query the admin configured. */
export function withJobId(url: string, jobId: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}job_id=${encodeURIComponent(jobId)}`;
}

export class PhaxioProvider implements FaxProvider {
  readonly backend = 'phaxio' as const;
  readonly label = 'Phaxio';

  constructor(
    private readonly api: PhaxioApi,
    private readonly ctx: ProviderContext,
    readonly traits: ProviderTraits,
  ) {}

  async submit(request: SubmitRequest, signal: AbortSignal): Promise<SubmitResult> {
    const { FormData } = await import('undici');
    const form = new FormData();
    form.append('to', request.toE164);
    const contentUrl = this.contentUrlFor(request);
    if (contentUrl) {
      form.append('content_url', contentUrl);
    } else {
      let pdf: Uint8Array;
      try {
        pdf = await request.document.bytes();
      } catch (error) {
        throw documentUnavailable(error);
      }
      form.append('file', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), `fax-${request.jobId}.pdf`);
    }
    const callbackUrl = this.callbackUrlFor(request);
    if (callbackUrl) form.append('callback_url', callbackUrl);
    form.append(`tag[${JOB_TAG}]`, request.jobId);
    form.append(`tag[${ATTEMPT_TAG}]`, String(request.attempt));
    const data = await this.api.json('POST', '/faxes', { form, signal });
    const id = parseFax({ id: (data as { id?: unknown } | null)?.id })?.id;
    // Accepted but no id: the fax may exist, so reconciliation (lookup by tag) must decide.
    if (!id) throw new ProviderError('Phaxio accepted the fax but returned no fax id.', 'provider_unavailable', true);
    this.ctx.log(
      `phaxio: job ${request.jobId} attempt ${request.attempt} accepted as fax ${id} (${contentUrl ? 'content_url' : 'upload'})`,
    );
    return { providerId: id, rawStatus: 'queued' };
  }

  async poll(providerId: string, signal: AbortSignal): Promise<ProviderUpdate> {
    try {
      return this.update(await this.api.json('GET', `/faxes/${encodeURIComponent(providerId)}`, { signal }));
    } catch (error) {
      // Phaxio has no such fax (deleted, or another account's id): polling again cannot help.
      if (error instanceof PhaxioHttpError && error.status === 404) {
        return { providerId, rawStatus: 'not_found', phase: 'failed', failureClass: 'unknown', error: 'Phaxio has no record of this fax.' };
      }
      throw error;
    }
  }

  async lookup(request: Pick<LookupRequest, 'jobId' | 'attempt'>, signal: AbortSignal): Promise<SubmitResult | null> {
    const data = await this.api.json('GET', '/faxes', {
      query: [
        ['direction', 'sent'],
        [`tag[${JOB_TAG}]`, request.jobId],
        [`tag[${ATTEMPT_TAG}]`, String(request.attempt)],
      ],
      signal,
    });
    const faxes = (Array.isArray(data) ? data : []).flatMap((item) => {
      const fax = parseFax(item);
      // Trust the tags on the answer, not only the filter: a server that ignores the filter must not match.
      return fax && fax.tags[JOB_TAG] === request.jobId && fax.tags[ATTEMPT_TAG] === String(request.attempt) ? [fax] : [];
    });
    const newest = faxes.sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1))[0];
    return newest ? { providerId: newest.id, rawStatus: toProviderUpdate(newest).rawStatus } : null;
  }

  async checkCredentials(signal: AbortSignal): Promise<CheckResult> {
    const id = 'credentials';
    const label = 'Provider credentials';
    try {
      const data = (await this.api.json('GET', '/account/status', { signal })) as { balance?: unknown } | null;
      const balance = typeof data?.balance === 'number' ? ` Balance: $${(data.balance / 100).toFixed(2)}.` : '';
      return { id, label, state: 'pass', detail: `Phaxio accepted the API key and secret.${balance}` };
    } catch (error) {
      if (error instanceof ProviderError && error.failureClass === 'auth') {
        return {
          id,
          label,
          state: 'fail',
          detail: 'Phaxio rejected the API key/secret.',
          fix: 'Re-enter the API key and secret from the Phaxio console (API Keys page).',
        };
      }
      return {
        id,
        label,
        state: 'fail',
        detail: `Could not check the Phaxio credentials: ${(error as Error).message}`,
        fix: 'Check the internet connection and PHAXIO_BASE_URL (default https://api.phaxio.com/v2.1).',
      };
    }
  }

  /** The inbound PDF from Phaxio's own API: never from a URL in a webhook body. */
  downloadFile(faxId: string, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
    return this.api.file(faxId, maxBytes, signal);
  }

  private update(data: unknown): ProviderUpdate {
    const fax = parseFax(data);
    if (!fax) throw new ProviderError('Phaxio answered without a fax object.', 'provider_unavailable');
    return toProviderUpdate(fax);
  }

  /** PHAXIO_CALLBACK_URL (an admin's proxy, maybe with user:pass@) wins over the gateway's own public URL. */
  private callbackUrlFor(request: SubmitRequest): string | null {
    const configured = this.ctx.settings().phaxio.callbackUrl;
    return configured ? withJobId(configured, request.jobId) : request.callbackUrl;
  }

  /** content_url mode: the core minted a tokenised media link when a public URL exists; otherwise upload. */
  private contentUrlFor(request: SubmitRequest): string | null {
    return this.ctx.settings().phaxio.sendMode === 'content_url' ? request.mediaUrl : null;
  }
}

export function createPhaxioFactory(options: PhaxioProviderOptions = {}): ProviderFactory {
  return async (ctx) => {
    const [apiKey, apiSecret] = await Promise.all([ctx.secret('phaxio.apiKey'), ctx.secret('phaxio.apiSecret')]);
    if (!apiKey) return { missing: 'PHAXIO_API_KEY is not set' };
    if (!apiSecret) return { missing: 'PHAXIO_API_SECRET is not set' };
    const settings = ctx.settings();
    // Settings changes rebuild the provider, so this follows the admin's public URL (not a tunnel).
    const callbacks = Boolean(settings.phaxio.callbackUrl || publicBaseUrl(settings, null));
    return new PhaxioProvider(new PhaxioApi({ baseUrl: settings.phaxio.baseUrl, apiKey, apiSecret }), ctx, {
      needsPublicMediaUrl: false,
      wantsMediaUrl: settings.phaxio.sendMode === 'content_url',
      canPoll: true,
      canLookup: true,
      pollIntervalMs: callbacks ? (options.pollWithCallbacksMs ?? 45_000) : (options.pollWithoutCallbacksMs ?? 10_000),
      testMode: false,
      callbackPath: PHAXIO_CALLBACK_PATH,
    });
  };
}

export const phaxioFactory = createPhaxioFactory();
