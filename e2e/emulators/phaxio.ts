// Faithful loopback emulator of the Phaxio v2/v2.1 fax API, written from
// /work/shared/reference/providers.md §1 (section numbers below refer to it).
import { createHash, createHmac } from 'node:crypto';
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
  type CallbackLabel,
  type CallbackPayload,
  type DeliveredCallback,
  type FetchOutcome,
  type FilePart,
  type Misbehaviour,
  type ParsedForm,
  type Reply,
} from './common';

export type PhaxioStatus = 'queued' | 'pendingbatch' | 'inprogress' | 'success' | 'failure' | 'partialsuccess';
export type PhaxioRecipientStatus = PhaxioStatus | 'ringing' | 'callactive' | 'willretry';

export interface PhaxioRecipient {
  phone_number: string;
  status: PhaxioRecipientStatus | null;
  retry_count: number;
  completed_at: string | null;
  bitrate: number | null;
  resolution: number | null;
  error_type: string | null;
  error_id: number | null;
  error_message: string | null;
}

/** The v2.1 fax object, field for field as in the recorded `GET /faxes/{id}` (§1.3). */
export interface PhaxioFaxObject {
  id: number;
  direction: 'sent' | 'received';
  num_pages: number;
  status: PhaxioStatus;
  is_test: boolean;
  created_at: string;
  caller_id: string | null;
  from_number: string | null;
  completed_at: string | null;
  caller_name: string | null;
  cost: number;
  tags: Record<string, string>;
  recipients: PhaxioRecipient[];
  to_number: string | null;
  error_id: number | null;
  error_type: string | null;
  error_message: string | null;
  barcodes: unknown[];
}

interface PhaxioError {
  type: string;
  id: number | null;
  message: string;
}

/** Errors the emulator produces (§1.3; messages from the shared Phaxio/Sinch error table). */
export const PHAXIO_ERRORS = {
  busy: { type: 'lineError', id: 17, message: 'Busy' },
  noAnswer: { type: 'lineError', id: 30, message: 'No answer from a fax machine.' },
  notOperational: { type: 'lineError', id: 34, message: 'Phone number not operational' },
  contentUrlUnreachable: { type: 'documentConversionError', id: 54, message: 'Could not access the url you provided.' },
  conversionFailed: {
    type: 'documentConversionError',
    id: 4,
    message: 'There was a problem in converting and merging files to the output file format.',
  },
  // [UNCONFIRMED] what a cancelled fax reports.
  canceled: { type: 'generalError', id: null, message: 'Fax canceled by user' },
} as const satisfies Record<string, PhaxioError>;

/** One fax the emulator holds, with what the client submitted, for assertions. */
export interface EmulatedPhaxioFax {
  /** Live fax object, exactly what GET /faxes/{id} returns. */
  fax: PhaxioFaxObject;
  /** The callback_url string exactly as submitted (or the account-level URL). */
  callbackUrl: string | null;
  headerText: string;
  contentUrls: string[];
  uploads: FilePart[];
  contentFetches: FetchOutcome[];
  /** The merged PDF once converted (or the received PDF). */
  document: Buffer | null;
  /** Text fields of the submit request in arrival order. */
  requestFields: Array<[string, string]>;
}

export interface PhaxioEmulatorOptions {
  apiKey: string;
  apiSecret: string;
  /** Webhook token that signs callbacks (§1.8); not the API secret. */
  callbackToken: string;
  /** Account-level receive webhook URL (§1.7). */
  receiveWebhookUrl?: string;
  /** Account-level send webhook URL, used when a fax has no callback_url (§1.6). */
  sendWebhookUrl?: string;
  /** Whether the credentials are test credentials (is_test, test receive). Default false. */
  isTest?: boolean;
  /** Delay between state transitions. Default 20 ms. */
  stepDelayMs?: number;
  /** Compressed webhook retry schedule (ms). Default DEFAULT_RETRY_SCHEDULE_MS. */
  retrySchedule?: readonly number[];
}

export interface PhaxioEmulator {
  /** API base, e.g. http://127.0.0.1:PORT/v2.1 (`/v2` is served too). */
  url: string;
  close(): Promise<void>;
  faxes(): EmulatedPhaxioFax[];
  callbacksSent(): DeliveredCallback[];
  misbehave(m: Misbehaviour): void;
  /** Posts a receive webhook (signed, with a `file` part) to `url` or the account receive URL. */
  sendInbound(opts: { from: string; to: string; pdf: Uint8Array; url?: string }): Promise<{ status: number | null; id: number }>;
  waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void>;
  /** Unexpected failures inside background tasks (should stay empty). */
  errors(): Error[];
}

