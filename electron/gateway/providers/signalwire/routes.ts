import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import type { GatewayCore } from '../../core';
import { verifySignalWireSignature } from '../../security/signatures';
import { AppError } from '../../services/errors';
import { basicAuth, readCapped, type SignalWireCredentials } from './api';
import { loadCredentials, SIGNALWIRE_CALLBACK_PATH } from './provider';
import { parsePages, toProviderUpdate } from './status';
import { rawBody, rawBodyScope } from '../../http/raw-body-scope';
import { applyCallback, inboundGate, isPdf, storeInbound, WEBHOOK_IGNORED, WEBHOOK_OK } from '../webhook';

export const SIGNALWIRE_INBOUND_PATH = '/signalwire-inbound';
export const SIGNALWIRE_RECEIVED_PATH = '/signalwire-inbound/received';

/** Callbacks are a few hundred bytes of form fields. */
const MAX_WEBHOOK_BODY = 64 * 1024;
const MAX_INBOUND_PDF = 50 * 1024 * 1024;
const MEDIA_TIMEOUT_MS = 60_000;
const SID = /^[A-Za-z0-9-]{1,64}$/;

const NO_SIGNING_KEY =
  'SignalWire webhooks are refused until a signing key is set: copy the Signing Key from the SignalWire dashboard ' +
  '(API → Credentials) into SIGNALWIRE_WEBHOOK_SIGNING_KEY or Setup.';

interface Webhook {
  /** Decoded fields: the form body of a POST, the query of a GET (first value of each name). */
  fields: URLSearchParams;
  /** The raw query of the request URL (job_id lives there). */
  query: URLSearchParams;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function rawQuery(request: FastifyRequest): string {
  const q = request.url.indexOf('?');
  return q === -1 ? '' : request.url.slice(q + 1);
}

/**
 * Checks the Twilio-style signature (providers.md §3.6) over the PUBLIC URL SignalWire was given:
 * the gateway's public base + the path and query as received, plus any explicitly configured URL.
 * Never the local URL: a proxy or tunnel rewrites it, and SignalWire signed what it was told.
 */
async function verify(core: GatewayCore, request: FastifyRequest, extraUrls: readonly string[] = []): Promise<Webhook> {
  const signingKey = await core.settings.secret('signalwire.signingKey');
  if (!signingKey) {
    core.audit.record('signalwire_webhook_refused', { path: request.routeOptions.url, reason: 'no_signing_key' });
    throw new AppError('unauthorized', NO_SIGNING_KEY);
  }
  const contentType = header(request, 'content-type') ?? '';
  if (request.method === 'POST' && !/^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType)) {
    throw new AppError('unsupported_type', 'SignalWire webhooks are application/x-www-form-urlencoded');
  }
  const base = core.publicUrl();
  const urls = [...(base ? [`${base}${request.url}`] : []), ...extraUrls];
  const body = rawBody(request);
  const headers = { signalwire: header(request, 'x-signalwire-signature'), twilio: header(request, 'x-twilio-signature') };
  const ok = urls.some((url) => verifySignalWireSignature({ headers, url, contentType, rawBody: body, signingKey }).ok);
  if (!ok) {
    core.audit.record('signalwire_webhook_refused', { path: request.routeOptions.url, reason: 'invalid_signature' });
    throw new AppError('unauthorized', 'Invalid signature');
  }
  const query = new URLSearchParams(rawQuery(request));
  return { fields: request.method === 'POST' ? new URLSearchParams(body.toString('utf8')) : query, query };
}

/** SIGNALWIRE_STATUS_CALLBACK_URL, as submitted with `job_id` appended, rebuilt from this request's query. */
function overrideCallbackUrl(core: GatewayCore, request: FastifyRequest): string[] {
  const override = core.settings.current.signalwire.statusCallbackUrl;
  if (!override) return [];
  const bare = override.split('?')[0] ?? override;
  const query = rawQuery(request);
  return [query ? `${bare}?${query}` : bare];
}

function xmlAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A caller id as SignalWire sends it (E.164 or a SIP URI), bounded; anything odd is dropped. */
function party(value: string | null): string {
  return value && value.length <= 128 && !/[\u0000-\u001f]/.test(value) ? value : '';
}

/**
 * Only SignalWire's own hosts get our Basic credentials (Media URL protection, §3.5): the configured
 * space (the emulator's in tests) on its own scheme, or an https *.signalwire.com host (files.signalwire.com).
 */
export function isSignalWireMediaUrl(mediaUrl: string, space: string): boolean {
  if (!URL.canParse(mediaUrl)) return false;
  const url = new URL(mediaUrl);
  const own = new URL(space);
  if (url.username || url.password) return false;
  if (url.protocol === own.protocol && url.host === own.host) return true;
  return url.protocol === 'https:' && (url.hostname === 'signalwire.com' || url.hostname.endsWith('.signalwire.com'));
}

async function fetchMedia(mediaUrl: string, creds: SignalWireCredentials): Promise<Buffer> {
  const { request: httpRequest } = await import('undici');
  const get = (url: string, authorization?: string): Promise<Dispatcher.ResponseData> =>
    httpRequest(url, {
      headers: { accept: 'application/pdf', ...(authorization ? { authorization } : {}) },
      signal: AbortSignal.timeout(MEDIA_TIMEOUT_MS),
    });
  let res = await get(mediaUrl, basicAuth(creds.projectId, creds.apiToken));
  const location = res.headers.location;
  if (res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string') {
    // A storage redirect (e.g. a presigned link) is followed once, over https and without our credentials.
    await res.body.dump();
    const next = new URL(location, mediaUrl);
    if (next.protocol !== 'https:') throw new Error('redirected to a non-https media URL');
    res = await get(next.toString());
  }
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new Error(`media download answered HTTP ${res.statusCode}`);
  }
  return readCapped(res.body, MAX_INBOUND_PDF);
}

