// Faithful loopback emulator of SignalWire's Compatibility (LaML/cXML) Fax API, written from
// /work/shared/reference/providers.md §3 (section numbers below refer to it).
import { createHmac, randomUUID } from 'node:crypto';
import {
  Clock,
  DEFAULT_RETRY_SCHEDULE_MS,
  E164,
  FaultPlan,
  HttpError,
  Lifetime,
  basicCredentials,
  fetchContent,
  mergePdfs,
  parseBody,
  scriptedOutcome,
  splitUrlCredentials,
  startLoopbackServer,
  waitFor,
  type ApiRequest,
  type CallbackLabel,
  type Misbehaviour,
  type Reply,
} from './common';

export { MAGIC_NUMBERS, MAGIC_SUFFIX, type Misbehaviour } from './common';

/** FaxStatus enum of core.tsp (§3.3). */
export type SignalWireFaxStatus =
  'queued' | 'processing' | 'sending' | 'delivered' | 'receiving' | 'received' | 'no-answer' | 'busy' | 'failed' | 'canceled';

/**
 * Fax ErrorCodes the emulator sets. SignalWire's real values are [UNCONFIRMED] (§3.8, §8):
 * 15002/15003 are the Twilio-like media codes the reference suggests; the rest are emulator-specific.
 */
export const SIGNALWIRE_FAX_ERRORS = {
  mediaFetchFailed: { code: 15002, message: 'Media URL fetch failed' },
  mediaNotFound: { code: 15003, message: 'Media URL not found' },
  mediaUnsupported: { code: 15004, message: 'Media could not be converted (not a PDF)' },
  notOperational: { code: 15005, message: 'Number not operational' },
  receiveFailed: { code: 15006, message: 'Fax reception failed' },
} as const;

export interface EmulatedFax {
  sid: string;
  direction: 'outbound' | 'inbound';
  from: string;
  to: string;
  status: SignalWireFaxStatus;
  /** Every status the fax went through, in order. */
  history: SignalWireFaxStatus[];
  quality: string;
  /** Outbound: the MediaUrl as submitted. Inbound: the emulator-served copy. */
  mediaUrl: string;
  mediaSid: string | null;
  numPages: number | null;
  errorCode: number | null;
  errorMessage: string | null;
  statusCallback: string | null;
  statusCallbackMethod: 'GET' | 'POST';
  /** 1-based count of faxes this emulator has sent to `to`, this one included (outbound). */
  attempt: number;
  /** HTTP status of the MediaUrl fetch (outbound; null = no response, undefined = not fetched yet). */
  mediaFetchStatus?: number | null;
  dateCreated: Date;
  dateUpdated: Date;
}

export interface DeliveredCallback {
  /** status = StatusCallback; laml = the inbound request to the number's URL; action = `<Receive action>`. */
  kind: 'status' | 'laml' | 'action';
  label: CallbackLabel;
  faxSid: string;
  /** The URL as configured (the signed string); for GET the query with the params is appended. */
  url: string;
  method: 'GET' | 'POST';
  params: Record<string, string>;
  /** The value sent in both X-SignalWire-Signature and X-Twilio-Signature. */
  signature: string;
  attempt: number;
  /** HTTP status received, or null when no response came back. */
  status: number | null;
  error?: string;
  at: Date;
}

export interface SignalWireEmulatorOptions {
  projectId: string;
  apiToken: string;
  signingKey: string;
  /** Time between status steps (default 25 ms). */
  stepDelayMs?: number;
  /** Delays between callback retries after a non-2xx answer (default: compressed real schedule). */
  retrySchedule?: number[];
  /** "Protect Fax Media URLs": media requires Basic projectId:apiToken (§3.5). */
  protectMedia?: boolean;
}