/**
 * X-Phaxio-Signature (§1.8): lowercase hex HMAC-SHA1 keyed by the webhook token over
 * url + sorted(name + value) + sorted(partName + sha1hex(bytes)).
 */
export function phaxioSignature(
  token: string,
  url: string,
  params: Record<string, string>,
  files: Record<string, Uint8Array> = {},
): string {
  let data = url;
  for (const name of Object.keys(params).sort()) data += name + params[name];
  for (const name of Object.keys(files).sort()) {
    data +=
      name +
      createHash('sha1')
        .update(files[name] ?? new Uint8Array())
        .digest('hex');
  }
  return createHmac('sha1', token).update(data, 'utf8').digest('hex');
}

const TERMINAL: ReadonlySet<PhaxioStatus> = new Set(['success', 'failure', 'partialsuccess']);
const CENTS_PER_PAGE = 7;
const FIRST_ID = 323_035_000;

function fail(status: number, message: string): Reply {
  return { status, body: { success: false, message } };
}

function invalid(message: string): HttpError {
  return new HttpError(fail(422, message));
}

function ok(message: string, extra: Record<string, unknown> = {}): Reply {
  return { status: 200, body: { success: true, message, ...extra } };
}

/** RFC 3339 with an offset, as Phaxio prints timestamps. */
function rfc3339(d: Date): string {
  return d.toISOString().replace('Z', '+00:00');
}

class PhaxioService {
  readonly lifetime = new Lifetime();
  readonly clock = new Clock();
  readonly faults = new FaultPlan();
  readonly deliverer: CallbackDeliverer;
  readonly records = new Map<number, EmulatedPhaxioFax>();
  private readonly callsPerNumber = new Map<string, number>();
  private nextId = FIRST_ID;
  private readonly step: number;
  private readonly isTest: boolean;

  constructor(private readonly opts: PhaxioEmulatorOptions) {
    this.deliverer = new CallbackDeliverer(this.lifetime, this.clock, opts.retrySchedule ?? DEFAULT_RETRY_SCHEDULE_MS);
    this.step = opts.stepDelayMs ?? 20;
    this.isTest = opts.isTest ?? false;
  }

  async route(req: ApiRequest): Promise<Reply> {
    const m = /^\/v2(?:\.1)?(\/.*)$/.exec(req.url.pathname);
    const path = m?.[1];
    if (!path) return fail(404, 'Not found');
    const parsed = parseBody(req, (msg) => new HttpError(fail(400, msg)));
    const form: ParsedForm = parsed.kind === 'form' ? parsed.form : { fields: [], files: [] };
    if (!this.authenticated(req, form)) return fail(401, 'Authentication failed. Check your API key and secret.');

    if (path === '/faxes' && req.method === 'POST') return this.create(form);
    if (path === '/faxes' && req.method === 'GET') return this.list(req.url.searchParams);
    if (path === '/account/status' && req.method === 'GET') return this.accountStatus();
    const f = /^\/faxes\/(\d+)(\/file|\/cancel)?$/.exec(path);
    const record = f ? this.records.get(Number(f[1])) : undefined;
    if (!f) return fail(404, 'Not found');
    if (!record) return fail(404, 'Fax not found');
    const action = `${req.method} ${f[2] ?? ''}`;
    if (action === 'GET ') return ok('Metadata for fax', { data: record.fax });
    if (action === 'GET /file') {
      if (req.url.searchParams.has('thumbnail')) return fail(422, 'Thumbnails are not emulated');
      if (!record.document) return fail(404, 'File not found');
      return { status: 200, headers: { 'content-type': 'application/pdf' }, body: record.document };
    }
    if (action === 'DELETE /file') {
      record.document = null;
      return ok('Deleted files successfully!');
    }
    if (action === 'POST /cancel') return this.cancel(record);
    return fail(404, 'Not found');
  }

  /** Basic auth, or api_key/api_secret as form fields or query parameters (§1.1). */
  private authenticated(req: ApiRequest, form: ParsedForm): boolean {
    const basic = basicCredentials(req.headers);
    const key = basic?.user ?? fieldValue(form, 'api_key') ?? req.url.searchParams.get('api_key');
    const secret = basic?.pass ?? fieldValue(form, 'api_secret') ?? req.url.searchParams.get('api_secret');
    return key === this.opts.apiKey && secret === this.opts.apiSecret;
  }