export function registerSignalWireRoutes(app: FastifyInstance, core: GatewayCore): void {
  rawBodyScope(app, MAX_WEBHOOK_BODY, (scope) => {
    /** Outbound StatusCallback (POST form, or GET with the fields in the query). */
    scope.route({
      method: ['GET', 'POST'],
      url: SIGNALWIRE_CALLBACK_PATH,
      handler: async (request) => {
        const { fields, query } = await verify(core, request, overrideCallbackUrl(core, request));
        const faxSid = fields.get('FaxSid') ?? '';
        const status = fields.get('FaxStatus') ?? '';
        if (!SID.test(faxSid) || !/^[a-z-]{1,32}$/.test(status)) throw new AppError('bad_request', 'FaxSid and FaxStatus are required');
        const jobId = query.get('job_id');
        let job = null;
        try {
          job = jobId ? await core.jobs.row(jobId) : await core.jobs.findByProviderId('signalwire', faxSid);
        } catch {
          // Unknown job: acknowledged so SignalWire stops retrying; nothing to update.
        }
        // The callback beat the recording of the fax id (e.g. reconciliation after a lost answer), and
        // SignalWire's fax carries no tags of ours: a 503 makes SignalWire deliver it again once the id is known.
        if (job?.backend === 'signalwire' && job.provider_id === null && job.status === 'sending') {
          throw new AppError('unavailable', 'The fax is still being handed to SignalWire; retry shortly');
        }
        await applyCallback(core, {
          backend: 'signalwire',
          jobId,
          providerId: faxSid,
          update: toProviderUpdate({
            sid: faxSid,
            status,
            errorCode: fields.get('ErrorCode'),
            errorMessage: fields.get('ErrorMessage'),
            numPages: fields.get('NumPages'),
          }),
          scheme: 'signalwire-signature',
        });
        return WEBHOOK_OK;
      },
    });

    /** The number's LaML webhook: answer with <Receive> (or <Reject/> when inbound is off). */
    scope.route({
      method: ['GET', 'POST'],
      url: SIGNALWIRE_INBOUND_PATH,
      handler: async (request, reply) => {
        const { fields } = await verify(core, request);
        const faxSid = fields.get('FaxSid') ?? '';
        const base = core.publicUrl();
        const enabled = core.settings.current.inboundEnabled && base !== null;
        core.audit.record('signalwire_inbound_call', {
          provider_id: SID.test(faxSid) ? faxSid : undefined,
          reason: enabled ? 'receive' : 'reject',
        });
        const verb = enabled
          ? `<Receive action="${xmlAttr(`${base}${SIGNALWIRE_RECEIVED_PATH}`)}" mediaType="application/pdf"/>`
          : '<Reject/>';
        return reply.type('text/xml').send(`<?xml version="1.0" encoding="UTF-8"?><Response>${verb}</Response>`);
      },
    });

    /** The <Receive action>: the fax arrived; fetch it from SignalWire and store it once. */
    scope.route({
      method: ['GET', 'POST'],
      url: SIGNALWIRE_RECEIVED_PATH,
      onRequest: () => inboundGate(core),
      handler: async (request, reply) => {
        const { fields } = await verify(core, request);
        const faxSid = fields.get('FaxSid') ?? '';
        if (!SID.test(faxSid)) throw new AppError('bad_request', 'FaxSid is required');
        if (fields.get('FaxStatus') !== 'received') return WEBHOOK_IGNORED;
        const existing = core.inbound.findByProvider('signalwire', faxSid);
        if (existing) return WEBHOOK_OK;
        const creds = await loadCredentials(core.settings.current, (name) => core.settings.secret(name));
        if ('missing' in creds) throw new AppError('unavailable', `SignalWire is not configured: ${creds.missing}`);
        const mediaUrl = fields.get('MediaUrl') ?? '';
        if (!isSignalWireMediaUrl(mediaUrl, creds.space)) {
          core.audit.record('signalwire_inbound_refused', { provider_id: faxSid, reason: 'media_host' });
          throw new AppError('bad_request', 'MediaUrl is not on the SignalWire space');
        }
        let pdf: Buffer;
        try {
          pdf = await fetchMedia(mediaUrl, creds);
        } catch (error) {
          core.log(`signalwire inbound ${faxSid}: media download failed: ${(error as Error).message}`);
          // 502 makes SignalWire retry the action later.
          return reply.code(502).send({ detail: 'Could not download the fax from SignalWire; retry later' });
        }
        if (!isPdf(pdf)) throw new AppError('bad_request', 'The fax media is not a PDF');
        await storeInbound(
          core,
          {
            backend: 'signalwire',
            providerId: faxSid,
            from: party(fields.get('From')),
            to: party(fields.get('To')),
            pages: parsePages(fields.get('NumPages')),
            pdf,
          },
          'signalwire-signature',
        );
        return WEBHOOK_OK;
      },
    });
  });
}
