import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ERROR_CODES,
  EVENT_NAMES,
  HTTP_STATUS_FOR,
  type ErrorCode,
  type EventName,
  type EventPayloads,
  type RpcResult,
} from '../../../shared/contract';
import type { CallerView, RemoteStatus } from '../../../shared/types';
import type { SecretStore } from '../config';
import type { LogFn } from '../logging';
import { hostnameScope } from '../public-url';
import { missingWindowScopes, WINDOW_SCOPES } from '../security/rpc-access';
import { AppError, badRequest } from '../services/errors';
import { EventBus } from '../services/event-bus';

/** The choice kept in the data folder; the key itself lives in the secret store (OS keychain). */
const CHOICE_FILE = 'office-server.json';
const KEY_SECRET = 'remote.apiKey';
const CHECK_TIMEOUT_MS = 8_000;
const CALL_TIMEOUT_MS = 120_000;
/** The server writes a keep-alive every 15 s; a stream silent for longer than this is dead. */
const STREAM_IDLE_MS = 40_000;
const BACKOFF_MS = { first: 1_000, max: 30_000 } as const;

const KEY_REJECTED =
  'The office server no longer accepts this computer’s API key (it was revoked, rotated or mistyped). Ask your administrator for a key and connect again in Setup.';

interface Link {
  url: string;
  apiKey: string;
  keyId: string | null;
  keyName: string | null;
}

interface SavedChoice {
  url: string;
  keyId: string | null;
  keyName: string | null;
}

export interface RemoteLinkDeps {
  dataDir: string;
  secrets: SecretStore;
  /** This gateway's own events: relayed to the window while it is not connected to a server. */
  localEvents: EventBus;
  log: LogFn;
  fetchImpl?: typeof fetch;
}

const CODE_FOR_STATUS = new Map<number, ErrorCode>(ERROR_CODES.map((code) => [HTTP_STATUS_FOR[code], code]));

function isEnvelope(body: unknown): body is RpcResult<unknown> {
  return typeof body === 'object' && body !== null && 'ok' in body && typeof body.ok === 'boolean';
}

/** A network failure as words a person can act on (never the request, which carries the key). */
export function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return `it did not answer within ${Math.round(timeoutMs / 1000)} seconds`;
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  const code = cause?.code ?? (error as { code?: string } | null)?.code ?? '';
  if (code === 'ECONNREFUSED') return 'nothing is listening at that address and port';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'that name does not resolve (check the spelling)';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'the connection was cut';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'the network cannot reach it';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'the connection timed out';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) return `its HTTPS certificate is not trusted (${code})`;
  return code || cause?.message || (error instanceof Error ? error.message : 'unknown error');
}

/**
 * A server address a window may use: absolute http(s), no credentials, query or fragment, and
 * HTTPS unless the server is on this computer (the key would otherwise cross the network in clear).
 * Returns the base URL (a path prefix behind a reverse proxy is kept).
 */