  private create(form: ParsedForm): Reply {
    if (fieldValue(form, 'direction') === 'received') return this.testReceive(form);
    const to = fieldValues(form, ['to', 'to[]']);
    if (to.length === 0) throw invalid('You must provide at least one recipient phone number (to).');
    const badNumber = to.find((n) => !E164.test(n));
    if (badNumber !== undefined) throw invalid(`Invalid phone number: ${badNumber}`);
    if (fieldValues(form, ['file', 'file[]']).length > 0) throw invalid('File parts must be sent with a filename.');
    const uploads = form.files.filter((p) => p.name === 'file' || p.name === 'file[]');
    const contentUrls = fieldValues(form, ['content_url', 'content_url[]']);
    if (uploads.length === 0 && contentUrls.length === 0) throw invalid('You must provide a file or a content_url.');
    const headerText = fieldValue(form, 'header_text') ?? '-';
    if (headerText.length > 50) throw invalid('header_text must be at most 50 characters.');
    const tags: Record<string, string> = {};
    for (const [name, value] of form.fields) {
      const t = /^tag\[(.+)\]$/.exec(name);
      if (t?.[1]) tags[t[1]] = value;
    }
    if (Object.keys(tags).length > 10) throw invalid('At most 10 tags are allowed.');
    const batchDelay = fieldValue(form, 'batch_delay');
    if (batchDelay !== undefined && !(Number(batchDelay) >= 0 && Number(batchDelay) <= 3600)) {
      throw invalid('batch_delay must be between 0 and 3600 seconds.');
    }
    const cancelTimeout = fieldValue(form, 'cancel_timeout');
    if (cancelTimeout !== undefined && !(Number(cancelTimeout) >= 3 && Number(cancelTimeout) <= 60)) {
      throw invalid('cancel_timeout must be between 3 and 60 minutes.');
    }
    const callbackUrl = fieldValue(form, 'callback_url') ?? this.opts.sendWebhookUrl ?? null;
    if (callbackUrl !== null && !URL.canParse(callbackUrl)) throw invalid('callback_url is not a valid URL.');

    const id = this.nextId++;
    const record: EmulatedPhaxioFax = {
      fax: {
        id,
        direction: 'sent',
        num_pages: 0,
        status: 'queued',
        is_test: this.isTest,
        created_at: rfc3339(this.clock.now()),
        caller_id: fieldValue(form, 'caller_id') ?? null,
        from_number: null,
        completed_at: null,
        caller_name: null,
        cost: 0,
        tags,
        recipients: to.map((phone_number) => ({
          phone_number,
          status: null,
          retry_count: 0,
          completed_at: null,
          bitrate: null,
          resolution: null,
          error_type: null,
          error_id: null,
          error_message: null,
        })),
        to_number: null,
        error_id: null,
        error_type: null,
        error_message: null,
        barcodes: [],
      },
      callbackUrl,
      headerText,
      contentUrls,
      uploads,
      contentFetches: [],
      document: null,
      requestFields: form.fields,
    };
    this.records.set(id, record);
    this.lifetime.run(() => this.progress(record));
    // Exact recorded body (§1.2); key order matters to byte-comparing clients.
    return { status: 200, body: { success: true, message: 'Fax queued for sending', data: { id } } };
  }

  private async progress(record: EmulatedPhaxioFax): Promise<void> {
    const fax = record.fax;
    await this.lifetime.sleep(this.step);
    if (TERMINAL.has(fax.status)) return; // cancelled while queued: nothing is fetched
    const delay = record.contentUrls.length > 0 ? this.faults.take('contentFetchDelay') : undefined;
    if (delay) await this.lifetime.sleep(delay.ms);
    // URL content comes before uploaded files (§1.2).
    for (const url of record.contentUrls) {
      const fetched = await fetchContent(url, this.lifetime);
      record.contentFetches.push(fetched);
      if (!fetched.ok) return this.finish(record, () => PHAXIO_ERRORS.contentUrlUnreachable);
    }
    const merged = await mergePdfs([...record.contentFetches.map((c) => c.bytes), ...record.uploads.map((u) => u.data)]);
    if (!merged) return this.finish(record, () => PHAXIO_ERRORS.conversionFailed);
    if (TERMINAL.has(fax.status)) return;
    record.document = merged.pdf;
    fax.num_pages = merged.pages;
    fax.status = 'inprogress';
    for (const r of fax.recipients) r.status = 'callactive';
    const inProgressSnapshot = JSON.stringify(fax);
    await this.lifetime.sleep(this.step);
    await this.finish(record, (phone) => this.placeCall(phone), inProgressSnapshot);
  }

