import type { SecretName, Settings } from '../../../../shared/settings';
import type { CheckResult } from '../../../../shared/types';
import type { ProviderFactory } from '../registry';
import {
  ProviderError,
  type FaxProvider,
  type LookupRequest,
  type ProviderTraits,
  type ProviderUpdate,
  type SubmitRequest,
  type SubmitResult,
} from '../types';
import { SignalWireApi, spaceBaseUrl, type FaxPage, type SignalWireCredentials, type SignalWireFax } from './api';
import { toProviderUpdate } from './status';

export const SIGNALWIRE_CALLBACK_PATH = '/signalwire-callback';

const E164 = /^\+[1-9]\d{6,14}$/;
const SID = /^[A-Za-z0-9-]{1,64}$/;
/** Reconciliation lists faxes to the recipient since the job was created, minus clock skew. */
const LOOKUP_SKEW_MS = 60 * 60_000;
const LOOKUP_PAGE_SIZE = 100;
const LOOKUP_MAX_PAGES = 10;

/** Credentials from settings and the keychain, or the first thing missing in the admin's words. */
export async function loadCredentials(
  settings: Settings,
  secret: (name: SecretName) => Promise<string | null>,
): Promise<SignalWireCredentials | { missing: string }> {
  const { spaceUrl, projectId } = settings.signalwire;
  if (!spaceUrl.trim()) return { missing: 'SIGNALWIRE_SPACE_URL is not set' };
  const space = spaceBaseUrl(spaceUrl);
  if (!space) return { missing: 'SIGNALWIRE_SPACE_URL is not a space hostname such as example.signalwire.com' };
  if (!projectId.trim()) return { missing: 'SIGNALWIRE_PROJECT_ID is not set' };
  const apiToken = await secret('signalwire.apiToken');
  if (!apiToken) return { missing: 'SIGNALWIRE_API_TOKEN is not set' };
  return { space, projectId: projectId.trim(), apiToken };
}

