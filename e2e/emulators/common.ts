// Shared plumbing for the provider emulators: loopback server, body parsing, bounded timers,
// fault injection, document fetching/merging, and webhook delivery with retries.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PDFDocument } from 'pdf-lib';

// ---------------------------------------------------------------------------------------------
// Scripted call outcomes (shared by every emulator; each maps them to its own error vocabulary)

/** Last four digits of a recipient number that script the call outcome. */
export const MAGIC_SUFFIX = {
  /** Always busy (Phaxio lineError 17, Sinch CALL_ERROR 17). */
  busy: '0017',
  /** Always no answer (Phaxio lineError 30, Sinch CALL_ERROR 30). */
  noAnswer: '0030',
  /** Number not operational, a permanent failure (Phaxio lineError 34, Sinch CALL_ERROR 34). */
  notOperational: '0034',
} as const;

/**
 * `…0N17` with N in 1..9: busy for the first N calls this emulator places to that number, then
 * success. Lets a test drive the gateway's busy-retry policy, e.g. `+15550100217` = busy twice.
 */
export const BUSY_THEN_SUCCESS = /0([1-9])17$/;

/** Example numbers for tests. Any other valid number succeeds. */
export const MAGIC_NUMBERS = {
  success: '+15550100000',
  busy: '+15550100017',
  noAnswer: '+15550100030',
  notOperational: '+15550100034',
  busyOnceThenSuccess: '+15550100117',
} as const;

export type CallOutcome = 'success' | 'busy' | 'noAnswer' | 'notOperational';

/** Outcome of a call to `number`, given how many calls were already placed to it. */
export function scriptedOutcome(number: string, priorCalls: number): CallOutcome {
  const digits = number.replace(/\D/g, '');
  if (digits.endsWith(MAGIC_SUFFIX.busy)) return 'busy';
  if (digits.endsWith(MAGIC_SUFFIX.noAnswer)) return 'noAnswer';
  if (digits.endsWith(MAGIC_SUFFIX.notOperational)) return 'notOperational';
  const m = BUSY_THEN_SUCCESS.exec(digits);
  if (m && priorCalls < Number(m[1])) return 'busy';
  return 'success';
}

/** E.164 as both providers require it. */
export const E164 = /^\+[1-9]\d{6,14}$/;

// ---------------------------------------------------------------------------------------------
// Time

/** Wall clock the emulators read for timestamps and token expiry; tests may jump it forward. */
export class Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export class EmulatorClosedError extends Error {
  constructor() {
    super('emulator closed');
  }
}

/**
 * Owns every timer, sleep and outbound request of one emulator so close() stops all of them:
 * pending sleeps reject with EmulatorClosedError and in-flight fetches are aborted.
 */
export class Lifetime {
  private readonly sleeps = new Map<NodeJS.Timeout, (err: Error) => void>();
  private readonly controller = new AbortController();
  private readonly failures: Error[] = [];

  get signal(): AbortSignal {
    return this.controller.signal;
  }
  get closed(): boolean {
    return this.controller.signal.aborted;
  }

  sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.reject(new EmulatorClosedError());
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.sleeps.delete(t);
        resolve();
      }, ms);
      this.sleeps.set(t, reject);
    });
  }

  /** Runs a background task; errors after close are expected, others are kept for errors(). */
  run(task: () => Promise<void>): void {
    task().catch((err: unknown) => {
      if (this.closed) return;
      const e = err instanceof Error ? err : new Error(String(err));
      this.failures.push(e);
      console.error('[emulator] background task failed:', e);
    });
  }

  errors(): Error[] {
    return [...this.failures];
  }

  close(): void {
    this.controller.abort();
    for (const [t, reject] of this.sleeps) {
      clearTimeout(t);
      reject(new EmulatorClosedError());
    }
    this.sleeps.clear();
  }
}