  private placeCall(phone: string): PhaxioError | null {
    const prior = this.callsPerNumber.get(phone) ?? 0;
    this.callsPerNumber.set(phone, prior + 1);
    const outcome: CallOutcome = scriptedOutcome(phone, prior);
    return outcome === 'success' ? null : PHAXIO_ERRORS[outcome];
  }

  /** Settles every recipient, derives the fax status (§1.3) and sends fax_completed. */
  private async finish(
    record: EmulatedPhaxioFax,
    outcomeOf: (phone: string) => PhaxioError | null,
    inProgressSnapshot?: string,
  ): Promise<void> {
    const fax = record.fax;
    if (TERMINAL.has(fax.status)) return; // cancelled while a step was in flight
    const now = rfc3339(this.clock.now());
    let firstError: PhaxioError | null = null;
    let succeeded = 0;
    for (const r of fax.recipients) {
      const error = outcomeOf(r.phone_number);
      r.completed_at = now;
      r.status = error ? 'failure' : 'success';
      if (error) {
        firstError ??= error;
        Object.assign(r, { error_type: error.type, error_id: error.id, error_message: error.message });
      } else {
        succeeded += 1;
        Object.assign(r, { bitrate: 14400, resolution: 7700 });
      }
    }
    fax.status = succeeded === fax.recipients.length ? 'success' : succeeded === 0 ? 'failure' : 'partialsuccess';
    fax.completed_at = now;
    fax.cost = succeeded * fax.num_pages * CENTS_PER_PAGE;
    if (firstError) Object.assign(fax, { error_type: firstError.type, error_id: firstError.id, error_message: firstError.message });
    await this.sendCompleted(record, inProgressSnapshot);
  }

  private async sendCompleted(record: EmulatedPhaxioFax, inProgressSnapshot?: string): Promise<void> {
    const url = record.callbackUrl;
    if (url === null) return;
    const common: Array<[string, string]> = [
      ['direction', 'sent'],
      ['is_test', String(this.isTest)],
      ['success', String(record.fax.status === 'success')],
    ];
    const payload = (event: string, fax: string, extra: Array<[string, string]> = []): [CallbackPayload, CallbackLabel] =>
      this.signed(url, {
        event,
        faxId: String(record.fax.id),
        fields: [...common, ['event_type', event], ['fax', fax], ...extra],
        files: [],
      });
    const [completed, label] = payload('fax_completed', JSON.stringify(record.fax));
    await this.deliverer.deliver(url, completed, label, label !== 'badSignature');
    if (this.faults.take('duplicateCallback')) await this.deliverer.deliver(url, completed, 'duplicate');
    if (inProgressSnapshot && this.faults.take('staleCallbackAfterTerminal')) {
      // An inflight event overtaken by the completion, as a real retry queue can deliver it.
      const [stale] = payload('transmitting_page', inProgressSnapshot, [
        ['page', '1'],
        ['recipient_phone_number', record.fax.recipients[0]?.phone_number ?? ''],
      ]);
      await this.deliverer.deliver(url, stale, 'stale');
    }
  }

  /** Adds X-Phaxio-Signature over the exact URL string; a badSignature fault signs with a wrong token. */
  private signed(url: string, p: Omit<CallbackPayload, 'encoding' | 'headers'>): [CallbackPayload, CallbackLabel] {
    const tampered = this.faults.take('badSignature') !== undefined;
    const token = tampered ? `${this.opts.callbackToken}-wrong` : this.opts.callbackToken;
    const files: Record<string, Uint8Array> = Object.fromEntries(p.files.map((f) => [f.name, f.data]));
    const signature = phaxioSignature(token, url, Object.fromEntries(p.fields), files);
    return [{ ...p, encoding: 'multipart', headers: { 'X-Phaxio-Signature': signature } }, tampered ? 'badSignature' : 'original'];
  }

  private cancel(record: EmulatedPhaxioFax): Reply {
    if (TERMINAL.has(record.fax.status)) throw invalid('Fax cannot be cancelled because it has already completed.');
    this.lifetime.run(() => this.finish(record, () => PHAXIO_ERRORS.canceled));
    return ok('Fax cancellation scheduled successfully.', { data: { id: record.fax.id } });
  }

