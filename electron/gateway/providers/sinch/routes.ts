import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Response } from 'undici';
import type { GatewayCore } from '../../core';
import { cleanHeader, safeEqual } from '../../security/signatures/common';
import { AppError, badRequest } from '../../services/errors';
import { SinchError } from './client';
import { faxUpdate, parseFax } from './fax';
import { LABEL_ATTEMPT, LABEL_JOB, SINCH_CALLBACK_PATH, SINCH_INBOUND_PATH, SinchProvider } from './provider';
import { rawBody, rawBodyScope } from '../../http/raw-body-scope';
import { applyCallback, inboundGate, isPdf, sameSecret, storeInbound, WEBHOOK_IGNORED, WEBHOOK_OK } from '../webhook';

/** Webhooks carry the fax PDF (multipart part or base64 in JSON), so the cap is generous but finite. */
const MAX_WEBHOOK_BYTES = 48 * 1024 * 1024;
const FETCH_DOCUMENT_TIMEOUT_MS = 30_000;
/** Longest provider id / number we store from a webhook (real ones are far shorter). */
const MAX_FIELD_LENGTH = 64;

interface Webhook {
  fields: Record<string, unknown>;
  file: Buffer | null;
}

const unauthorized = (detail: string) => new AppError('unauthorized', detail, { 'www-authenticate': 'Basic realm="faxbot"' });

function sinchProvider(core: GatewayCore): SinchProvider | null {
  const provider = core.providers.forBackend('sinch');
  return provider instanceof SinchProvider ? provider : null;
}

function basicCredentials(header: string | undefined): { user: string; pass: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]{1,1024})\s*$/i.exec(header ?? '');
  if (!m?.[1]) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? null : { user: decoded.slice(0, i), pass: decoded.slice(i + 1) };
}

function text(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, MAX_FIELD_LENGTH) : null;
}

function count(value: unknown): number | null {
  const n = Number(value);
  return value !== null && value !== '' && Number.isInteger(n) && n >= 0 && n < 100_000 ? n : null;
}

/** Sinch's multipart (fields + `file` part) or JSON (base64 `file`) webhook, from the raw body. */
async function readWebhook(contentType: string | undefined, raw: Buffer): Promise<Webhook> {
  const type = (contentType ?? '').toLowerCase();
  if (raw.length === 0) throw badRequest('Empty body');
  if (type.startsWith('multipart/form-data')) {
    let form: Awaited<ReturnType<Response['formData']>>;
    try {
      const { Response } = await import('undici');
      form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType ?? '' } }).formData();
    } catch {
      throw badRequest('Malformed multipart body');
    }
    const fields: Record<string, unknown> = {};
    let file: Buffer | null = null;
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') fields[name] ??= value;
      else if (name === 'file' && file === null) file = Buffer.from(await value.arrayBuffer());
    }
    return { fields, file };
  }
  if (type.startsWith('application/json')) {
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw badRequest('Malformed JSON body');
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw badRequest('The body must be a JSON object');
    const fields = json as Record<string, unknown>;
    return { fields, file: typeof fields.file === 'string' ? Buffer.from(fields.file, 'base64') : null };
  }
  throw new AppError('unsupported_type', 'Send multipart/form-data or application/json');
}

/**
 * Inbound auth (faxbot-compat.md §1.5): Basic when SINCH_INBOUND_BASIC_USER/PASS are set, and
 * Faxbot's X-Sinch-Signature (hex HMAC-SHA256 of the raw body) when SINCH_INBOUND_HMAC_SECRET is
 * set; each is enforced if configured. Unlike Faxbot, an endpoint with neither is refused.
 */
async function inboundAuth(core: GatewayCore): Promise<{ basic: { user: string; pass: string } | null; hmacSecret: string | null }> {
  const user = core.settings.current.sinch.inboundBasicUser;
  const pass = await core.settings.secret('sinch.inboundBasicPass');
  const hmacSecret = await core.settings.secret('sinch.inboundHmacSecret');
  return { basic: user !== '' && pass ? { user, pass } : null, hmacSecret };
}

/** The document of an inbound fax, fetched from Sinch's own API (never from a URL in the webhook). */
async function documentFromSinch(core: GatewayCore, faxId: string): Promise<Buffer> {
  const provider = sinchProvider(core);
  if (!provider)
    throw new AppError('unavailable', 'The inbound fax carried no document, and the Sinch credentials needed to fetch it are not set.');
  let pdf: Buffer;
  try {
    pdf = await provider.downloadPdf(faxId, AbortSignal.timeout(FETCH_DOCUMENT_TIMEOUT_MS));
  } catch (error) {
    if (error instanceof SinchError && (error.status === 400 || error.status === 404 || error.status === 422)) {
      throw badRequest('Sinch has no document for this fax id.');
    }
    throw new AppError('unavailable', 'Could not fetch the fax document from Sinch; try again later.');
  }
  if (!isPdf(pdf)) throw new AppError('unavailable', 'Sinch did not return a PDF for this fax; try again later.');
  return pdf;
}

