import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EVENT_NAMES, HTTP_STATUS_FOR, isMethodName } from '../../../shared/contract';
import type { GatewayCore } from '../core';
import { invoke } from '../rpc-handlers';
import type { UiSessionsRepository } from '../store/types';
import { isAllowedOrigin, isLoopbackHost } from '../security/origin';
import { tokenDigest } from '../security/api-key-tokens';
import { AppError } from '../services/errors';
import { EVENT_ACCESS, refusal, RPC_ACCESS, type RpcAccess } from '../security/rpc-access';
import { isAdmin, UI_CALLER, type Caller } from '../services/keys';
import { authenticateKey, countAuthFailure } from './auth';

const COOKIE = 'fbd_session';
const SESSION_TTL_MS = 12 * 60 * 60_000;
const LOGIN_CODE_TTL_MS = 10 * 60_000;
/** The query the window's sign-in page reads to explain a used or expired link (renderer/api/session.ts). */
const LINK_USED = 'link-used';

/**
 * Browser mode's door to the same services IPC reaches: /rpc/<method> and /events (SSE), behind a
 * session cookie. Sessions start from a one-time login link (printed by the CLI) or an admin key,
 * and are kept in the database (as digests) so an open window survives a gateway restart.
 */
export class UiSessions {
  private readonly codes = new Map<string, number>();

  constructor(
    private readonly store: UiSessionsRepository,
    private readonly now: () => number,
  ) {}

  mintLoginCode(): string {
    const code = randomBytes(24).toString('base64url');
    this.codes.set(tokenDigest(code), this.now() + LOGIN_CODE_TTL_MS);
    return code;
  }

  async redeem(code: string): Promise<string | null> {
    const key = tokenDigest(code);
    const expires = this.codes.get(key);
    this.codes.delete(key);
    return expires !== undefined && expires >= this.now() ? this.open() : null;
  }

  async open(): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await this.store.open(tokenDigest(id), this.now() + SESSION_TTL_MS, this.now());
    return id;
  }

  async valid(id: string | undefined): Promise<boolean> {
    if (!id) return false;
    const expiresAt = await this.store.expiresAt(tokenDigest(id));
    return expiresAt !== null && expiresAt >= this.now();
  }

  async close(id: string | undefined): Promise<void> {
    if (id) await this.store.close(tokenDigest(id));
  }
}

function cookieValue(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE) return rest.join('=');
  }
  return undefined;
}

function setSession(reply: FastifyReply, id: string): FastifyReply {
  return reply.header('set-cookie', `${COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_TTL_MS / 1000}`);
}

/**
 * The window's door. A browser session (loopback Host against DNS rebinding, same-origin, cookie)
 * is this computer's own window and may call everything. An API key (X-API-Key: a desktop window
 * connected to this gateway as its office server, or a script) may come from any address and gets
 * what its scopes allow (security/rpc-access.ts).
 */
async function requireWindow(core: GatewayCore, sessions: UiSessions, request: FastifyRequest): Promise<Caller> {
  if (!isAllowedOrigin(request.headers.origin, request.headers.host))
    throw new AppError('forbidden', 'Cross-site requests are not allowed');
  const key = request.headers['x-api-key'];
  if (typeof key === 'string') {
    const caller = await authenticateKey(core.auth, request, key);
    if (!caller) throw new AppError('unauthorized', 'Invalid or revoked API key');
    return caller;
  }
  if (!isLoopbackHost(request.headers.host)) throw new AppError('forbidden', 'The desktop API answers on loopback addresses only');
  if (await sessions.valid(cookieValue(request))) return UI_CALLER;
  throw new AppError('unauthorized', 'Sign in to Faxbot Desktop first');
}

/** 403 unless the caller may use what `access` guards (audited like the REST scope checks). */
function allow(core: GatewayCore, caller: Caller, access: RpcAccess): void {
  const reason = refusal(caller, access);
  if (reason === null) return;
  core.audit.record('api_key_denied_scope', { key_id: caller.keyId, reason: access });
  throw new AppError('forbidden', reason);
}

