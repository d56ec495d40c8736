// Faithful loopback emulator of the Sinch Fax API v3 and its OAuth2 token endpoint, written from
// /work/shared/reference/providers.md §2 (section numbers below refer to it).
import { createHmac, randomBytes } from 'node:crypto';
import {
  CallbackDeliverer,
  Clock,
  DEFAULT_RETRY_SCHEDULE_MS,
  E164,
  FaultPlan,
  HttpError,
  Lifetime,
  basicCredentials,
  fetchContent,
  fieldValue,
  fieldValues,
  mergePdfs,
  parseBody,
  pdfPageCount,
  scriptedOutcome,
  startLoopbackServer,
  waitFor,
  type ApiRequest,
  type CallOutcome,
  type CallbackPayload,
  type DeliveredCallback,
  type FetchOutcome,
  type Misbehaviour,
  type ParsedForm,
  type Reply,
} from './common';

export type SinchFaxStatus = 'QUEUED' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILURE';
export type SinchCallbackContentType = 'multipart/form-data' | 'application/json';

/** The v3 Fax object (npm @sinch/fax 1.4.0 `fax.d.ts`, §2.4); unset optional fields are omitted. */
export interface SinchFax {
  id: string;
  direction: 'OUTBOUND' | 'INBOUND';
  from?: string;
  to: string;
  contentUrl?: string | string[];
  numberOfPages: number;
  status: SinchFaxStatus;
  price?: { currencyCode: string; amount: string };
  barCodes: unknown[];
  createTime: string;
  completedTime?: string;
  pagesSentSuccessfully?: number;
  headerText?: string;
  headerPageNumbers?: boolean;
  headerTimeZone?: string;
  retryDelaySeconds?: number;
  maxRetries?: number;
  retryCount?: number;
  labels?: Record<string, string>;
  callbackUrl?: string;
  callbackUrlContentType?: SinchCallbackContentType;
  imageConversionMethod?: string;
  resolution?: string;
  errorType?: string;
  errorCode?: number;
  errorMessage?: string;
  /** A string, not a boolean, in the real API. */
  hasFile: 'true' | 'false';
  coverPageId?: string;
  coverPageData?: Record<string, string>;
  projectId: string;
  serviceId: string;
}

interface SinchError {
  errorType: string;
  errorCode: number;
  errorMessage: string;
}

/** Errors the emulator produces (codes and labels from @sinch/fax 1.4.0 `models/v3/errors`). */
export const SINCH_ERRORS = {
  busy: { errorType: 'CALL_ERROR', errorCode: 17, errorMessage: 'Busy' },
  noAnswer: { errorType: 'CALL_ERROR', errorCode: 30, errorMessage: 'No answer from a fax machine.' },
  notOperational: { errorType: 'CALL_ERROR', errorCode: 34, errorMessage: 'Phone number not operational' },
  contentUrlUnreachable: { errorType: 'DOCUMENT_CONVERSION_ERROR', errorCode: 54, errorMessage: 'Could not access the url you provided.' },
  conversionFailed: {
    errorType: 'DOCUMENT_CONVERSION_ERROR',
    errorCode: 4,
    errorMessage: 'There was a problem in converting and merging files to the output file format. Contact support.',
  },
} as const satisfies Record<string, SinchError>;

/** Documented always-succeeds test number (§2.3). No magic suffix matches it. */
export const SINCH_TEST_NUMBER = '+19898989898';

/** One fax the emulator holds, with what the client submitted, for assertions. */
export interface EmulatedSinchFax {
  /** Live Fax object, exactly what GET …/faxes/{id} returns. */
  fax: SinchFax;
  /** callbackUrl exactly as submitted (the fax object shows it masked). */
  callbackUrl: string | null;
  /** How the send request arrived. */
  requestEncoding: 'multipart' | 'json';
  /** The converted PDF (or the received one) until DELETE …/file. */
  document: Buffer | null;
  /** Content of the whole send request (shared by every fax of a several-`to` send). */
  batch: SinchSendBatch;
}

export interface SinchSendBatch {
  contentUrls: string[];
  uploads: Buffer[];
  contentFetches: FetchOutcome[];
}

