import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Response } from 'undici';
import type { GatewayCore } from '../../core';
import { verifyPhaxioSignature, type PhaxioVerifyResult, type SignedParams } from '../../security/signatures';
import { AppError, badRequest } from '../../services/errors';
import { applyCallback, inboundGate, isPdf, storeInbound, WEBHOOK_IGNORED, WEBHOOK_OK } from '../webhook';
import { ProviderError } from '../types';
import { ATTEMPT_TAG, JOB_TAG, PHAXIO_CALLBACK_PATH, PHAXIO_INBOUND_PATH, PhaxioProvider } from './provider';
import { faxFromFlatFields, parseFax, toProviderUpdate, type PhaxioFax } from './status';

/** A webhook body as received: raw bytes (Faxbot's scheme signs them), text fields in order, file parts. */
interface WebhookForm {
  raw: Buffer;
  fields: Array<[string, string]>;
  files: Array<{ name: string; bytes: Buffer }>;
}

const MB = 1024 * 1024;
/** The fax object is a few KB; a status callback never needs more. */
const CALLBACK_BODY_LIMIT = 1 * MB;
const FORM_TYPES = ['multipart/form-data', 'application/x-www-form-urlencoded'];
/** Inbound also takes the JSON shape Faxbot's webhook documentation shows; Phaxio's callbacks are always forms. */
const INBOUND_TYPES = [...FORM_TYPES, 'application/json'];

const tooLarge = () => new AppError('too_large', 'Request body too large');

/**
 * Buffers the body up to a limit read at request time (the inbound cap follows settings). Past the
 * limit it stops keeping data but lets the rest drain, so the client still reads the 413.
 */
function readBody(payload: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(payload.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        payload.resume();
        reject(tooLarge());
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(badRequest(`Request body aborted (${(error as NodeJS.ErrnoException).code ?? 'error'})`));
    };
    const cleanup = () => {
      payload.off('data', onData);
      payload.off('end', onEnd);
      payload.off('error', onError);
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
  });
}

/**
 * Faxbot's documented JSON shape (`{"fax": {...}}`) as fields: each top-level value as its exact
 * JSON text, so it is signed like the multipart `fax` field it mirrors.
 */
function jsonFields(raw: Buffer): WebhookForm['fields'] {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequest('Malformed JSON body');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The body must be a JSON object');
  return Object.entries(body).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]);
}

async function parseForm(request: FastifyRequest): Promise<WebhookForm> {
  const raw = request.body;
  if (!Buffer.isBuffer(raw))
    throw new AppError('unsupported_type', 'Send multipart/form-data, application/x-www-form-urlencoded or application/json');
  const contentType = String(request.headers['content-type'] ?? '');
  if (/^application\/x-www-form-urlencoded/i.test(contentType)) {
    return { raw, fields: [...new URLSearchParams(raw.toString('utf8'))], files: [] };
  }
  if (/^application\/json/i.test(contentType)) return { raw, fields: jsonFields(raw), files: [] };
  let form: Awaited<ReturnType<Response['formData']>>;
  try {
    const { Response } = await import('undici');
    form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw badRequest('Malformed multipart body');
  }
  const fields: WebhookForm['fields'] = [];
  const files: WebhookForm['files'] = [];
  for (const [name, value] of form) {
    if (typeof value === 'string') fields.push([name, value]);
    else files.push({ name, bytes: Buffer.from(await value.arrayBuffer()) });
  }
  return { raw, fields, files };
}