export function checkServerUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw badRequest('Enter the office server’s full address, for example https://fax.example.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badRequest('The office server’s address must start with https://');
  if (url.username || url.password) throw badRequest('Leave the user name and password out of the address; the API key is entered below');
  if (url.search || url.hash) throw badRequest('The office server’s address must not contain a query (?) or fragment (#)');
  if (url.protocol === 'http:' && hostnameScope(url.hostname) !== 'loopback')
    throw badRequest(
      'Use an https:// address: over plain http your API key and every fax would cross the network unencrypted (http is allowed only for this computer, 127.0.0.1 or localhost)',
    );
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Remote mode: this gateway forwards the window's calls (/rpc and IPC alike) to an office server
 * with the person's API key, and relays the server's live events, so the renderer is the same in
 * both modes. Methods marked `desktop` (this link itself, printer routes) stay local. The key is
 * read from the secret store, sent only as X-API-Key, and never logged.
 */
export class RemoteLink {
  /** What the window sees: this gateway's events, or the office server's while connected. */
  readonly events = new EventBus();
  private link: Link | null = null;
  private state: RemoteStatus['state'] = null;
  private problem: string | null = null;
  private streamAbort: AbortController | null = null;
  private wake: (() => void) | null = null;
  private closed = false;
  private readonly fetch: typeof fetch;

  constructor(private readonly deps: RemoteLinkDeps) {
    this.fetch = deps.fetchImpl ?? ((input, init) => fetch(input, init));
    deps.localEvents.onAny((name, payload) => {
      if (!this.link) this.emit(name, payload);
    });
  }

  get connected(): boolean {
    return this.link !== null;
  }

  status(): RemoteStatus {
    const link = this.link;
    if (!link) return { mode: 'local', url: null, serverName: null, keyId: null, keyName: null, state: null, problem: null };
    return {
      mode: 'remote',
      url: link.url,
      serverName: new URL(link.url).host,
      keyId: link.keyId,
      keyName: link.keyName,
      state: this.state,
      problem: this.problem,
    };
  }

  /** Start-up: an explicit server (GatewayOptions.remote), else the one chosen earlier, else stay local. */
  async restore(given?: { url: string; apiKey: string }): Promise<void> {
    if (given) return this.use({ url: checkServerUrl(given.url), apiKey: given.apiKey, keyId: null, keyName: null });
    let saved: SavedChoice;
    try {
      saved = JSON.parse(readFileSync(join(this.deps.dataDir, CHOICE_FILE), 'utf8')) as SavedChoice;
    } catch {
      return; // No choice saved: this computer's own gateway.
    }
    const apiKey = await this.deps.secrets.get(KEY_SECRET);
    if (!apiKey) {
      this.deps.log(
        'an office server was chosen but its API key is missing from the keychain; using this computer until it is connected again',
      );
      return;
    }
    this.use({ url: saved.url, apiKey, keyId: saved.keyId, keyName: saved.keyName });
  }

  /** The wizard's live check, then the switch: every failure is one sentence for the window. */
  async connect(rawUrl: string, rawKey: string): Promise<RemoteStatus> {
    const url = checkServerUrl(rawUrl);
    const apiKey = rawKey.trim();
    const host = new URL(url).host;
    await this.checkHealth(url, host);
    const caller = await this.whoami(url, host, apiKey);
    const missing = missingWindowScopes(caller.scopes);
    if (missing.length > 0)
      throw new AppError(
        'forbidden',
        `This key is missing ${missing.join(', ')}. A desktop window needs ${WINDOW_SCOPES.join(', ')}: ask your administrator for such a key.`,
      );
    await this.deps.secrets.set(KEY_SECRET, apiKey);
    const saved: SavedChoice = { url, keyId: caller.keyId, keyName: caller.name };
    writeFileSync(join(this.deps.dataDir, CHOICE_FILE), JSON.stringify(saved, null, 2), { mode: 0o600 });
    this.deps.log(`connected to the office server ${host} as key ${caller.keyId ?? 'API_KEY'}`);
    this.use({ ...saved, apiKey });
    return this.status();
  }

  /** Back to this computer's own gateway; the saved choice and the key are removed. */
  async disconnect(): Promise<RemoteStatus> {
    this.stop();
    rmSync(join(this.deps.dataDir, CHOICE_FILE), { force: true });
    await this.deps.secrets.delete(KEY_SECRET).catch(() => undefined);
    this.deps.log('using this computer’s own gateway again');
    const status = this.status();
    this.emit('remote:changed', status);
    return status;
  }

  /** One window call, forwarded; the answer is the server's envelope, or a sentence saying why there is none. */
  async invoke(method: string, input: unknown): Promise<RpcResult<unknown>> {
    const link = this.link;
    if (!link) return { ok: false, error: { code: 'unavailable', message: 'Not connected to an office server.' } };
    const host = new URL(link.url).host;
    let response: Response;
    try {
      response = await this.fetch(`${link.url}/rpc/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': link.apiKey },
        body: JSON.stringify(input ?? {}),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
    } catch (error) {
      const reason = describeNetworkError(error, CALL_TIMEOUT_MS);
      this.offline(link, reason);
      return { ok: false, error: { code: 'unavailable', message: `Cannot reach the office server ${host}: ${reason}.` } };
    }
    if (response.status === 401) {
      this.rejected(link);
      return { ok: false, error: { code: 'forbidden', message: KEY_REJECTED } };
    }
    const body: unknown = await response.json().catch(() => null);
    if (isEnvelope(body)) {
      this.online(link);
      return body;
    }
    // A proxy in front of a stopped server answers 502/503/504 with a page of its own.
    if (response.status >= 502 && response.status <= 504) {
      this.offline(link, `its proxy answered ${response.status}`);
      return { ok: false, error: { code: 'unavailable', message: `The office server ${host} is not answering (${response.status}).` } };
    }
    const detail = typeof (body as { detail?: unknown } | null)?.detail === 'string' ? (body as { detail: string }).detail : null;
    return {
      ok: false,
      error: {
        code: CODE_FOR_STATUS.get(response.status) ?? 'internal',
        message: detail ?? `The office server answered ${response.status} without a result.`,
      },
    };
  }

  close(): void {
    this.closed = true;
    this.stop();
  }

  private use(link: Link): void {
    this.stop();
    this.link = link;
    this.state = null;
    this.problem = null;
    void this.followEvents(link);
  }

  private stop(): void {
    this.link = null;
    this.state = null;
    this.problem = null;
    this.streamAbort?.abort();
    this.wake?.();
  }

  private emit(name: EventName, payload: unknown): void {
    this.events.emit(name, payload as EventPayloads[typeof name]);
  }

  private setState(link: Link, state: RemoteStatus['state'], problem: string | null): void {
    if (this.link !== link || (this.state === state && this.problem === problem)) return;
    this.state = state;
    this.problem = problem;
    this.emit('remote:changed', this.status());
  }

  private online(link: Link): void {
    this.setState(link, 'connected', null);
  }

  private offline(link: Link, reason: string): void {
    if (this.link === link && this.state !== 'offline') this.deps.log(`office server not answering: ${reason}`, { level: 'warn' });
    this.setState(link, 'offline', `The office server ${new URL(link.url).host} is not answering (${reason}). Retrying…`);
  }

  private rejected(link: Link): void {
    if (this.link === link && this.state !== 'key_rejected')
      this.deps.log('the office server refused this computer’s API key', { level: 'warn' });
    this.setState(link, 'key_rejected', KEY_REJECTED);
  }

  private async checkHealth(url: string, host: string): Promise<void> {
    let response: Response;
    try {
      response = await this.fetch(`${url}/health`, { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
    } catch (error) {
      throw new AppError('unavailable', `Cannot reach the office server at ${host}: ${describeNetworkError(error, CHECK_TIMEOUT_MS)}.`);
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok || (body as { status?: unknown } | null)?.status !== 'ok')
      throw new AppError(
        'bad_request',
        `${host} answered, but it is not a Faxbot gateway (GET /health gave ${response.status}). Check the address.`,
      );
  }

  private async whoami(url: string, host: string, apiKey: string): Promise<CallerView> {
    let response: Response;
    try {
      response = await this.fetch(`${url}/rpc/auth:whoami`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        body: '{}',
        signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
      });
    } catch (error) {
      throw new AppError('unavailable', `Cannot reach the office server at ${host}: ${describeNetworkError(error, CHECK_TIMEOUT_MS)}.`);
    }
    const body: unknown = await response.json().catch(() => null);
    // 400, not 401: the window's own session is fine (a 401 would send it to the sign-in page); the key typed in is not.
    if (response.status === 401)
      throw new AppError(
        'bad_request',
        'The office server did not accept this API key. Check that you copied all of it (it starts with fbk_live_) and that it has not been revoked.',
      );
    if (response.status === 429)
      throw new AppError('rate_limited', 'Too many wrong keys were tried from this computer; wait a minute and try again.');
    if (isEnvelope(body) && !body.ok && body.error.code === 'not_found')
      throw new AppError('bad_request', `${host} runs a Faxbot gateway too old to accept desktop windows; update it first.`);
    if (!isEnvelope(body) || !body.ok) {
      const detail = isEnvelope(body) && !body.ok ? body.error.message : `it answered ${response.status}`;
      throw new AppError('bad_request', `The office server refused the check: ${detail}`);
    }
    return body.value as CallerView;
  }

  /** One SSE stream from the server, relayed; reconnects with capped, jittered backoff while the link is in use. */
  private async followEvents(link: Link): Promise<void> {
    let delay: number = BACKOFF_MS.first;
    while (this.link === link && !this.closed) {
      const abort = new AbortController();
      this.streamAbort = abort;
      try {
        const response = await this.fetch(`${link.url}/events`, {
          headers: { accept: 'text/event-stream', 'x-api-key': link.apiKey },
          signal: abort.signal,
        });
        if (response.status === 401) {
          await response.body?.cancel().catch(() => undefined);
          this.rejected(link);
          return; // A refused key does not get better by retrying: the window asks for a new one.
        }
        if (!response.ok || !response.body) throw new Error(`it answered ${response.status}`);
        this.online(link);
        delay = BACKOFF_MS.first;
        await this.relay(response.body, abort);
        if (this.link === link) this.offline(link, 'the event stream ended');
      } catch (error) {
        if (this.link !== link || this.closed) return;
        this.offline(link, describeNetworkError(error, STREAM_IDLE_MS));
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay * (0.75 + Math.random() * 0.5));
        timer.unref?.();
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      delay = Math.min(delay * 2, BACKOFF_MS.max);
    }
  }

  private async relay(body: ReadableStream<Uint8Array>, abort: AbortController): Promise<void> {
    const decoder = new TextDecoder();
    const reader = body.getReader();
    let buffer = '';
    let idle = setTimeout(() => abort.abort(), STREAM_IDLE_MS);
    try {
      for (;;) {
        const { done, value: chunk } = await reader.read();
        if (done) return;
        clearTimeout(idle);
        idle = setTimeout(() => abort.abort(), STREAM_IDLE_MS);
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } finally {
      clearTimeout(idle);
    }
  }

  private dispatch(frame: string): void {
    let name = '';
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith('event:')) name = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (!EVENT_NAMES.includes(name as EventName) || name === 'remote:changed' || data.length === 0) return;
    try {
      this.emit(name as EventName, JSON.parse(data.join('\n')));
    } catch {
      // A malformed frame is skipped; the next gateway:status resynchronises the window.
    }
  }
}
