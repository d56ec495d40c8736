import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseToken } from '../security/api-key-tokens';
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

/**
 * Failed authentications allowed per minute, per client address and per key id. Right credentials
 * always pass (so one misconfigured script on this computer cannot lock out the others); wrong ones
 * over budget get 429 with Retry-After instead of 401, and a legacy (scrypt) hash is not even tried.
 */
export const AUTH_FAILURES_PER_MINUTE = { client: 30, keyId: 10 } as const;

const clientBucket = (request: FastifyRequest) => `auth-failures|ip:${request.ip}`;
const keyIdBucket = (keyId: string) => `auth-failures|key:${keyId}`;

/** Counts one failed authentication; throws 429 once the client or the key id is over budget. */
export function countAuthFailure(deps: AuthDeps, request: FastifyRequest, keyId: string | null): void {
  const client = deps.limiter.check(clientBucket(request), AUTH_FAILURES_PER_MINUTE.client);
  const key = keyId ? deps.limiter.check(keyIdBucket(keyId), AUTH_FAILURES_PER_MINUTE.keyId) : client;
  const retryAfter = Math.max(client.allowed ? 0 : client.retryAfterSeconds, key.allowed ? 0 : key.retryAfterSeconds);
  if (retryAfter === 0) return;
  // One audit row per budget that ran out (identical rows coalesce), not one per made-up key id.
  deps.audit.record('rate_limited', {
    path: 'auth-failures',
    key_id: key.allowed ? null : keyId,
    reason: client.allowed ? 'key_id' : 'client',
  });
  throw new AppError('rate_limited', 'Too many failed authentication attempts; wait and try again with a valid key', {
    'Retry-After': String(retryAfter),
  });
}

/** Checks a presented key; a wrong one is counted against the client's and the key id's failure budget. */
export async function authenticateKey(deps: AuthDeps, request: FastifyRequest, key: string): Promise<Caller | null> {
  const hit = deps.keys.cached(key);
  if (hit) return hit;
  const keyId = parseToken(key)?.keyId ?? null;
  const caller =
    hit === undefined
      ? await deps.keys.authenticate(key, {
          allowSlow: keyId === null || !deps.limiter.exceeded(keyIdBucket(keyId), AUTH_FAILURES_PER_MINUTE.keyId),
        })
      : null;
  if (!caller) countAuthFailure(deps, request, keyId);
  return caller;
}

/** Who is calling: a key holder, or anonymous (only allowed in Faxbot's dev mode). */
export async function identify(deps: AuthDeps, request: FastifyRequest): Promise<Caller | null> {
  const key = headerKey(request);
  return key ? authenticateKey(deps, request, key) : null;
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
  if (deps.authRequired()) {
    // A wrong key was counted by identify(); a missing one is counted here.
    if (!headerKey(request)) countAuthFailure(deps, request, null);
    throw new AppError('unauthorized', 'Invalid or missing API key');
  }
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

/** /admin/*: always authenticated, even in dev mode; failed attempts count against the failure budget. */
export async function requireAdmin(deps: AuthDeps, request: FastifyRequest): Promise<Caller> {
  const caller = await identify(deps, request);
  if (!caller || !isAdmin(caller)) {
    // A wrong key was counted by identify(); no key, or a valid key that is not an admin, is counted here.
    if (caller || !headerKey(request)) countAuthFailure(deps, request, caller?.keyId ?? null);
    throw new AppError('unauthorized', 'Admin authentication failed');
  }
  return caller;
}

export function noStore(reply: FastifyReply): FastifyReply {
  return reply.headers({ 'cache-control': 'no-cache, no-store, must-revalidate', pragma: 'no-cache', expires: '0' });
}