/** `{id, from, to, pages}` of an INCOMING_FAX event or of Faxbot's legacy JSON (`id`/`from`/`to`/`num_pages`). */
function inboundFax(fields: Record<string, unknown>): { id: string; from: string; to: string; pages: number | null } | 'ignored' {
  if (fields.event !== undefined) {
    if (fields.event === 'FAX_COMPLETED') return 'ignored';
    if (fields.event !== 'INCOMING_FAX') throw badRequest('Unknown Sinch event');
    const fax = parseFax(fields.fax);
    if (!fax || fax.id.length > MAX_FIELD_LENGTH) throw badRequest('The event has no usable fax object');
    return { id: fax.id, from: text(fax.from) ?? '', to: text(fax.to) ?? '', pages: fax.numberOfPages };
  }
  // Faxbot's own shape. Its `file_url` is deliberately NOT fetched (an SSRF in Faxbot).
  const id = text(fields.id) ?? text(fields.fax_id);
  if (!id) return 'ignored';
  return {
    id,
    from: text(fields.from) ?? text(fields.from_number) ?? '',
    to: text(fields.to) ?? text(fields.to_number) ?? '',
    pages: count(fields.num_pages ?? fields.pages),
  };
}

/** `POST /sinch-callback?job_id=` (FAX_COMPLETED) and `POST /sinch-inbound` (INCOMING_FAX). */
export function registerSinchRoutes(app: FastifyInstance, core: GatewayCore): void {
  // Raw bytes for every content type: the HMAC covers the exact body, and multipart is decoded here.
  rawBodyScope(app, MAX_WEBHOOK_BYTES, (scope) => {
    scope.post<{ Querystring: { job_id?: string } }>(
      SINCH_CALLBACK_PATH,
      {
        // Credentials are checked before the body is read.
        onRequest: async (request) => {
          const jobId = typeof request.query.job_id === 'string' ? request.query.job_id : '';
          const creds = basicCredentials(request.headers.authorization);
          const provider = sinchProvider(core);
          if (
            !provider ||
            !jobId ||
            jobId.length > MAX_FIELD_LENGTH ||
            !creds ||
            !provider.callbackCredentialsValid(jobId, creds.user, creds.pass)
          ) {
            throw unauthorized('Invalid callback credentials');
          }
        },
      },
      async (request) => {
        const jobId = request.query.job_id as string;
        const { fields } = await readWebhook(request.headers['content-type'], rawBody(request));
        if (fields.event !== 'FAX_COMPLETED') return WEBHOOK_IGNORED;
        const fax = parseFax(fields.fax);
        if (!fax) throw badRequest('The event has no usable fax object');
        await applyCallback(core, {
          backend: 'sinch',
          jobId,
          providerId: fax.id,
          // Before the id is recorded, the labels we sent say whose fax it is.
          ownsUnrecorded: (job) => fax.labels[LABEL_JOB] === job.id && fax.labels[LABEL_ATTEMPT] === String(job.attempts),
          update: faxUpdate(fax),
          scheme: 'per-fax-basic',
        });
        return WEBHOOK_OK;
      },
    );

    scope.post(
      SINCH_INBOUND_PATH,
      {
        onRequest: async (request) => {
          await inboundGate(core);
          const { basic, hmacSecret } = await inboundAuth(core);
          if (!basic && !hmacSecret) {
            throw unauthorized(
              'Sinch inbound is not configured: set SINCH_INBOUND_BASIC_USER and SINCH_INBOUND_BASIC_PASS, and use https://user:pass@<public host>/sinch-inbound as the Sinch service incoming webhook URL.',
            );
          }
          const creds = basicCredentials(request.headers.authorization);
          if (basic && !(creds && sameSecret(`${creds.user}:${creds.pass}`, `${basic.user}:${basic.pass}`)))
            throw unauthorized('Invalid basic auth');
        },
      },
      async (request) => {
        const raw = rawBody(request);
        const { hmacSecret } = await inboundAuth(core);
        if (hmacSecret) {
          const signature = cleanHeader(request.headers['x-sinch-signature'] as string | undefined)?.toLowerCase();
          const expected = createHmac('sha256', hmacSecret).update(raw).digest('hex');
          if (!signature || !safeEqual(signature, expected)) throw unauthorized('Invalid signature');
        }
        const hook = await readWebhook(request.headers['content-type'], raw);
        const fax = inboundFax(hook.fields);
        if (fax === 'ignored') return WEBHOOK_IGNORED;
        const pdf = isPdf(hook.file) ? hook.file : await documentFromSinch(core, fax.id);
        await storeInbound(
          core,
          { backend: 'sinch', providerId: fax.id, from: fax.from, to: fax.to, pages: fax.pages, pdf },
          hmacSecret ? 'basic+hmac' : 'basic',
        );
        return WEBHOOK_OK;
      },
    );
  });
}