  private list(q: URLSearchParams): Reply {
    const tagFilters = [...q].flatMap(([k, v]) => {
      const t = /^tag\[(.+)\]$/.exec(k);
      return t?.[1] ? [[t[1], v] as const] : [];
    });
    const before = q.get('created_before');
    const after = q.get('created_after');
    const phone = q.get('phone_number');
    const matches = [...this.records.values()]
      .map((r) => r.fax)
      .filter(
        (f) =>
          (!q.get('direction') || f.direction === q.get('direction')) &&
          (!q.get('status') || f.status === q.get('status')) &&
          tagFilters.every(([k, v]) => f.tags[k] === v) &&
          (!before || Date.parse(f.created_at) < Date.parse(before)) &&
          (!after || Date.parse(f.created_at) > Date.parse(after)) &&
          (!phone || f.recipients.some((r) => r.phone_number === phone) || f.from_number === phone || f.to_number === phone),
      )
      .sort((a, b) => b.id - a.id);
    const perPage = Math.min(Math.max(Number(q.get('per_page') ?? 25) || 25, 1), 1000);
    const page = Math.max(Number(q.get('page') ?? 1) || 1, 1);
    return ok('Retrieved faxes successfully', {
      data: matches.slice((page - 1) * perPage, page * perPage),
      paging: { total: matches.length, per_page: perPage, page },
    });
  }

  private accountStatus(): Reply {
    const all = [...this.records.values()].map((r) => r.fax);
    const counts = {
      sent: all.filter((f) => f.direction === 'sent').length,
      received: all.filter((f) => f.direction === 'received').length,
    };
    const spent = all.reduce((sum, f) => sum + f.cost, 0);
    return ok('Account status retrieved successfully', {
      data: { balance: 100_000 - spent, faxes_today: counts, faxes_this_month: counts },
    });
  }

  /** Test receive (§1.4): test credentials only; answers at once, then fires the receive webhook. */
  private testReceive(form: ParsedForm): Reply {
    if (!this.isTest) throw invalid('Test receive requires test API credentials.');
    const pdf = form.files.find((f) => f.name === 'file');
    if (!pdf) throw invalid('You must provide a file.');
    const from = fieldValue(form, 'from_number') ?? '+18773346654';
    const to = fieldValue(form, 'to_number') ?? '+18773346654';
    this.lifetime.run(async () => {
      await this.receive({ from, to, pdf: pdf.data });
    });
    return ok(`Test fax received from ${from} to ${to}.  Calling back now...`);
  }

  /** Records a received fax and posts the signed receive webhook (§1.7). */
  async receive(opts: { from: string; to: string; pdf: Uint8Array; url?: string }): Promise<{ status: number | null; id: number }> {
    const url = opts.url ?? this.opts.receiveWebhookUrl;
    if (!url) throw new Error('sendInbound: no url given and no receiveWebhookUrl configured');
    const id = this.nextId++;
    const now = rfc3339(this.clock.now());
    const numPages = await pdfPageCount(opts.pdf);
    const fax: PhaxioFaxObject = {
      id,
      direction: 'received',
      num_pages: numPages,
      status: 'success',
      is_test: this.isTest,
      created_at: now,
      caller_id: null,
      from_number: opts.from,
      completed_at: now,
      caller_name: null,
      cost: numPages * CENTS_PER_PAGE,
      tags: {},
      recipients: [],
      to_number: opts.to,
      error_id: null,
      error_type: null,
      error_message: null,
      barcodes: [],
    };
    const document = Buffer.from(opts.pdf);
    this.records.set(id, {
      fax,
      callbackUrl: null,
      headerText: '',
      contentUrls: [],
      uploads: [],
      contentFetches: [],
      document,
      requestFields: [],
    });
    const [payload, label] = this.signed(url, {
      event: 'fax_received', // [UNCONFIRMED] receive event_type (§1.7)
      faxId: String(id),
      fields: [
        ['direction', 'received'],
        ['event_type', 'fax_received'],
        ['fax', JSON.stringify(fax)],
        ['is_test', String(this.isTest)],
        ['success', 'true'],
      ],
      files: [{ name: 'file', filename: `fax-${id}.pdf`, contentType: 'application/pdf', data: document }],
    });
    return { status: await this.deliverer.deliver(url, payload, label, label !== 'badSignature'), id };
  }
}

export async function startPhaxioEmulator(opts: PhaxioEmulatorOptions): Promise<PhaxioEmulator> {
  const service = new PhaxioService(opts);
  const server = await startLoopbackServer(service.lifetime, service.faults, fail, (req) => service.route(req));
  return {
    url: `${server.origin}/v2.1`,
    close: () => server.close(),
    faxes: () => [...service.records.values()],
    callbacksSent: () => service.deliverer.sent(),
    misbehave: (m) => service.faults.arm(m),
    sendInbound: (o) => service.receive(o),
    waitFor: (predicate, timeoutMs) => waitFor(predicate, timeoutMs),
    errors: () => service.lifetime.errors(),
  };
}