export interface SinchEmulatorOptions {
  keyId: string;
  keySecret: string;
  projectId: string;
  /** The service's incomingWebhookUrl (§2.5); may embed user:pass@. */
  incomingWebhookUrl?: string;
  /** The service's webhookContentType. Default multipart/form-data. */
  webhookContentType?: SinchCallbackContentType;
  serviceId?: string;
  /** OAuth token lifetime. Default 3600 s. */
  tokenTtlSeconds?: number;
  /** Delay between state transitions (and between internal retries). Default 20 ms. */
  stepDelayMs?: number;
  /** Compressed webhook retry schedule (ms). Default DEFAULT_RETRY_SCHEDULE_MS. */
  retrySchedule?: readonly number[];
}

export type SinchMisbehaviour = Exclude<Misbehaviour, { kind: 'badSignature' }>;

export interface SinchEmulator {
  /** Fax API base, e.g. http://127.0.0.1:PORT/v3 (the SDK's faxHostname is its origin). */
  url: string;
  /** OAuth base: the token endpoint is `${authUrl}/oauth2/token` (the SDK's authHostname). */
  authUrl: string;
  close(): Promise<void>;
  faxes(): EmulatedSinchFax[];
  callbacksSent(): DeliveredCallback[];
  misbehave(m: SinchMisbehaviour): void;
  /** Posts INCOMING_FAX to `url` or the service's incomingWebhookUrl, Basic auth if the URL has it. */
  sendInbound(opts: {
    from: string;
    to: string;
    pdf: Uint8Array;
    url?: string;
    contentType?: SinchCallbackContentType;
  }): Promise<{ status: number | null; id: string }>;
  waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void>;
  /** Moves the emulator's clock (token expiry, timestamps). */
  advanceClock(ms: number): void;
  tokensIssued(): number;
  errors(): Error[];
}

const CONTENT_TYPES: readonly string[] = ['multipart/form-data', 'application/json'];
const FILE_TYPES: readonly string[] = ['DOCX', 'PDF', 'TIF', 'JPG', 'TXT', 'HTML', 'PNG'];
const PRICE_PER_PAGE = 0.07;
const TERMINAL: ReadonlySet<SinchFaxStatus> = new Set(['COMPLETED', 'FAILURE']);

// Error bodies from the Error-Messages page (§2.4); 401 has an empty body.
function errorBody(status: number, message: string): Reply {
  const error: Record<number, string> = { 400: 'Bad Request', 404: 'Not found', 422: 'Invalid parameters' };
  return { status, body: { code: String(status), error: error[status] ?? 'Service unavailable', message } };
}

function violations(...v: Array<{ field: string; description: string }>): HttpError {
  return new HttpError({
    status: 422,
    body: { code: '422', error: 'Invalid parameters', message: 'Invalid parameters', details: { fieldViolations: v } },
  });
}

const UNAUTHORIZED: Reply = { status: 401 };

/** ISO UTC without milliseconds, as Sinch prints times. */
function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Callback URLs are masked when read back (§2.6); [UNCONFIRMED] mask format. */
function maskCredentials(url: string): string {
  const u = URL.canParse(url) ? new URL(url) : null;
  if (!u?.password) return url;
  u.password = '*****';
  return u.toString();
}

function base64url(s: string | Buffer): string {
  return Buffer.from(s).toString('base64url');
}

interface SendRequest {
  to: string[];
  from?: string;
  contentUrl?: string | string[];
  contentUrls: string[];
  uploads: Buffer[];
  headerText: string;
  headerPageNumbers: boolean;
  headerTimeZone: string;
  callbackUrl?: string;
  callbackUrlContentType: SinchCallbackContentType;
  retryDelaySeconds: number;
  maxRetries: number;
  labels: Record<string, string>;
  imageConversionMethod: string;
  resolution: string;
  serviceId?: string;
  coverPageId?: string;
  coverPageData?: Record<string, string>;
}

class SinchService {
  readonly lifetime = new Lifetime();
  readonly clock = new Clock();
  readonly faults = new FaultPlan();
  readonly deliverer: CallbackDeliverer;
  readonly records = new Map<string, EmulatedSinchFax>();
  private readonly tokens = new Map<string, number>(); // token -> exp (unix seconds)
  private readonly jwtKey = randomBytes(32);
  private readonly callsPerNumber = new Map<string, number>();
  private seq = 0;
  private readonly step: number;
  private readonly serviceId: string;