/** Polls `predicate` every 10 ms; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() >= deadline) throw new Error(`waitFor: ${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// ---------------------------------------------------------------------------------------------
// Fault injection

/** Faults every emulator supports. `times` counts API requests, faxes or callbacks as noted. */
export type Misbehaviour =
  /** The next `times` requests (any route, auth included) answer `status` (default 503). */
  | { kind: 'serverError'; times: number; status?: number }
  /**
   * The next `times` requests stall `ms`, then are handled normally (work done even if the client gave up);
   * with `abandon`, the request is dropped after the stall instead, never handled (lost in the provider's front end).
   */
  | { kind: 'hang'; times: number; ms: number; abandon?: boolean; method?: string }
  /** The next `times` requests are handled at once but answered only after `ms` (the provider has the fax; we do not know yet). */
  | { kind: 'delayResponse'; times: number; ms: number; method?: string }
  /** Every connection and request in the next `ms` is reset (TCP RST) before it is read: an outage. */
  | { kind: 'resetConnections'; ms: number }
  /** The next `times` requests are handled, then the socket is destroyed with no response ("lost ack"). */
  | { kind: 'dropResponse'; times: number }
  /** The completion callback of the next `times` faxes is sent twice. */
  | { kind: 'duplicateCallback'; times: number }
  /** After the terminal callback of the next `times` faxes, a stale in-progress callback follows. */
  | { kind: 'staleCallbackAfterTerminal'; times: number }
  /** The next `times` faxes wait `ms` before fetching their content URL (lets media tokens expire). */
  | { kind: 'contentFetchDelay'; times: number; ms: number }
  /** Phaxio only: the next `times` callbacks carry a wrong X-Phaxio-Signature (sent once, never retried). */
  | { kind: 'badSignature'; times: number };

/** Armed faults, consumed one use at a time. Arming a kind again replaces it; `times: 0` disarms. */
export class FaultPlan {
  private readonly armed = new Map<string, { fault: Misbehaviour; left: number }>();
  private resetUntil = 0;

  arm(fault: Misbehaviour): void {
    if (fault.kind === 'resetConnections') this.resetUntil = Date.now() + fault.ms;
    else if (fault.times > 0) this.armed.set(fault.kind, { fault, left: fault.times });
    else this.armed.delete(fault.kind);
  }

  /** Consumes one use of `kind`; a fault armed for one HTTP `method` (e.g. only submissions, POST) skips other requests. */
  take<K extends Misbehaviour['kind']>(kind: K, method?: string): Extract<Misbehaviour, { kind: K }> | undefined {
    const slot = this.armed.get(kind);
    if (!slot) return undefined;
    const only = (slot.fault as { method?: string }).method;
    if (only && method && only !== method) return undefined;
    slot.left -= 1;
    if (slot.left <= 0) this.armed.delete(kind);
    return slot.fault as Extract<Misbehaviour, { kind: K }>;
  }