/** `fax` as Phaxio v2.1 sends it (a JSON string), else Faxbot's flat `fax[...]` keys. */
function faxOf(form: WebhookForm): PhaxioFax | null {
  const json = form.fields.find(([name]) => name === 'fax')?.[1];
  if (json !== undefined) {
    try {
      return parseFax(JSON.parse(json));
    } catch {
      return null;
    }
  }
  return faxFromFlatFields(new Map(form.fields));
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Phaxio signs the URL exactly as it was given to it (providers.md §1.8), which this gateway never
 * sees directly behind a tunnel or proxy: each candidate is rebuilt from what was configured.
 */
async function verify(core: GatewayCore, request: FastifyRequest, form: WebhookForm, urls: readonly string[]): Promise<PhaxioVerifyResult> {
  const [callbackToken, apiSecret] = await Promise.all([
    core.settings.secret('phaxio.callbackToken'),
    core.settings.secret('phaxio.apiSecret'),
  ]);
  const params: Record<string, string[]> = {};
  for (const [name, value] of form.fields) (params[name] ??= []).push(value);
  const input = {
    // Faxbot's clients sent X-Phaxio-Signature-SHA256 for its HMAC-SHA256 scheme.
    header: headerValue(request.headers['x-phaxio-signature']) ?? headerValue(request.headers['x-phaxio-signature-sha256']),
    params: params as SignedParams,
    files: form.files,
    rawBody: form.raw,
    callbackToken: callbackToken ?? undefined,
    apiSecret: apiSecret ?? undefined,
  };
  let verdict: PhaxioVerifyResult = { ok: false, reason: 'no URL to verify against' };
  // With no known URL only Faxbot's URL-less scheme can still match.
  for (const url of urls.length ? urls : ['']) {
    verdict = verifyPhaxioSignature({ ...input, url });
    if (verdict.ok) return verdict;
  }
  return verdict;
}

function callbackUrls(core: GatewayCore, requestUrl: string): string[] {
  const urls = new Set<string>();
  const base = core.publicUrl();
  if (base) urls.add(base + requestUrl);
  // PHAXIO_CALLBACK_URL (+ job_id): a proxy may rewrite the path, never the query we added.
  const configured = core.settings.current.phaxio.callbackUrl;
  const query = requestUrl.indexOf('?');
  if (configured) urls.add(configured.split('?')[0] + (query >= 0 ? requestUrl.slice(query) : ''));
  return [...urls];
}

function reject(core: GatewayCore, reply: FastifyReply, path: string, reason: string): FastifyReply {
  core.audit.record('provider_callback_rejected', { backend: 'phaxio', path, reason: reason.replace(/\W+/g, '_') });
  return reply.code(401).send({ detail: 'Invalid Phaxio signature' });
}

/**
 * A scope whose form bodies arrive as raw bytes, so signatures can be checked over them. Unlike
 * http/raw-body-scope, the bound is read per request: inbound faxes may be as large as the current
 * MAX_FILE_SIZE_MB setting allows.
 */
function webhookScope(app: FastifyInstance, types: string[], limit: () => number, routes: (scope: FastifyInstance) => void): void {
  void app.register(async (scope) => {
    // @fastify/multipart's streaming parser would consume the body before we can hash it.
    if (scope.hasContentTypeParser('multipart/form-data')) scope.removeContentTypeParser('multipart/form-data');
    scope.addContentTypeParser(types, (_request: FastifyRequest, payload: IncomingMessage) => readBody(payload, limit()));
    routes(scope);
  });
}

export function registerPhaxioRoutes(app: FastifyInstance, core: GatewayCore): void {
  webhookScope(
    app,
    FORM_TYPES,
    () => CALLBACK_BODY_LIMIT,
    (scope) =>
      scope.post<{ Querystring: { job_id?: string | string[] } }>(PHAXIO_CALLBACK_PATH, async (request, reply) => {
        const form = await parseForm(request);
        let scheme = 'unverified';
        if (core.settings.current.phaxio.verifySignature) {
          const verdict = await verify(core, request, form, callbackUrls(core, request.url));
          if (!verdict.ok) return reject(core, reply, PHAXIO_CALLBACK_PATH, verdict.reason);
          scheme = verdict.scheme;
        }
        const fax = faxOf(form);
        if (!fax) throw badRequest('The callback carries no Phaxio fax object');
        await applyCallback(core, {
          backend: 'phaxio',
          jobId: typeof request.query.job_id === 'string' ? request.query.job_id : null,
          providerId: fax.id,
          // Before the id is recorded (a callback racing the submit answer), the tags we sent decide.
          ownsUnrecorded: (job) => fax.tags[JOB_TAG] === job.id && fax.tags[ATTEMPT_TAG] === String(job.attempts),
          update: toProviderUpdate(fax),
          scheme,
        });
        return WEBHOOK_OK;
      }),
  );

  const inboundLimit = () => core.settings.current.maxFileSizeMb * 2 * MB;
  webhookScope(
    app,
    INBOUND_TYPES,
    // The fax object and other fields ride along with the PDF.
    () => inboundLimit() + CALLBACK_BODY_LIMIT,
    (scope) => {
      scope.addHook('onRequest', () => inboundGate(core));
      scope.post(PHAXIO_INBOUND_PATH, async (request, reply) => {
        const form = await parseForm(request);
        let scheme = 'unverified';
        if (core.settings.current.phaxio.inboundVerifySignature) {
          const base = core.publicUrl();
          const verdict = await verify(core, request, form, base ? [base + request.url] : []);
          if (!verdict.ok) return reject(core, reply, PHAXIO_INBOUND_PATH, verdict.reason);
          scheme = verdict.scheme;
        }
        const fax = faxOf(form);
        if (!fax) throw badRequest('The webhook carries no Phaxio fax object');
        if (fax.direction !== null && fax.direction !== 'received') return WEBHOOK_IGNORED;
        // Faxbot fetched a file_url from the body with our credentials (SSRF). The PDF comes inline;
        // failing that, from Phaxio's own API for this fax id, never from a URL in the request.
        let pdf = form.files.find((f) => f.name === 'file')?.bytes;
        if (!pdf) {
          const provider = core.providers.forBackend('phaxio');
          if (!(provider instanceof PhaxioProvider)) throw new AppError('unavailable', 'Phaxio is not configured');
          try {
            pdf = await provider.downloadFile(fax.id, inboundLimit(), AbortSignal.timeout(30_000));
          } catch (error) {
            core.log(`phaxio inbound ${fax.id}: document download failed: ${error instanceof ProviderError ? error.message : 'error'}`);
            throw new AppError('unavailable', 'Could not fetch the fax document from Phaxio; retry later');
          }
        }
        if (pdf.length > inboundLimit()) throw tooLarge();
        if (!isPdf(pdf)) throw badRequest('The inbound document is not a PDF');
        await storeInbound(
          core,
          {
            backend: 'phaxio',
            providerId: fax.id,
            from: fax.fromNumber ?? 'unknown',
            to: fax.toNumber ?? 'unknown',
            pages: fax.numPages,
            pdf,
          },
          scheme,
        );
        return WEBHOOK_OK;
      });
    },
  );
}
