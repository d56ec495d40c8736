import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EVENT_NAMES, HTTP_STATUS_FOR } from '../../../shared/contract';
import type { GatewayCore } from '../core';
import { invoke } from '../rpc-handlers';
import type { UiSessionsRepository } from '../store/types';
import { isAllowedOrigin, isLoopbackHost } from '../security/origin';
import { tokenDigest } from '../security/api-key-tokens';
import { AppError } from '../services/errors';
import { isAdmin, UI_CALLER } from '../services/keys';
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

/** Loopback Host (no DNS rebinding), same-origin Origin, and a live session or an admin key. */
async function requireUi(core: GatewayCore, sessions: UiSessions, request: FastifyRequest): Promise<void> {
  if (!isLoopbackHost(request.headers.host)) throw new AppError('forbidden', 'The desktop API answers on loopback addresses only');
  if (!isAllowedOrigin(request.headers.origin, request.headers.host))
    throw new AppError('forbidden', 'Cross-site requests are not allowed');
  if (await sessions.valid(cookieValue(request))) return;
  const key = request.headers['x-api-key'];
  const caller = typeof key === 'string' ? await authenticateKey(core.auth, request, key) : null;
  if (caller && isAdmin(caller)) return;
  throw new AppError('unauthorized', 'Sign in to Faxbot Desktop first');
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
    await requireUi(core, sessions, request);
    const result = await invoke(core, request.params.method, request.body, UI_CALLER);
    return reply.code(result.ok ? 200 : HTTP_STATUS_FOR[result.error.code]).send(result);
  });

  app.get('/events', async (request, reply) => {
    await requireUi(core, sessions, request);
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
    // Events that happen while the status is read are held and follow it, so none is lost.
    let held: string[] | null = [];
    const unsubscribe = core.events.onAny((name, payload) => {
      if (!EVENT_NAMES.includes(name)) return;
      const message = `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
      if (held) held.push(message);
      else res.write(message);
    });
    const status = await core.status();
    res.write(`retry: 2000\n\nevent: gateway:status\ndata: ${JSON.stringify(status)}\n\n${held.join('')}`);
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