  /** True while an armed 'resetConnections' outage lasts. */
  resetting(): boolean {
    return Date.now() < this.resetUntil;
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP server

export interface ApiRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON. */
  body?: string | Uint8Array | object;
}

/** Thrown by route code to answer with a provider-shaped error. */
export class HttpError extends Error {
  constructor(readonly reply: Reply) {
    super(`HTTP ${reply.status}`);
  }
}

export interface LoopbackServer {
  origin: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

/**
 * Starts a 127.0.0.1:0 server. API faults (serverError, hang, dropResponse) apply to every
 * request before routing; `errorReply` shapes the injected 5xx and unexpected-failure bodies.
 */
export async function startLoopbackServer(
  lifetime: Lifetime,
  faults: FaultPlan,
  errorReply: (status: number, message: string) => Reply,
  route: (req: ApiRequest) => Promise<Reply>,
): Promise<LoopbackServer> {
  const server = createServer((req, res) => {
    if (faults.resetting()) return void req.socket.resetAndDestroy();
    void (async () => {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) throw new HttpError(errorReply(413, 'Request body too large'));
        chunks.push(chunk);
      }
      const request: ApiRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      const injected = faults.take('serverError');
      if (injected) return errorReply(injected.status ?? 503, 'Service temporarily unavailable');
      const hang = faults.take('hang', request.method);
      if (hang) await lifetime.sleep(hang.ms);
      if (hang?.abandon) return null;
      const drop = faults.take('dropResponse');
      const delay = faults.take('delayResponse', request.method);
      const reply = await route(request);
      if (delay) await lifetime.sleep(delay.ms);
      return drop ? null : reply;
    })()
      .catch((err: unknown): Reply | null => {
        if (err instanceof HttpError) return err.reply;
        if (lifetime.closed) return null;
        console.error('[emulator] request failed:', err);
        return errorReply(500, 'Internal emulator error');
      })
      .then((reply) => {
        if (!reply) return void res.socket?.destroy();
        const { body, headers, contentType } = encodeReply(reply);
        res.writeHead(reply.status, { ...(contentType ? { 'content-type': contentType } : {}), ...headers });
        res.end(body);
      });
  });
  server.on('connection', (socket) => {
    if (faults.resetting()) socket.resetAndDestroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: async () => {
      lifetime.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function encodeReply(reply: Reply): { body: string | Uint8Array; headers: Record<string, string>; contentType?: string } {
  const headers = reply.headers ?? {};
  const hasType = Object.keys(headers).some((h) => h.toLowerCase() === 'content-type');
  if (reply.body === undefined) return { body: '', headers };
  if (typeof reply.body === 'string' || reply.body instanceof Uint8Array) return { body: reply.body, headers };
  return { body: JSON.stringify(reply.body), headers, ...(hasType ? {} : { contentType: 'application/json; charset=utf-8' }) };
}

// ---------------------------------------------------------------------------------------------
// Auth helpers

/** Decoded `Authorization: Basic` credentials, or null. */
export function basicCredentials(headers: IncomingHttpHeaders): { user: string; pass: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(headers.authorization ?? '');
  if (!m?.[1]) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? null : { user: decoded.slice(0, i), pass: decoded.slice(i + 1) };
}

/**
 * fetch() refuses URLs with credentials, so strip `user:pass@` and send it as Basic auth,
 * which is what the providers' HTTP clients do with such callback/content URLs.
 */
export function splitUrlCredentials(raw: string): { url: string; authorization?: string } {
  const u = new URL(raw);
  if (!u.username && !u.password) return { url: raw };
  const creds = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
  u.username = '';
  u.password = '';
  return { url: u.toString(), authorization: `Basic ${Buffer.from(creds).toString('base64')}` };
}

// ---------------------------------------------------------------------------------------------
// Body parsing

export interface FilePart {
  name: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** A decoded form: text fields in arrival order (repeats kept) and file parts. */
export interface ParsedForm {
  fields: Array<[string, string]>;
  files: FilePart[];
}

export type ParsedBody = { kind: 'form'; form: ParsedForm } | { kind: 'json'; json: unknown } | { kind: 'none' };

/** Parses multipart/form-data, urlencoded or JSON; throws `invalid(msg)` on malformed input. */
export function parseBody(req: ApiRequest, invalid: (message: string) => Error): ParsedBody {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (req.body.length === 0) return { kind: 'none' };
  if (type.startsWith('multipart/form-data')) {
    const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(req.headers['content-type'] ?? '');
    const boundary = m?.[1] ?? m?.[2];
    if (!boundary) throw invalid('multipart body without boundary');
    return { kind: 'form', form: parseMultipart(req.body, boundary, invalid) };
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return { kind: 'form', form: { fields: [...new URLSearchParams(req.body.toString('utf8'))], files: [] } };
  }
  if (type.startsWith('application/json')) {
    try {
      return { kind: 'json', json: JSON.parse(req.body.toString('utf8')) as unknown };
    } catch {
      throw invalid('malformed JSON body');
    }
  }
  return { kind: 'none' };
}

/**
 * RFC 7578 multipart parser over a buffered body. A part with a filename is a file; a part
 * without one is a text field even when it is named `file` (callers decide if that is an error).
 */
export function parseMultipart(body: Buffer, boundary: string, invalid: (message: string) => Error): ParsedForm {
  const form: ParsedForm = { fields: [], files: [] };
  const delimiter = Buffer.from(`--${boundary}`);
  const nextDelimiter = Buffer.from(`\r\n--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw invalid('multipart boundary not found');
  for (;;) {
    pos += delimiter.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return form; // closing `--boundary--`
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw invalid('truncated multipart headers');
    const end = body.indexOf(nextDelimiter, headerEnd + 4);
    if (end < 0) throw invalid('truncated multipart body');
    const headers = new Map<string, string>();
    for (const line of body.subarray(pos, headerEnd).toString('utf8').split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
    }
    const disposition = headers.get('content-disposition') ?? '';
    const params = new Map<string, string>();
    for (const p of disposition.matchAll(/;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g)) {
      const raw = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '').trim();
      // WHATWG FormData percent-escapes these three characters in names and filenames.
      params.set((p[1] ?? '').toLowerCase(), raw.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n'));
    }
    const name = params.get('name');
    if (name === undefined) throw invalid('multipart part without a name');
    const data = body.subarray(headerEnd + 4, end);
    const filename = params.get('filename');
    if (filename) {
      form.files.push({ name, filename, contentType: headers.get('content-type') ?? 'application/octet-stream', data: Buffer.from(data) });
    } else {
      form.fields.push([name, data.toString('utf8')]);
    }
    pos = end + 2;
  }
}

/** Values of every field whose name matches (e.g. `to` and `to[]`). */
export function fieldValues(form: ParsedForm, names: readonly string[]): string[] {
  return form.fields.filter(([n]) => names.includes(n)).map(([, v]) => v);
}

export function fieldValue(form: ParsedForm, name: string): string | undefined {
  return form.fields.find(([n]) => n === name)?.[1];
}

// ---------------------------------------------------------------------------------------------
// Documents

export interface FetchOutcome {
  url: string;
  status: number | null;
  ok: boolean;
  bytes: Buffer;
  error?: string;
}

const CONTENT_FETCH_TIMEOUT_MS = 30_000;

/** GETs a content URL the way the provider would (Basic auth from the URL, bounded, abortable). */
export async function fetchContent(raw: string, lifetime: Lifetime): Promise<FetchOutcome> {
  try {
    const { url, authorization } = splitUrlCredentials(raw);
    if (!/^https?:$/.test(new URL(url).protocol))
      return { url: raw, status: null, ok: false, bytes: Buffer.alloc(0), error: 'unsupported scheme' };
    const res = await fetch(url, {
      headers: { accept: '*/*', ...(authorization ? { authorization } : {}) },
      redirect: 'follow',
      signal: AbortSignal.any([lifetime.signal, AbortSignal.timeout(CONTENT_FETCH_TIMEOUT_MS)]),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    return { url: raw, status: res.status, ok: res.ok, bytes };
  } catch (err) {
    if (lifetime.closed) throw new EmulatorClosedError();
    return { url: raw, status: null, ok: false, bytes: Buffer.alloc(0), error: String(err) };
  }
}

/**
 * Stands in for the providers' document conversion: every input must be a PDF (the gateway
 * only ever sends PDFs); returns the merged PDF and its page count, or null if any input is not one.
 */
export async function mergePdfs(inputs: readonly Uint8Array[]): Promise<{ pdf: Buffer; pages: number } | null> {
  try {
    const out = await PDFDocument.create();
    for (const input of inputs) {
      const doc = await PDFDocument.load(input);
      for (const page of await out.copyPages(doc, doc.getPageIndices())) out.addPage(page);
    }
    if (out.getPageCount() === 0) return null;
    return { pdf: Buffer.from(await out.save()), pages: out.getPageCount() };
  } catch {
    return null;
  }
}

export async function pdfPageCount(pdf: Uint8Array): Promise<number> {
  return (await PDFDocument.load(pdf)).getPageCount();
}

// ---------------------------------------------------------------------------------------------
// Webhook delivery

/** One webhook request as the emulator builds it (rebuilt identically for every attempt). */
export interface CallbackPayload {
  event: string;
  faxId: string;
  encoding: 'multipart' | 'json';
  /** Multipart text fields, in sending order. */
  fields: Array<[string, string]>;
  /** Multipart file parts. */
  files: FilePart[];
  /** JSON body (encoding 'json'). */
  json?: unknown;
  /** Extra headers, e.g. a signature. */
  headers: Record<string, string>;
}

export type CallbackLabel = 'original' | 'duplicate' | 'stale' | 'badSignature';

export interface DeliveredCallback {
  /** The URL as configured (credentials included). */
  url: string;
  label: CallbackLabel;
  attempt: number;
  /** HTTP status received, or null when no response came back. */
  status: number | null;
  error?: string;
  at: Date;
  payload: CallbackPayload;
}

/**
 * Both providers retry 16 times: 5, 10, 20, 30 minutes, then every 6 hours. This is that
 * schedule compressed for tests (same shape, about 13 s in total).
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [50, 100, 200, 300].concat(Array<number>(12).fill(1_000));

// Sinch documents 60 s; Phaxio documents nothing, so the same bound is used.
const CALLBACK_TIMEOUT_MS = 60_000;

export class CallbackDeliverer {
  private readonly log: DeliveredCallback[] = [];

  constructor(
    private readonly lifetime: Lifetime,
    private readonly clock: Clock,
    private readonly retrySchedule: readonly number[],
  ) {}

  sent(): DeliveredCallback[] {
    return [...this.log];
  }

  /**
   * Sends once and resolves with that attempt's status; non-2xx answers are retried in the
   * background on the retry schedule unless `retry` is false.
   */
  async deliver(url: string, payload: CallbackPayload, label: CallbackLabel, retry = true): Promise<number | null> {
    const first = await this.attempt(url, payload, label, 1);
    if (retry && !isSuccess(first)) {
      this.lifetime.run(async () => {
        for (const [i, delay] of this.retrySchedule.entries()) {
          await this.lifetime.sleep(delay);
          if (isSuccess(await this.attempt(url, payload, label, i + 2))) return;
        }
      });
    }
    return first;
  }

  private async attempt(rawUrl: string, payload: CallbackPayload, label: CallbackLabel, attempt: number): Promise<number | null> {
    const record: DeliveredCallback = { url: rawUrl, label, attempt, status: null, at: this.clock.now(), payload };
    try {
      const { url, authorization } = splitUrlCredentials(rawUrl);
      const headers: Record<string, string> = { 'user-agent': 'faxbot-provider-emulator', ...payload.headers };
      if (authorization) headers.authorization = authorization;
      let body: FormData | string;
      if (payload.encoding === 'json') {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(payload.json);
      } else {
        body = new FormData();
        for (const [name, value] of payload.fields) body.append(name, value);
        for (const f of payload.files) body.append(f.name, new Blob([new Uint8Array(f.data)], { type: f.contentType }), f.filename);
      }
      const res = await fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.any([this.lifetime.signal, AbortSignal.timeout(CALLBACK_TIMEOUT_MS)]),
      });
      await res.arrayBuffer();
      record.status = res.status;
    } catch (err) {
      if (this.lifetime.closed) throw new EmulatorClosedError();
      record.error = String(err);
    }
    // Logged once answered (or failed), so a test that sees the record also sees its outcome.
    this.log.push(record);
    return record.status;
  }
}

function isSuccess(status: number | null): boolean {
  return status !== null && status >= 200 && status < 300;
}
