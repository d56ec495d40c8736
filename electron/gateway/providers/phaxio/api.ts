import type { FormData } from 'undici';
import { ProviderError } from '../types';
import { scrubNumbers } from '../../../../shared/phone';

export interface PhaxioCredentials {
  /** API root including the version, e.g. https://api.phaxio.com/v2.1 (PHAXIO_BASE_URL). */
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
}

type Query = ReadonlyArray<readonly [string, string]>;

/** Connection failures that prove the request never left this machine (safe to send again). */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

const MAX_JSON_BYTES = 4 * 1024 * 1024;

function errorCode(error: unknown): string {
  const e = error as { code?: unknown; cause?: { code?: unknown }; name?: unknown };
  return String(e.code ?? e.cause?.code ?? e.name ?? 'error');
}

/** Words for a Phaxio error answer, with anything number-like removed. */
function phaxioSaid(body: unknown): string {
  const message = (body as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message.trim() ? scrubNumbers(message) : '';
}

/** Phaxio answered with an HTTP error; `status` lets callers tell "no such fax" apart. */
export class PhaxioHttpError extends ProviderError {
  constructor(
    message: string,
    failureClass: ProviderError['failureClass'],
    readonly status: number,
  ) {
    super(message, failureClass);
  }
}

/**
 * HTTP status → failure class (providers.md §1.5). Only "the provider answered no" reaches here,
 * so none of these are maybeAccepted.
 */
function httpError(status: number, body: unknown): PhaxioHttpError {
  const said = phaxioSaid(body).replace(/\.$/, '');
  const suffix = said ? `: ${said}.` : '.';
  if (status === 401 || status === 403) return new PhaxioHttpError('Phaxio rejected the API key/secret.', 'auth', status);
  if (status === 429) return new PhaxioHttpError('Phaxio is limiting requests right now.', 'provider_unavailable', status);
  if (status >= 500) return new PhaxioHttpError(`Phaxio is unavailable (HTTP ${status}).`, 'provider_unavailable', status);
  if (status === 422 && /number|recipient|phone/i.test(said))
    return new PhaxioHttpError(`Phaxio refused the fax number${suffix}`, 'invalid_number', status);
  return new PhaxioHttpError(`Phaxio refused the request (HTTP ${status})${suffix}`, 'rejected', status);
}

/** Phaxio's REST API with HTTP Basic auth (providers.md §1.1). Every answer is checked for `success`. */
export class PhaxioApi {
  private readonly root: string;
  private readonly authorization: string;

  constructor(readonly credentials: PhaxioCredentials) {
    this.root = credentials.baseUrl.replace(/\/+$/, '');
    this.authorization = `Basic ${Buffer.from(`${credentials.apiKey}:${credentials.apiSecret}`).toString('base64')}`;
  }

  /** The JSON `data` of a successful answer; ProviderError otherwise. */
  async json(method: 'GET' | 'POST', path: string, options: { query?: Query; form?: FormData; signal: AbortSignal }): Promise<unknown> {
    const res = await this.send(method, path, options);
    const raw = await this.readBody(res.body, MAX_JSON_BYTES, method === 'POST');
    let body: unknown = null;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      // A non-JSON answer: the status code still tells what happened.
    }
    if (res.statusCode >= 400) throw httpError(res.statusCode, body);
    if (body === null) {
      // A 2xx we cannot read: after a POST the fax may exist at Phaxio, so reconcile before resending.
      throw new ProviderError('Phaxio answered with something that is not JSON.', 'provider_unavailable', method === 'POST');
    }
    const envelope = body as { success?: unknown; data?: unknown };
    if (envelope.success !== true) {
      const said = phaxioSaid(body);
      throw new ProviderError(`Phaxio refused the request${said ? `: ${said}` : '.'}`, 'rejected');
    }
    return envelope.data;
  }

  /** GET /faxes/{id}/file: the PDF, bounded. */
  async file(faxId: string, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
    const res = await this.send('GET', `/faxes/${encodeURIComponent(faxId)}/file`, { signal });
    if (res.statusCode >= 400) {
      const raw = await this.readBody(res.body, MAX_JSON_BYTES, false);
      let body: unknown = null;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        // not JSON
      }
      throw httpError(res.statusCode, body);
    }
    return this.readBody(res.body, maxBytes, false);
  }

  private async send(method: 'GET' | 'POST', path: string, options: { query?: Query; form?: FormData; signal: AbortSignal }) {
    const query = options.query?.length ? `?${new URLSearchParams(options.query.map(([k, v]) => [k, v])).toString()}` : '';
    try {
      const { request } = await import('undici');
      return await request(`${this.root}${path}${query}`, {
        method,
        headers: { authorization: this.authorization, accept: 'application/json' },
        body: options.form,
        signal: options.signal,
      });
    } catch (error) {
      const code = errorCode(error);
      const sent = !NOT_SENT_CODES.has(code);
      // After the request left, silence is not "no": the fax may exist at Phaxio (reconcile by tag).
      throw new ProviderError(
        sent ? `No answer from Phaxio (${code}).` : `Could not reach Phaxio (${code}).`,
        'provider_unavailable',
        sent && method === 'POST',
        !sent,
      );
    }
  }

  private async readBody(body: AsyncIterable<Buffer>, maxBytes: number, afterPost: boolean): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of body) {
        size += chunk.length;
        if (size > maxBytes)
          throw new ProviderError(`Phaxio's answer is larger than ${maxBytes} bytes.`, 'provider_unavailable', afterPost);
        chunks.push(chunk);
      }
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      throw new ProviderError(`Phaxio's answer was cut off (${errorCode(error)}).`, 'provider_unavailable', afterPost);
    }
    return Buffer.concat(chunks);
  }
}