export function registerUiRoutes(app: FastifyInstance, core: GatewayCore, sessions: UiSessions): void {
  app.get<{ Querystring: { code?: string } }>('/ui/login', async (request, reply) => {
    if (!isLoopbackHost(request.headers.host)) throw new AppError('forbidden', 'The desktop API answers on loopback addresses only');
    const session = request.query.code ? await sessions.redeem(request.query.code) : null;
    if (session) return setSession(reply, session).redirect('/');
    // A reopened link in a browser that is still signed in just opens the window; otherwise the
    // window's sign-in page explains that links work once and how to get a new one.
    if (await sessions.valid(cookieValue(request))) return reply.redirect('/');
    countAuthFailure(core.auth, request, null);
    return reply.redirect(`/?signin=${LINK_USED}`);
  });

  app.get('/ui/session', async (request, reply) => {
    if (!(await sessions.valid(cookieValue(request)))) return reply.code(401).send({ detail: 'Not signed in' });
    return { authenticated: true };
  });

  app.post<{ Body: { apiKey?: unknown } }>('/ui/session', async (request, reply) => {
    if (!isLoopbackHost(request.headers.host)) throw new AppError('forbidden', 'The desktop API answers on loopback addresses only');
    if (!isAllowedOrigin(request.headers.origin, request.headers.host))
      throw new AppError('forbidden', 'Cross-site requests are not allowed');
    // Only failures count (per address and per key id): a right admin key always signs in.
    const apiKey = typeof request.body?.apiKey === 'string' ? request.body.apiKey : '';
    const caller = apiKey ? await authenticateKey(core.auth, request, apiKey) : null;
    if (!apiKey || (caller && !isAdmin(caller))) countAuthFailure(core.auth, request, caller?.keyId ?? null);
    if (!caller || !isAdmin(caller))
      throw new AppError('unauthorized', 'That key is not an admin key (it needs keys:manage, or use the bootstrap API_KEY)');
    return setSession(reply, await sessions.open()).send({ authenticated: true });
  });

  app.delete('/ui/session', async (request, reply) => {
    await sessions.close(cookieValue(request));
    return reply.header('set-cookie', `${COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`).send({ authenticated: false });
  });

  app.post<{ Params: { method: string } }>('/rpc/:method', { bodyLimit: 64 * 1024 * 1024 }, async (request, reply) => {
    const caller = await requireWindow(core, sessions, request);
    const method = request.params.method;
    if (isMethodName(method)) allow(core, caller, RPC_ACCESS[method]);
    const result = await invoke(core, method, request.body, caller);
    return reply.code(result.ok ? 200 : HTTP_STATUS_FOR[result.error.code]).send(result);
  });

  app.get('/events', async (request, reply) => {
    const caller = await requireWindow(core, sessions, request);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // Every stream starts with the current status, so a window that reconnects (gateway restarted,
    // laptop woke up) knows to refetch what it may have missed.
    // Events that happen while the status is read are held and follow it, so none is lost. The window's
    // events: this gateway's own, or the office server's while connected to one.
    let held: string[] | null = [];
    const unsubscribe = core.remote.events.onAny((name, payload) => {
      if (!EVENT_NAMES.includes(name) || refusal(caller, EVENT_ACCESS[name]) !== null) return;
      const message = `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
      if (held) held.push(message);
      else res.write(message);
    });
    const status = await invoke(core, 'gateway:status', {}, caller);
    res.write(`retry: 2000\n\n${status.ok ? `event: gateway:status\ndata: ${JSON.stringify(status.value)}\n\n` : ''}${held.join('')}`);
    held = null;
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    heartbeat.unref();
    const end = () => {
      clearInterval(heartbeat);
      unsubscribe();
    };
    request.raw.on('close', end);
    res.on('error', end);
  });
}