  constructor(private readonly opts: SinchEmulatorOptions) {
    this.deliverer = new CallbackDeliverer(this.lifetime, this.clock, opts.retrySchedule ?? DEFAULT_RETRY_SCHEDULE_MS);
    this.step = opts.stepDelayMs ?? 20;
    this.serviceId = opts.serviceId ?? '01W4FFL35P4NC4K35SERVICE01';
  }

  tokensIssued(): number {
    return this.tokens.size;
  }

  async route(req: ApiRequest): Promise<Reply> {
    const path = req.url.pathname;
    if (path === '/oauth2/token' && req.method === 'POST') return this.issueToken(req);
    const m = /^\/v3\/projects\/([^/]+)\/faxes(?:\/([^/]+)(\/file(?:\.(\w+))?)?)?$/.exec(path);
    if (!m) return errorBody(404, 'Not found');
    const denied = this.authorize(req, decodeURIComponent(m[1] ?? ''));
    if (denied) return denied;
    const [, , id, file, format] = m;
    if (!id) {
      if (req.method === 'POST') return this.send(req);
      if (req.method === 'GET') return this.list(req.url.searchParams);
      return errorBody(404, 'Not found');
    }
    const record = this.records.get(id);
    if (!record) return errorBody(404, `Fax ${id} not found`);
    if (!file && req.method === 'GET') return { status: 200, body: record.fax };
    if (file === '/file' && req.method === 'DELETE') {
      record.document = null;
      record.fax.hasFile = 'false';
      return { status: 200, body: {} };
    }
    if (format === 'pdf' && req.method === 'GET') {
      if (!record.document) return errorBody(404, 'File not found');
      return {
        status: 200,
        headers: { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${id}.pdf"` },
        body: record.document,
      };
    }
    return errorBody(404, 'Not found');
  }

  /** OAuth2 client credentials (§2.2): Basic keyId:keySecret, form grant_type=client_credentials. */
  private issueToken(req: ApiRequest): Reply {
    const parsed = parseBody(req, (msg) => new HttpError({ status: 400, body: { error: 'invalid_request', error_description: msg } }));
    const form: ParsedForm = parsed.kind === 'form' ? parsed.form : { fields: [], files: [] };
    const basic = basicCredentials(req.headers);
    const clientId = basic?.user ?? fieldValue(form, 'client_id');
    const clientSecret = basic?.pass ?? fieldValue(form, 'client_secret');
    if (clientId !== this.opts.keyId || clientSecret !== this.opts.keySecret) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'Bad client credentials' } };
    }
    if (fieldValue(form, 'grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
    const ttl = this.opts.tokenTtlSeconds ?? 3600;
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    const claims = {
      iss: 'https://auth.sinch.com',
      sub: this.opts.keyId,
      aud: 'fax',
      iat,
      exp: iat + ttl,
      jti: randomBytes(8).toString('hex'),
    };
    const unsigned = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
    const token = `${unsigned}.${base64url(createHmac('sha256', this.jwtKey).update(unsigned).digest())}`;
    this.tokens.set(token, claims.exp);
    return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: ttl, scope: '' } };
  }

  /** Basic keyId:keySecret or a live bearer token, for this project only; 401 otherwise. */
  private authorize(req: ApiRequest, projectId: string): Reply | null {
    if (projectId !== this.opts.projectId) return UNAUTHORIZED;
    const basic = basicCredentials(req.headers);
    if (basic) return basic.user === this.opts.keyId && basic.pass === this.opts.keySecret ? null : UNAUTHORIZED;
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const exp = bearer ? this.tokens.get(bearer) : undefined;
    if (exp === undefined) return UNAUTHORIZED;
    if (exp * 1000 > this.clock.now().getTime()) return null;
    // The Sinch SDK refreshes its token when a 401 carries "expired" in WWW-Authenticate.
    return { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token", error_description="Jwt expired"' } };
  }

  private send(req: ApiRequest): Reply {
    const parsed = parseBody(req, (msg) => new HttpError(errorBody(400, msg)));
    let input: SendRequest;
    if (parsed.kind === 'form') input = this.fromForm(parsed.form);
    else if (parsed.kind === 'json') input = this.fromJson(parsed.json);
    else throw new HttpError(errorBody(400, 'Expected a multipart/form-data or application/json body'));
    this.validate(input);

    const batch: SinchSendBatch = { contentUrls: input.contentUrls, uploads: input.uploads, contentFetches: [] };
    const now = iso(this.clock.now());
    const records = input.to.map((to): EmulatedSinchFax => {
      this.seq += 1;
      const fax: SinchFax = {
        id: `01W4FFL35P4NC4K35URL${String(this.seq).padStart(6, '0')}`,
        direction: 'OUTBOUND',
        ...(input.from ? { from: input.from } : {}),
        to,
        ...(input.contentUrl !== undefined ? { contentUrl: input.contentUrl } : {}),
        numberOfPages: 0,
        status: 'QUEUED',
        barCodes: [],
        createTime: now,
        headerText: input.headerText,
        headerPageNumbers: input.headerPageNumbers,
        headerTimeZone: input.headerTimeZone,
        retryDelaySeconds: input.retryDelaySeconds,
        maxRetries: input.maxRetries,
        retryCount: 0,
        labels: input.labels,
        ...(input.callbackUrl ? { callbackUrl: maskCredentials(input.callbackUrl) } : {}),
        callbackUrlContentType: input.callbackUrlContentType,
        imageConversionMethod: input.imageConversionMethod,
        resolution: input.resolution,
        hasFile: 'false',
        ...(input.coverPageId ? { coverPageId: input.coverPageId } : {}),
        ...(input.coverPageData ? { coverPageData: input.coverPageData } : {}),
        projectId: this.opts.projectId,
        serviceId: input.serviceId ?? this.serviceId,
      };
      const record: EmulatedSinchFax = {
        fax,
        callbackUrl: input.callbackUrl ?? null,
        requestEncoding: parsed.kind === 'json' ? 'json' : 'multipart',
        document: null,
        batch,
      };
      this.records.set(fax.id, record);
      return record;
    });
    this.lifetime.run(() => this.progress(records, batch));
    const faxes = records.map((r) => structuredClone(r.fax));
    // One `to` gives a Fax, several give a FaxList (SDK comment, §2.3).
    return { status: 200, body: faxes.length === 1 ? faxes[0] : { faxes } };
  }

  private fromForm(form: ParsedForm): SendRequest {
    const labels: Record<string, string> = {};
    const labelsJson = fieldValue(form, 'labels');
    if (labelsJson !== undefined) {
      // Lenient: a JSON object string; anything else (e.g. "[object Object]") is ignored.
      try {
        Object.assign(labels, JSON.parse(labelsJson) as Record<string, string>);
      } catch {
        /* not JSON: ignored */
      }
    }
    for (const [name, value] of form.fields) {
      const l = /^labels\[(.+)\]$/.exec(name);
      if (l?.[1]) labels[l[1]] = value;
    }
    // Several content URLs come comma-separated in one multipart field (§2.3).
    const contentUrls = fieldValues(form, ['contentUrl', 'contentUrl[]']).flatMap((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
    const bool = (name: string, dflt: boolean) => (fieldValue(form, name) ?? String(dflt)) === 'true';
    const int = (name: string, dflt: number) => Number(fieldValue(form, name) ?? dflt);
    return {
      to: fieldValues(form, ['to', 'to[]']),
      ...(fieldValue(form, 'from') ? { from: fieldValue(form, 'from') } : {}),
      ...(contentUrls.length ? { contentUrl: contentUrls.length === 1 ? contentUrls[0] : contentUrls } : {}),
      contentUrls,
      uploads: form.files.filter((f) => f.name === 'file' || f.name === 'file[]').map((f) => f.data),
      headerText: fieldValue(form, 'headerText') ?? '',
      headerPageNumbers: bool('headerPageNumbers', true),
      headerTimeZone: fieldValue(form, 'headerTimeZone') ?? 'America/New_York',
      ...(fieldValue(form, 'callbackUrl') ? { callbackUrl: fieldValue(form, 'callbackUrl') } : {}),
      callbackUrlContentType: (fieldValue(form, 'callbackUrlContentType') ?? 'multipart/form-data') as SinchCallbackContentType,
      retryDelaySeconds: int('retryDelaySeconds', 60),
      maxRetries: int('maxRetries', 0),
      labels,
      imageConversionMethod: fieldValue(form, 'imageConversionMethod') ?? 'HALFTONE',
      resolution: fieldValue(form, 'resolution') ?? 'FINE',
      ...(fieldValue(form, 'serviceId') ? { serviceId: fieldValue(form, 'serviceId') } : {}),
      ...(fieldValue(form, 'coverPageId') ? { coverPageId: fieldValue(form, 'coverPageId') } : {}),
    };
  }

  private fromJson(json: unknown): SendRequest {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new HttpError(errorBody(400, 'Body must be a JSON object'));
    const b = json as Record<string, unknown>;
    const strings = (v: unknown, field: string): string[] => {
      if (v === undefined) return [];
      const list = Array.isArray(v) ? v : [v];
      if (!list.every((s): s is string => typeof s === 'string'))
        throw violations({ field, description: `${field} must be a string or an array of strings` });
      return list;
    };
    const files = b.files === undefined ? [] : b.files;
    if (!Array.isArray(files)) throw violations({ field: 'files', description: 'files must be an array' });
    const uploads = files.map((f: unknown, i) => {
      const file = f as { file?: unknown; fileType?: unknown };
      if (typeof file.file !== 'string') throw violations({ field: `files[${i}].file`, description: 'file must be base64 content' });
      if (typeof file.fileType !== 'string' || !FILE_TYPES.includes(file.fileType)) {
        throw violations({ field: `files[${i}].fileType`, description: `fileType must be one of ${FILE_TYPES.join(', ')}` });
      }
      return Buffer.from(file.file, 'base64');
    });
    const labels = b.labels ?? {};
    if (typeof labels !== 'object' || labels === null || Object.values(labels).some((v) => typeof v !== 'string')) {
      throw violations({ field: 'labels', description: 'labels must be a map of strings' });
    }
    const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : undefined);
    return {
      to: strings(b.to, 'to'),
      ...(str('from') ? { from: str('from') } : {}),
      ...(b.contentUrl !== undefined ? { contentUrl: b.contentUrl as string | string[] } : {}),
      contentUrls: strings(b.contentUrl, 'contentUrl'),
      uploads,
      headerText: str('headerText') ?? '',
      headerPageNumbers: b.headerPageNumbers !== false,
      headerTimeZone: str('headerTimeZone') ?? 'America/New_York',
      ...(str('callbackUrl') ? { callbackUrl: str('callbackUrl') } : {}),
      callbackUrlContentType: (str('callbackUrlContentType') ?? 'multipart/form-data') as SinchCallbackContentType,
      retryDelaySeconds: Number(b.retryDelaySeconds ?? 60),
      maxRetries: Number(b.maxRetries ?? 0),
      labels: labels as Record<string, string>,
      imageConversionMethod: str('imageConversionMethod') ?? 'HALFTONE',
      resolution: str('resolution') ?? 'FINE',
      ...(str('serviceId') ? { serviceId: str('serviceId') } : {}),
      ...(str('coverPageId') ? { coverPageId: str('coverPageId') } : {}),
      ...(typeof b.coverPageData === 'object' && b.coverPageData !== null
        ? { coverPageData: b.coverPageData as Record<string, string> }
        : {}),
    };
  }

  private validate(input: SendRequest): void {
    if (input.to.length === 0) throw violations({ field: 'to', description: 'to is required' });
    const bad = input.to.find((n) => !E164.test(n));
    if (bad !== undefined) throw violations({ field: 'to', description: `The (${bad}) is not a valid phone number` });
    if (input.uploads.length === 0 && input.contentUrls.length === 0) {
      throw violations({ field: 'file', description: 'At least one file or contentUrl is required' });
    }
    if (input.callbackUrl !== undefined && !URL.canParse(input.callbackUrl)) {
      throw violations({ field: 'callbackUrl', description: 'callbackUrl must be a valid URL' });
    }
    if (!CONTENT_TYPES.includes(input.callbackUrlContentType)) {
      throw violations({
        field: 'callbackUrlContentType',
        description: `callbackUrlContentType must be one of ${CONTENT_TYPES.join(', ')}`,
      });
    }
    if (!(Number.isInteger(input.maxRetries) && input.maxRetries >= 0 && input.maxRetries <= 5)) {
      throw violations({ field: 'maxRetries', description: 'maxRetries must be between 0 and 5' });
    }
  }

  private async progress(records: EmulatedSinchFax[], batch: SinchSendBatch): Promise<void> {
    await this.lifetime.sleep(this.step);
    const delay = batch.contentUrls.length > 0 ? this.faults.take('contentFetchDelay') : undefined;
    if (delay) await this.lifetime.sleep(delay.ms);
    // URL content comes before files (§2.3); one fetch per send request, shared by its faxes.
    for (const url of batch.contentUrls) {
      const fetched = await fetchContent(url, this.lifetime);
      batch.contentFetches.push(fetched);
      if (!fetched.ok) {
        const error = { ...SINCH_ERRORS.contentUrlUnreachable, errorMessage: `${SINCH_ERRORS.contentUrlUnreachable.errorMessage} ${url}` };
        await Promise.all(records.map((r) => this.finish(r, error)));
        return;
      }
    }
    const merged = await mergePdfs([...batch.contentFetches.map((c) => c.bytes), ...batch.uploads]);
    if (!merged) {
      await Promise.all(records.map((r) => this.finish(r, SINCH_ERRORS.conversionFailed)));
      return;
    }
    await Promise.all(records.map((r) => this.transmit(r, merged.pdf, merged.pages)));
  }

  /** One fax's calls, with the provider's own retries on busy/no answer up to maxRetries. */
  private async transmit(record: EmulatedSinchFax, pdf: Buffer, pages: number): Promise<void> {
    const fax = record.fax;
    record.document = pdf;
    Object.assign(fax, { status: 'IN_PROGRESS', numberOfPages: pages, hasFile: 'true' });
    const inProgressSnapshot = JSON.stringify(fax);
    for (;;) {
      await this.lifetime.sleep(this.step);
      const prior = this.callsPerNumber.get(fax.to) ?? 0;
      this.callsPerNumber.set(fax.to, prior + 1);
      const outcome: CallOutcome = scriptedOutcome(fax.to, prior);
      const retryable = outcome === 'busy' || outcome === 'noAnswer';
      if (retryable && (fax.retryCount ?? 0) < (fax.maxRetries ?? 0)) {
        fax.retryCount = (fax.retryCount ?? 0) + 1;
        continue;
      }
      return this.finish(record, outcome === 'success' ? null : SINCH_ERRORS[outcome], inProgressSnapshot);
    }
  }

  private async finish(record: EmulatedSinchFax, error: SinchError | null, inProgressSnapshot?: string): Promise<void> {
    const fax = record.fax;
    if (TERMINAL.has(fax.status)) return;
    fax.status = error ? 'FAILURE' : 'COMPLETED';
    fax.completedTime = iso(this.clock.now());
    fax.pagesSentSuccessfully = error ? 0 : fax.numberOfPages;
    fax.price = { currencyCode: 'USD', amount: (fax.pagesSentSuccessfully * PRICE_PER_PAGE).toFixed(3) };
    if (error) Object.assign(fax, error);
    const url = record.callbackUrl;
    if (url === null) return;
    const contentType = fax.callbackUrlContentType ?? 'multipart/form-data';
    const completed = this.event('FAX_COMPLETED', JSON.stringify(fax), record.document, contentType);
    await this.deliverer.deliver(url, completed, 'original');
    if (this.faults.take('duplicateCallback')) await this.deliverer.deliver(url, completed, 'duplicate');
    if (inProgressSnapshot && this.faults.take('staleCallbackAfterTerminal')) {
      await this.deliverer.deliver(url, this.event('FAX_COMPLETED', inProgressSnapshot, null, contentType), 'stale');
    }
  }

  /** A webhook in the requested content type (§2.6); no signature header exists for Sinch. */
  private event(event: string, faxJson: string, pdf: Buffer | null, contentType: SinchCallbackContentType): CallbackPayload {
    const eventTime = iso(this.clock.now());
    const faxId = (JSON.parse(faxJson) as SinchFax).id;
    if (contentType === 'application/json') {
      const json = {
        event,
        eventTime,
        fax: JSON.parse(faxJson) as SinchFax,
        ...(pdf ? { file: pdf.toString('base64'), fileType: 'PDF' } : {}),
      };
      return { event, faxId, encoding: 'json', fields: [], files: [], json, headers: {} };
    }
    return {
      event,
      faxId,
      encoding: 'multipart',
      fields: [
        ['event', event],
        ['eventTime', eventTime],
        ['fax', faxJson],
      ],
      files: pdf ? [{ name: 'file', filename: `${faxId}.pdf`, contentType: 'application/pdf', data: pdf }] : [],
      headers: {},
    };
  }

  private list(q: URLSearchParams): Reply {
    const labelFilters = [...q].flatMap(([k, v]) => {
      const l = /^labels\[(.+)\]$/.exec(k);
      return l?.[1] ? [[l[1], v] as const] : [];
    });
    const matches = [...this.records.values()]
      .map((r) => r.fax)
      .filter(
        (f) =>
          (['direction', 'status', 'to', 'from', 'serviceId'] as const).every((k) => !q.get(k) || f[k] === q.get(k)) &&
          labelFilters.every(([k, v]) => f.labels?.[k] === v),
      )
      .sort((a, b) => (a.id < b.id ? 1 : -1));
    const pageSize = Math.min(Math.max(Number(q.get('pageSize') ?? 20) || 20, 1), 1000);
    const page = Math.max(Number(q.get('page') ?? 1) || 1, 1);
    // [UNCONFIRMED] envelope field names besides `faxes`; the SDK pages on page/totalPages.
    return {
      status: 200,
      body: {
        faxes: matches.slice((page - 1) * pageSize, page * pageSize),
        totalItems: matches.length,
        pageSize,
        page,
        totalPages: Math.ceil(matches.length / pageSize),
      },
    };
  }

  async receive(opts: {
    from: string;
    to: string;
    pdf: Uint8Array;
    url?: string;
    contentType?: SinchCallbackContentType;
  }): Promise<{ status: number | null; id: string }> {
    const url = opts.url ?? this.opts.incomingWebhookUrl;
    if (!url) throw new Error('sendInbound: no url given and no incomingWebhookUrl configured');
    const pages = await pdfPageCount(opts.pdf);
    const now = iso(this.clock.now());
    this.seq += 1;
    const fax: SinchFax = {
      id: `01W4FFL35P4NC4K35URL${String(this.seq).padStart(6, '0')}`,
      direction: 'INBOUND',
      from: opts.from,
      to: opts.to,
      numberOfPages: pages,
      status: 'COMPLETED',
      price: { currencyCode: 'USD', amount: (pages * PRICE_PER_PAGE).toFixed(3) },
      barCodes: [],
      createTime: now,
      completedTime: now,
      hasFile: 'true',
      projectId: this.opts.projectId,
      serviceId: this.serviceId,
    };
    const document = Buffer.from(opts.pdf);
    this.records.set(fax.id, {
      fax,
      callbackUrl: null,
      requestEncoding: 'multipart',
      document,
      batch: { contentUrls: [], uploads: [], contentFetches: [] },
    });
    const contentType = opts.contentType ?? this.opts.webhookContentType ?? 'multipart/form-data';
    const status = await this.deliverer.deliver(url, this.event('INCOMING_FAX', JSON.stringify(fax), document, contentType), 'original');
    return { status, id: fax.id };
  }
}

export async function startSinchEmulator(opts: SinchEmulatorOptions): Promise<SinchEmulator> {
  const service = new SinchService(opts);
  const server = await startLoopbackServer(service.lifetime, service.faults, errorBody, (req) => service.route(req));
  return {
    url: `${server.origin}/v3`,
    authUrl: server.origin,
    close: () => server.close(),
    faxes: () => [...service.records.values()],
    callbacksSent: () => service.deliverer.sent(),
    misbehave: (m) => service.faults.arm(m),
    sendInbound: (o) => service.receive(o),
    waitFor: (predicate, timeoutMs) => waitFor(predicate, timeoutMs),
    advanceClock: (ms) => service.clock.advance(ms),
    tokensIssued: () => service.tokensIssued(),
    errors: () => service.lifetime.errors(),
  };
}