export interface SignalWireEmulator {
  /** Base like http://127.0.0.1:PORT; the API lives under [/api/laml]/2010-04-01/Accounts/{projectId}. */
  url: string;
  close(): Promise<void>;
  faxes(): EmulatedFax[];
  callbacksSent(): DeliveredCallback[];
  misbehave(m: Misbehaviour): void;
  /** Simulates an incoming fax (§3.5): LaML request, XML verb, then the signed `action` callback. */
  sendInbound(opts: {
    laMlUrl: string;
    from: string;
    to: string;
    pdf: Uint8Array;
    fail?: boolean;
  }): Promise<{ xml: string; actionStatus?: number }>;
  waitFor(pred: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void>;
}

/**
 * Scheme A of §3.6, deliberately duplicated instead of imported from
 * electron/gateway/security/signatures: the emulator is the independent party the gateway's
 * verifier is tested against, so sharing the code would make those tests circular.
 */
export function signLaMl(signingKey: string, url: string, params: Record<string, string>): string {
  let data = url;
  for (const name of Object.keys(params).sort()) data += name + params[name];
  return createHmac('sha1', signingKey).update(data, 'utf8').digest('base64');
}

const API_VERSION = 'v1';
const MORE_INFO = 'https://developer.signalwire.com/compatibility-api/rest/overview';
const WEBHOOK_TIMEOUT_MS = 15_000;
const PATH = /^(?:\/api\/laml)?\/2010-04-01\/Accounts\/([^/]+)\/Faxes(?:\.json|\/([^/]+?)(?:\.json)?)?$/;
const MEDIA_PATH = /^\/media\/([0-9a-f-]+)\.pdf$/;
const QUALITIES = ['standard', 'fine', 'superfine'];

/** `{code,message,more_info,status}` (errors.tsp). Generic codes follow Twilio's 20000+HTTP status (20404, 20503…). */
function swError(status: number, message: string, code = 20000 + status): Reply {
  return { status, body: { code, message, more_info: MORE_INFO, status } };
}

const isoSeconds = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function decodeXmlEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (m, e: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (e[0] !== '#') return named[e.toLowerCase()] ?? m;
    const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

type FaxVerb = { verb: 'receive'; action?: string; method: 'GET' | 'POST' } | { verb: 'reject' } | { verb: 'none' };

/** Verbs are case-sensitive (§3.5): `<receive>` is not `<Receive>`, and the fax then fails. */
function parseFaxResponse(xml: string): FaxVerb {
  if (!/<Response[\s>/]/.test(xml)) return { verb: 'none' };
  if (/<Reject[\s>/]/.test(xml)) return { verb: 'reject' };
  const receive = /<Receive((?:\s+[^>]*?)?)\s*\/?>/.exec(xml);
  if (!receive) return { verb: 'none' };
  const attrs = new Map<string, string>();
  for (const m of (receive[1] ?? '').matchAll(/([A-Za-z]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    attrs.set(m[1] ?? '', decodeXmlEntities(m[2] ?? m[3] ?? ''));
  }
  const action = attrs.get('action');
  return { verb: 'receive', ...(action ? { action } : {}), method: attrs.get('method')?.toUpperCase() === 'GET' ? 'GET' : 'POST' };
}

export async function startSignalWireEmulator(opts: SignalWireEmulatorOptions): Promise<SignalWireEmulator> {
  const stepDelayMs = opts.stepDelayMs ?? 25;
  const retrySchedule = opts.retrySchedule ?? DEFAULT_RETRY_SCHEDULE_MS;
  const lifetime = new Lifetime();
  const clock = new Clock();
  const faults = new FaultPlan();
  const faxes = new Map<string, EmulatedFax>();
  const media = new Map<string, Uint8Array>(); // by fax sid
  const callsTo = new Map<string, number>();
  const log: DeliveredCallback[] = [];
  let origin = '';

  const isAuthorized = (req: ApiRequest): boolean => {
    const c = basicCredentials(req.headers);
    return c !== null && c.user === opts.projectId && c.pass === opts.apiToken;
  };
  const mediaUrlOf = (sid: string): string => `${origin}/media/${sid}.pdf`;

  function setStatus(fax: EmulatedFax, status: SignalWireFaxStatus): void {
    fax.status = status;
    fax.history.push(status);
    fax.dateUpdated = clock.now();
  }

  function fail(fax: EmulatedFax, error: { code: number; message: string }): void {
    fax.errorCode = error.code;
    fax.errorMessage = error.message;
    setStatus(fax, 'failed');
  }

  /** The Fax resource of §3.3. */
  function resource(fax: EmulatedFax): object {
    const path = `/api/laml/2010-04-01/Accounts/${opts.projectId}/Faxes/${fax.sid}`;
    return {
      account_sid: opts.projectId,
      api_version: API_VERSION,
      date_created: isoSeconds(fax.dateCreated),
      date_updated: isoSeconds(fax.dateUpdated),
      direction: fax.direction,
      from: fax.from,
      to: fax.to,
      media_url: fax.mediaUrl,
      media_sid: fax.mediaSid,
      num_pages: fax.numPages === null ? null : String(fax.numPages),
      price: null,
      price_unit: 'USD',
      quality: fax.quality,
      sid: fax.sid,
      status: fax.status,
      duration: ['delivered', 'received'].includes(fax.status) ? (fax.numPages ?? 0) * 10 : null,
      error_code: fax.errorCode,
      error_message: fax.errorMessage,
      links: { media: `${path}/Media` },
      url: path,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Signed webhooks (form POST, or GET with the params in the query)

  /** Sends once and returns that attempt; non-2xx answers are retried in the background when `retry`. */
  async function sendWebhook(
    kind: DeliveredCallback['kind'],
    fax: EmulatedFax,
    url: string,
    method: 'GET' | 'POST',
    params: Record<string, string>,
    label: CallbackLabel,
    retry: boolean,
  ): Promise<{ status: number | null; body: string }> {
    const tamper = faults.take('badSignature') !== undefined;
    const signedUrl = method === 'GET' ? `${url}${url.includes('?') ? '&' : '?'}${new URLSearchParams(params)}` : url;
    let signature = signLaMl(opts.signingKey, signedUrl, method === 'GET' ? {} : params);
    if (tamper) signature = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    const attempt = async (n: number): Promise<{ status: number | null; body: string }> => {
      const record: DeliveredCallback = {
        kind,
        label: tamper ? 'badSignature' : label,
        faxSid: fax.sid,
        url: signedUrl,
        method,
        params,
        signature,
        attempt: n,
        status: null,
        at: clock.now(),
      };
      log.push(record);
      try {
        // fetch() refuses credentials in URLs; they go as Basic auth but stay in the signed string [UNCONFIRMED].
        const target = splitUrlCredentials(signedUrl);
        const res = await fetch(target.url, {
          method,
          headers: {
            'user-agent': 'SignalWire-emulator',
            'x-signalwire-signature': signature,
            'x-twilio-signature': signature,
            ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
            ...(target.authorization ? { authorization: target.authorization } : {}),
          },
          ...(method === 'POST' ? { body: new URLSearchParams(params).toString() } : {}),
          redirect: 'manual',
          signal: AbortSignal.any([lifetime.signal, AbortSignal.timeout(WEBHOOK_TIMEOUT_MS)]),
        });
        record.status = res.status;
        return { status: res.status, body: await res.text() };
      } catch (err) {
        if (lifetime.closed) throw err;
        record.error = String(err);
        return { status: null, body: '' };
      }
    };
    const ok = (s: number | null): boolean => s !== null && s >= 200 && s < 300;
    const first = await attempt(1);
    // A tampered request is sent once: retrying a signature the receiver must refuse proves nothing.
    if (retry && !tamper && !ok(first.status)) {
      lifetime.run(async () => {
        for (const [i, delay] of retrySchedule.entries()) {
          await lifetime.sleep(delay);
          if (ok((await attempt(i + 2)).status)) return;
        }
      });
    }
    return first;
  }

  function callbackParams(fax: EmulatedFax, status: SignalWireFaxStatus): Record<string, string> {
    const stored = media.has(fax.sid);
    return {
      AccountSid: opts.projectId,
      ApiVersion: API_VERSION,
      FaxSid: fax.sid,
      From: fax.from,
      To: fax.to,
      FaxStatus: status,
      NumPages: String(fax.numPages ?? 0),
      ErrorCode: fax.errorCode === null ? '' : String(fax.errorCode),
      ErrorMessage: fax.errorMessage ?? '',
      RemoteStationId: ['delivered', 'received'].includes(status) ? (fax.direction === 'outbound' ? fax.to : fax.from) : '',
      MediaSid: stored ? (fax.mediaSid ?? '') : '',
      MediaUrl: stored ? mediaUrlOf(fax.sid) : '',
      ...(fax.direction === 'outbound' ? { OriginalMediaUrl: fax.mediaUrl } : {}),
      Timestamp: isoSeconds(clock.now()),
    };
  }

  /** Terminal StatusCallback (intermediate ones are [UNCONFIRMED], §3.4), plus armed duplicate/stale faults. */
  async function sendStatusCallback(fax: EmulatedFax): Promise<void> {
    if (!fax.statusCallback) return;
    const url = fax.statusCallback;
    const send = (status: SignalWireFaxStatus, label: CallbackLabel): Promise<unknown> =>
      sendWebhook('status', fax, url, fax.statusCallbackMethod, callbackParams(fax, status), label, true);
    await send(fax.status, 'original');
    if (faults.take('duplicateCallback')) await send(fax.status, 'duplicate');
    if (faults.take('staleCallbackAfterTerminal')) await send('sending', 'stale');
  }

  // ---------------------------------------------------------------------------------------------
  // Outbound walk: queued → processing (fetch MediaUrl) → sending → delivered | busy | no-answer | failed

  async function walk(fax: EmulatedFax): Promise<void> {
    await lifetime.sleep(stepDelayMs);
    // Cancel and DELETE are only allowed while queued (§3.1), so this is the one check needed.
    if (faxes.get(fax.sid) !== fax || fax.status === 'canceled') return;
    setStatus(fax, 'processing');
    const delay = faults.take('contentFetchDelay');
    if (delay) await lifetime.sleep(delay.ms);
    const fetched = await fetchContent(fax.mediaUrl, lifetime);
    fax.mediaFetchStatus = fetched.status;
    const converted = fetched.ok ? await mergePdfs([fetched.bytes]) : null;
    if (!fetched.ok) fail(fax, fetched.status === 404 ? SIGNALWIRE_FAX_ERRORS.mediaNotFound : SIGNALWIRE_FAX_ERRORS.mediaFetchFailed);
    else if (!converted) fail(fax, SIGNALWIRE_FAX_ERRORS.mediaUnsupported);
    else {
      media.set(fax.sid, fetched.bytes);
      fax.mediaSid = randomUUID();
      fax.numPages = converted.pages;
      await lifetime.sleep(stepDelayMs);
      setStatus(fax, 'sending');
      const prior = callsTo.get(fax.to) ?? 0;
      callsTo.set(fax.to, prior + 1);
      fax.attempt = prior + 1;
      await lifetime.sleep(stepDelayMs);
      const outcome = scriptedOutcome(fax.to, prior);
      if (outcome === 'success') setStatus(fax, 'delivered');
      else if (outcome === 'busy') setStatus(fax, 'busy');
      else if (outcome === 'noAnswer') setStatus(fax, 'no-answer');
      else fail(fax, SIGNALWIRE_FAX_ERRORS.notOperational);
    }
    await sendStatusCallback(fax);
  }

  // ---------------------------------------------------------------------------------------------
  // REST API (§3.1)

  function formFields(req: ApiRequest): Map<string, string> {
    const parsed = parseBody(req, (message) => new HttpError(swError(400, message)));
    const fields = new Map<string, string>();
    if (parsed.kind === 'form') for (const [k, v] of parsed.form.fields) if (!fields.has(k)) fields.set(k, v);
    return fields;
  }

  function isHttpUrl(s: string): boolean {
    return URL.canParse(s) && /^https?:$/.test(new URL(s).protocol);
  }

  function create(req: ApiRequest): Reply {
    const f = formFields(req);
    // Codes are Twilio's for the same checks [UNCONFIRMED for SignalWire].
    const required: [string, number][] = [
      ['To', 21604],
      ['From', 21603],
      ['MediaUrl', 21620],
    ];
    for (const [name, code] of required) {
      if (!f.get(name)) return swError(422, `A '${name}' is required.`, code);
    }
    const to = f.get('To') ?? '';
    const from = f.get('From') ?? '';
    const mediaUrl = f.get('MediaUrl') ?? '';
    const quality = f.get('Quality') ?? 'fine';
    const callback = f.get('StatusCallback');
    const methodName = (f.get('StatusCallbackMethod') ?? 'POST').toUpperCase();
    const method = methodName === 'GET' || methodName === 'POST' ? methodName : undefined;
    if (!E164.test(to) && !/^sips?:/i.test(to)) return swError(422, `The 'To' number ${to} is not a valid phone number or SIP URI.`, 21211);
    if (!E164.test(from)) return swError(422, `The 'From' number ${from} is not a valid phone number.`, 21212);
    if (!isHttpUrl(mediaUrl)) return swError(422, 'MediaUrl is not a valid URL.', 21620);
    if (!QUALITIES.includes(quality)) return swError(422, `Quality must be one of ${QUALITIES.join(', ')}.`, 21230);
    if (callback !== undefined && !isHttpUrl(callback)) return swError(422, 'StatusCallback is not a valid URL.', 21609);
    if (!method) return swError(422, 'StatusCallbackMethod must be GET or POST.', 21609);

    const now = clock.now();
    const fax: EmulatedFax = {
      sid: randomUUID(),
      direction: 'outbound',
      from,
      to,
      status: 'queued',
      history: ['queued'],
      quality,
      mediaUrl,
      mediaSid: null,
      numPages: null,
      errorCode: null,
      errorMessage: null,
      statusCallback: callback ?? null,
      statusCallbackMethod: method,
      attempt: 0,
      dateCreated: now,
      dateUpdated: now,
    };
    faxes.set(fax.sid, fax);
    lifetime.run(() => walk(fax));
    // The generated spec says 200, Twilio returned 201 (§3.3, [UNCONFIRMED]); 201 catches clients that demand 200.
    return { status: 201, body: resource(fax) };
  }

  function list(req: ApiRequest): Reply {
    const q = req.url.searchParams;
    const date = (name: string): number | undefined => {
      const v = q.get(name);
      return v === null ? undefined : Date.parse(v);
    };
    const before = date('DateCreatedOnOrBefore');
    const after = date('DateCreatedAfter');
    const pageSize = Math.min(Math.max(Number(q.get('PageSize') ?? 50) || 50, 1), 1000);
    const page = Math.max(Number(q.get('Page') ?? 0) || 0, 0);
    const matching = [...faxes.values()]
      .filter((f) => (q.get('From') ?? f.from) === f.from && (q.get('To') ?? f.to) === f.to)
      .filter((f) => before === undefined || f.dateCreated.getTime() <= before)
      .filter((f) => after === undefined || f.dateCreated.getTime() > after)
      .reverse(); // newest first
    const start = page * pageSize;
    const items = matching.slice(start, start + pageSize);
    const uri = (p: number): string => `${req.url.pathname}?PageSize=${pageSize}&Page=${p}`;
    return {
      status: 200,
      body: {
        faxes: items.map(resource),
        page,
        page_size: pageSize,
        start,
        end: start + Math.max(items.length - 1, 0),
        uri: uri(page),
        first_page_uri: uri(0),
        next_page_uri: start + pageSize < matching.length ? uri(page + 1) : null,
        previous_page_uri: page > 0 ? uri(page - 1) : null,
      },
    };
  }

  function item(req: ApiRequest, sid: string): Reply {
    const fax = faxes.get(sid);
    if (!fax) return swError(404, `The requested resource ${req.url.pathname} was not found`);
    switch (req.method) {
      case 'GET':
        return { status: 200, body: resource(fax) };
      case 'POST': {
        if (formFields(req).get('Status') !== 'canceled') return swError(422, "Only Status 'canceled' can be set.", 20001);
        if (fax.status !== 'queued') return swError(422, `A fax in status '${fax.status}' can no longer be canceled.`, 20009);
        setStatus(fax, 'canceled');
        lifetime.run(() => sendStatusCallback(fax));
        return { status: 200, body: resource(fax) };
      }
      case 'DELETE':
        if (['processing', 'sending', 'receiving'].includes(fax.status)) {
          return swError(409, `A fax in status '${fax.status}' cannot be deleted.`);
        }
        faxes.delete(sid);
        media.delete(sid);
        return { status: 204 };
      default:
        return swError(405, `Method ${req.method} not allowed`);
    }
  }

  async function route(req: ApiRequest): Promise<Reply> {
    const mediaMatch = MEDIA_PATH.exec(req.url.pathname);
    if (mediaMatch && req.method === 'GET') {
      if (opts.protectMedia && !isAuthorized(req)) return swError(401, 'Authentication failed', 20003);
      const bytes = media.get(mediaMatch[1] ?? '');
      if (!bytes) return swError(404, `The requested resource ${req.url.pathname} was not found`);
      return { status: 200, headers: { 'content-type': 'application/pdf' }, body: bytes };
    }
    const m = PATH.exec(req.url.pathname);
    if (!m) return swError(404, `The requested resource ${req.url.pathname} was not found`);
    if (!isAuthorized(req)) {
      const reply = swError(401, 'Authentication failed', 20003);
      return { ...reply, headers: { 'www-authenticate': 'Basic realm="SignalWire"' } };
    }
    // Another project's path with valid credentials [UNCONFIRMED: 404 chosen].
    if (m[1] !== opts.projectId) return swError(404, `The requested resource ${req.url.pathname} was not found`);
    const sid = m[2];
    if (sid !== undefined) return item(req, sid);
    if (req.method === 'POST') return create(req);
    if (req.method === 'GET') return list(req);
    return swError(405, `Method ${req.method} not allowed`);
  }

  const server = await startLoopbackServer(lifetime, faults, (status, message) => swError(status, message), route);
  origin = server.origin;

  // ---------------------------------------------------------------------------------------------
  // Inbound simulation (§3.5)

  async function sendInbound(o: {
    laMlUrl: string;
    from: string;
    to: string;
    pdf: Uint8Array;
    fail?: boolean;
  }): Promise<{ xml: string; actionStatus?: number }> {
    const converted = await mergePdfs([o.pdf]);
    if (!converted) throw new Error('sendInbound: pdf is not a readable PDF');
    const now = clock.now();
    const fax: EmulatedFax = {
      sid: randomUUID(),
      direction: 'inbound',
      from: o.from,
      to: o.to,
      status: 'receiving',
      history: ['receiving'],
      quality: 'fine',
      mediaUrl: '',
      mediaSid: null,
      numPages: null,
      errorCode: null,
      errorMessage: null,
      statusCallback: null,
      statusCallbackMethod: 'POST',
      attempt: 1,
      dateCreated: now,
      dateUpdated: now,
    };
    faxes.set(fax.sid, fax);
    const base = { AccountSid: opts.projectId, ApiVersion: API_VERSION, FaxSid: fax.sid, From: o.from, To: o.to };
    // No retry: a failing LaML URL fails the call (a real space would try its fallback URL).
    const laml = await sendWebhook('laml', fax, o.laMlUrl, 'POST', base, 'original', false);
    const xml = laml.body;
    const verb = laml.status !== null && laml.status >= 200 && laml.status < 300 ? parseFaxResponse(xml) : ({ verb: 'none' } as const);
    if (verb.verb === 'reject') {
      setStatus(fax, 'canceled');
      return { xml };
    }
    if (verb.verb === 'none') {
      fail(fax, SIGNALWIRE_FAX_ERRORS.receiveFailed);
      return { xml };
    }
    await lifetime.sleep(stepDelayMs);
    if (o.fail) {
      fail(fax, SIGNALWIRE_FAX_ERRORS.receiveFailed);
    } else {
      media.set(fax.sid, o.pdf);
      fax.mediaSid = randomUUID();
      fax.mediaUrl = mediaUrlOf(fax.sid);
      fax.numPages = converted.pages;
      setStatus(fax, 'received');
    }
    if (!verb.action) return { xml };
    // Relative actions resolve against the LaML URL; absolute ones are used (and signed) verbatim.
    const action = URL.canParse(verb.action) ? verb.action : new URL(verb.action, o.laMlUrl).toString();
    const params = callbackParams(fax, fax.status);
    const first = await sendWebhook('action', fax, action, verb.method, params, 'original', true);
    if (faults.take('duplicateCallback')) await sendWebhook('action', fax, action, verb.method, params, 'duplicate', true);
    return { xml, ...(first.status === null ? {} : { actionStatus: first.status }) };
  }

  return {
    url: origin,
    close: () => server.close(),
    faxes: () => [...faxes.values()].map((f) => ({ ...f, history: [...f.history] })),
    callbacksSent: () => [...log],
    misbehave: (m) => faults.arm(m),
    sendInbound,
    waitFor: (pred, timeoutMs) => waitFor(pred, timeoutMs, 'SignalWire emulator condition'),
  };
}