/** Appends one query parameter, keeping whatever the URL already carries. */
export function withParam(url: string, name: string, value: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${name}=${encodeURIComponent(value)}`;
}

type MediaOwner = { kind: 'job'; jobId: string; attempt: number | null } | { kind: 'foreign' };

/**
 * Which of our submissions a listed fax came from. SignalWire keeps no idempotency key or tag, but
 * the MediaUrl we sent is `/fax/{jobId}/pdf?token=…&attempt=N`. Anything else is not attributable.
 */
export function mediaOwner(mediaUrl: string | null | undefined): MediaOwner {
  if (!mediaUrl || !URL.canParse(mediaUrl)) return { kind: 'foreign' };
  const url = new URL(mediaUrl);
  const match = /\/fax\/([^/]+)\/pdf$/.exec(url.pathname);
  if (!match?.[1] || !url.searchParams.has('token')) return { kind: 'foreign' };
  const attempt = Number(url.searchParams.get('attempt'));
  return { kind: 'job', jobId: decodeURIComponent(match[1]), attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : null };
}

export interface SignalWireOptions {
  api: SignalWireApi;
  faxFrom: string;
  /** SIGNALWIRE_STATUS_CALLBACK_URL; empty = the per-job callback URL the outbox computes. */
  statusCallbackUrl: string;
  signingKeyConfigured: boolean;
}

export class SignalWireProvider implements FaxProvider {
  readonly backend = 'signalwire' as const;
  readonly label = 'SignalWire';
  readonly traits: ProviderTraits = {
    // SignalWire only fetches documents; it has no upload.
    needsPublicMediaUrl: true,
    // Polling backs up callbacks that never arrive (e.g. no signing key yet, or a tunnel outage).
    canPoll: true,
    canLookup: true,
    pollIntervalMs: 30_000,
    testMode: false,
    callbackPath: SIGNALWIRE_CALLBACK_PATH,
  };

  constructor(private readonly options: SignalWireOptions) {}

  private get api(): SignalWireApi {
    return this.options.api;
  }

  private faxPath(sid: string): string {
    return `${this.api.accountPath}/Faxes/${encodeURIComponent(sid)}.json`;
  }

  async submit(request: SubmitRequest, signal: AbortSignal): Promise<SubmitResult> {
    if (!request.mediaUrl) throw new ProviderError('SignalWire fetches the document from a public URL, and none is set.', 'rejected');
    const override = this.options.statusCallbackUrl;
    const statusCallback = override ? withParam(override, 'job_id', request.jobId) : request.callbackUrl;
    const form: Record<string, string> = {
      To: request.toE164,
      From: this.options.faxFrom,
      // The attempt number lets reconciliation tell this submission from the job's earlier ones.
      MediaUrl: withParam(request.mediaUrl, 'attempt', String(request.attempt)),
      Quality: request.resolution ?? 'fine',
      ...(statusCallback ? { StatusCallback: statusCallback, StatusCallbackMethod: 'POST' } : {}),
    };
    const fax = await this.api.call<SignalWireFax>('POST', `${this.api.accountPath}/Faxes.json`, form, signal);
    if (typeof fax?.sid !== 'string' || !SID.test(fax.sid)) {
      throw new ProviderError('SignalWire accepted the request but its answer has no fax id.', 'provider_unavailable', true);
    }
    return { providerId: fax.sid, rawStatus: typeof fax.status === 'string' ? fax.status : 'queued' };
  }

  async poll(providerId: string, signal: AbortSignal): Promise<ProviderUpdate> {
    const fax = await this.api.call<SignalWireFax>('GET', this.faxPath(providerId), null, signal);
    return toProviderUpdate({
      sid: providerId,
      status: String(fax?.status ?? ''),
      errorCode: fax?.error_code ?? null,
      errorMessage: fax?.error_message ?? null,
      numPages: fax?.num_pages ?? null,
    });
  }

  /**
   * null only when every fax SignalWire lists for the recipient since the job was created is
   * accounted for (another job, or another attempt of this one). Anything unattributable, a listing
   * too long to read, or an error throws, so the outbox asks again later instead of resending.
   */
  async lookup(request: LookupRequest, signal: AbortSignal): Promise<SubmitResult | null> {
    const after = new Date(request.jobCreatedAt - LOOKUP_SKEW_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const query = new URLSearchParams({ To: request.toE164, DateCreatedAfter: after, PageSize: String(LOOKUP_PAGE_SIZE) });
    let path: string | null = `${this.api.accountPath}/Faxes.json?${query}`;
    let unattributed = 0;
    for (let page = 0; page < LOOKUP_MAX_PAGES && path; page++) {
      const listing: FaxPage = await this.api.call<FaxPage>('GET', path, null, signal);
      if (!Array.isArray(listing?.faxes)) throw new Error('SignalWire returned an unreadable fax list');
      for (const fax of listing.faxes) {
        // The filters are applied again here: a provider may ignore them (or drop them when paging).
        if ((fax.to !== undefined && fax.to !== request.toE164) || fax.direction === 'inbound') continue;
        const owner = mediaOwner(fax.media_url);
        if (owner.kind === 'foreign') unattributed += 1;
        else if (owner.jobId === request.jobId && owner.attempt === null) unattributed += 1;
        else if (owner.jobId === request.jobId && owner.attempt === request.attempt && SID.test(fax.sid)) {
          return { providerId: fax.sid, rawStatus: fax.status };
        }
      }
      path = this.nextPage(listing.next_page_uri);
    }
    if (path) throw new Error('too many faxes to this number to be sure the attempt never reached SignalWire');
    if (unattributed > 0) {
      throw new Error(`${unattributed} fax(es) to this number cannot be matched to a job; check the SignalWire console`);
    }
    return null;
  }

  /** next_page_uri is relative to the API host; only our own account's fax list is followed. */
  private nextPage(uri: string | null | undefined): string | null {
    if (!uri) return null;
    const path = uri.startsWith('/2010-04-01/') ? `/api/laml${uri}` : uri;
    if (!path.startsWith(`${this.api.accountPath}/Faxes`)) throw new Error('SignalWire returned an unexpected next page');
    return path;
  }

  async checkCredentials(signal: AbortSignal): Promise<CheckResult> {
    const id = 'credentials';
    const label = 'SignalWire credentials';
    try {
      await this.api.call('GET', `${this.api.accountPath}/Faxes.json?PageSize=1`, null, signal);
    } catch (error) {
      const auth = error instanceof ProviderError && error.failureClass === 'auth';
      return {
        id,
        label,
        state: 'fail',
        detail: auth ? (error as Error).message : `Could not reach SignalWire at ${this.api.space}: ${(error as Error).message}`,
        fix: auth
          ? 'Copy the Project ID and an API token (with the Fax scope) from the SignalWire dashboard, API → Credentials, and check the space URL.'
          : 'Check SIGNALWIRE_SPACE_URL (for example example.signalwire.com) and the internet connection.',
      };
    }
    if (!this.options.signingKeyConfigured) {
      return {
        id,
        label,
        state: 'warn',
        detail:
          'SignalWire accepted the project ID and API token, but no webhook signing key is set, so callbacks and inbound faxes are refused (outcomes are still polled).',
        fix: 'Copy the Signing Key from the SignalWire dashboard (API → Credentials) into SIGNALWIRE_WEBHOOK_SIGNING_KEY or Setup.',
      };
    }
    return { id, label, state: 'pass', detail: 'SignalWire accepted the project ID and API token.' };
  }
}

export const signalwireFactory: ProviderFactory = async (ctx) => {
  const settings = ctx.settings();
  const creds = await loadCredentials(settings, ctx.secret);
  if ('missing' in creds) return creds;
  const faxFrom = settings.signalwire.faxFrom.trim();
  if (!faxFrom) return { missing: 'SIGNALWIRE_FAX_FROM_E164 is not set (the SignalWire number faxes are sent from)' };
  if (!E164.test(faxFrom)) return { missing: 'SIGNALWIRE_FAX_FROM_E164 is not an E.164 number such as +15551234567' };
  return new SignalWireProvider({
    api: new SignalWireApi(creds),
    faxFrom,
    statusCallbackUrl: settings.signalwire.statusCallbackUrl,
    signingKeyConfigured: Boolean(await ctx.secret('signalwire.signingKey')),
  });
};
