import type { FastifyReply, FastifyRequest } from 'fastify';
import { isAllowedOrigin, isLocalCaller } from '../security/origin';
import type { RateLimiter } from '../security/rate-limit';
import { AppError } from '../services/errors';
import { ANONYMOUS, hasScope, isAdmin, type Caller, type KeysService } from '../services/keys';
import type { AuditLog } from '../services/audit';

export interface AuthDeps {
  keys: KeysService;
  audit: AuditLog;
  limiter: RateLimiter;
  /** Faxbot's rule: auth is enforced when REQUIRE_API_KEY is on or API_KEY is set. */
  authRequired: () => boolean;
}

function headerKey(request: FastifyRequest): string | null {
  const value = request.headers['x-api-key'];
  // MCP clients send keys as `Authorization: Bearer <key>`; X-API-Key wins when both are present.
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const key = (Array.isArray(value) ? value[0] : value) ?? bearer;
  return key && key.length <= 512 ? key : null;
}

/** Who is calling: a key holder, or anonymous (only allowed in Faxbot's dev mode). */
export async function identify(deps: AuthDeps, request: FastifyRequest): Promise<Caller | null> {
  const key = headerKey(request);
  if (!key) return null;
  const hit = deps.keys.cached(key);
  return hit !== undefined ? hit : deps.keys.authenticate(key);
}

/** Anonymous (dev mode) calls: only from this computer, never through the tunnel, never cross-site. */
function allowAnonymous(request: FastifyRequest): void {
  if (!isLocalCaller(request.socket.remoteAddress, request.headers.host)) {
    throw new AppError('unauthorized', 'Invalid or missing API key (calls without a key are accepted only from this computer)');
  }
  if (!isAllowedOrigin(request.headers.origin, request.headers.host)) {
    throw new AppError('forbidden', 'Cross-site requests are not allowed');
  }
}

/** A key holder, or anonymous where Faxbot's dev mode allows it (no key needed, this computer only). */
export async function authenticate(deps: AuthDeps, request: FastifyRequest): Promise<Caller> {
  const caller = await identify(deps, request);
  if (caller) return caller;
  if (deps.authRequired()) throw new AppError('unauthorized', 'Invalid or missing API key');
  allowAnonymous(request);
  return ANONYMOUS;
}

/** Scope check for a known caller (anonymous dev-mode callers skip it, as in Faxbot), with the per-key rate limit. */
export function authorize(deps: AuthDeps, caller: Caller, scope: string, rate?: { bucket: string; limit: number }): void {
  if (caller.kind === 'anonymous') return;
  if (!hasScope(caller, scope)) {
    deps.audit.record('api_key_denied_scope', { key_id: caller.keyId, reason: scope });
    throw new AppError('forbidden', `Insufficient scope: ${scope} required`);
  }
  if (rate) limit(deps, caller, rate.bucket, rate.limit);
}

/** Scope check for the public API, with the per-key rate limit for authenticated callers. */
export async function requireScope(
  deps: AuthDeps,
  request: FastifyRequest,
  scope: string,
  rate?: { bucket: string; limit: number },
): Promise<Caller> {
  const caller = await authenticate(deps, request);
  authorize(deps, caller, scope, rate);
  return caller;
}

export function limit(deps: AuthDeps, caller: Caller, bucket: string, perMinute: number): void {
  const verdict = deps.limiter.check(`${caller.keyId}|${bucket}`, perMinute);
  if (!verdict.allowed) {
    deps.audit.record('rate_limited', { key_id: caller.keyId, path: bucket, limit: perMinute });
    throw new AppError('rate_limited', 'Rate limit exceeded', { 'Retry-After': String(verdict.retryAfterSeconds) });
  }
}

/** /admin/*: always authenticated, even in dev mode; failed attempts are rate limited per address. */
export async function requireAdmin(deps: AuthDeps, request: FastifyRequest): Promise<Caller> {
  const caller = await identify(deps, request);
  if (!caller || !isAdmin(caller)) {
    limit(deps, { kind: 'anonymous', keyId: `ip:${request.ip}`, scopes: new Set() }, 'admin-auth-failures', 30);
    throw new AppError('unauthorized', 'Admin authentication failed');
  }
  return caller;
}

export function noStore(reply: FastifyReply): FastifyReply {
  return reply.headers({ 'cache-control': 'no-cache, no-store, must-revalidate', pragma: 'no-cache', expires: '0' });
}
