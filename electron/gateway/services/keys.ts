import type { KeyCreateInput } from '../../../shared/contract';
import { SCOPES, type ApiKeyView, type CreatedApiKey } from '../../../shared/types';
import { timingSafeEqual } from 'node:crypto';
import {
  generateToken,
  hmacSecret,
  isLegacyHash,
  parseToken,
  tokenDigest,
  verifyHmacSecret,
  verifySecret,
} from '../security/api-key-tokens';
import type { ApiKeyRow, KeysRepository } from '../store/types';
import type { AuditLog } from './audit';
import { isStorageFailure } from './disk-health';
import { badRequest, conflict, notFound } from './errors';
import type { EventBus } from './event-bus';

export interface Caller {
  kind: 'env' | 'key' | 'anonymous' | 'ui';
  keyId: string | null;
  scopes: ReadonlySet<string>;
  /** The key's name (a person or a script), for "who sent it?"; absent for callers without a key row. */
  name?: string | null;
}

export const ANONYMOUS: Caller = { kind: 'anonymous', keyId: null, scopes: new Set() };
export const UI_CALLER: Caller = { kind: 'ui', keyId: 'ui', scopes: new Set(['*', 'keys:manage']) };

/** Faxbot's rule: a caller passes with "*" or the named scope. */
export function hasScope(caller: Caller, scope: string): boolean {
  return caller.scopes.has('*') || caller.scopes.has(scope);
}

/** Admin is the env key, the desktop UI, or a key that literally holds keys:manage (not "*"). */
export function isAdmin(caller: Caller): boolean {
  return caller.kind === 'env' || caller.kind === 'ui' || caller.scopes.has('keys:manage');
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function view(row: ApiKeyRow): ApiKeyView {
  return {
    keyId: row.key_id,
    name: row.name,
    owner: row.owner,
    scopes: JSON.parse(row.scopes) as string[],
    note: row.note,
    createdAt: iso(row.created_at) as string,
    lastUsedAt: iso(row.last_used_at),
    expiresAt: iso(row.expires_at),
    revokedAt: iso(row.revoked_at),
  };
}

interface CachedKey {
  keyId: string;
  expiresAt: number | null;
  caller: Caller;
}

const ENV_CALLER: Caller = { kind: 'env', keyId: 'env', scopes: new Set(['*']) };

/** Only so often is last_used_at written, so a busy key does not turn every read into a write. */
const LAST_USED_RESOLUTION_MS = 60_000;
const KNOWN_SCOPES = new Set<string>(['*', ...SCOPES]);

export class KeysService {
  private readonly cache = new Map<string, CachedKey>();
  private readonly digestsByKey = new Map<string, Set<string>>();
  private readonly lastUsedWritten = new Map<string, number>();
  private bootstrapDigest: { key: string; digest: Buffer } | null = null;
  private serverKeyRead: Promise<Buffer> | null = null;

  constructor(
    private readonly store: KeysRepository,
    private readonly now: () => number,
    private readonly audit: AuditLog,
    private readonly events: EventBus,
    private readonly bootstrapKey: () => string | null,
  ) {}

  /** Read once, on first use; a read that failed is tried again next time. */
  private serverKey(): Promise<Buffer> {
    this.serverKeyRead ??= this.store.serverKey().then((key) => {
      if (!key) throw new Error('The database has no API-key server key (migration 0003 did not run)');
      return key;
    });
    return this.serverKeyRead.catch((error: unknown) => {
      this.serverKeyRead = null;
      throw error;
    });
  }

  /** Refuses keys that could never be used: already expired, or with scopes nothing checks. */
  async create(input: KeyCreateInput): Promise<CreatedApiKey> {
    const expiresAt = input.expiresAt ? Date.parse(input.expiresAt) : null;
    if (expiresAt !== null && !(expiresAt > this.now())) throw badRequest('expires_at must be in the future');
    const scopes = [...new Set(input.scopes.map((s) => s.trim()).filter(Boolean))];
    const unknown = scopes.filter((scope) => !KNOWN_SCOPES.has(scope));
    if (unknown.length > 0) throw badRequest(`Unknown scope ${unknown.join(', ')} (known: ${[...KNOWN_SCOPES].join(', ')})`);
    const { keyId, secret, token } = generateToken();
    await this.store.insert({
      key_id: keyId,
      key_hash: hmacSecret(secret, await this.serverKey()),
      name: input.name ?? null,
      owner: input.owner ?? null,
      scopes: JSON.stringify(scopes),
      note: input.note ?? null,
      created_at: this.now(),
      expires_at: expiresAt,
    });
    this.audit.record('api_key_created', { key_id: keyId, scopes: scopes.join(',') });
    this.events.emit('keys:changed', { keyId });
    return { key: await this.get(keyId), token };
  }

  async get(keyId: string): Promise<ApiKeyView> {
    const row = await this.store.get(keyId);
    if (!row) throw notFound('Key not found');
    return view(row);
  }

  async list(): Promise<ApiKeyView[]> {
    return (await this.store.list()).map(view);
  }

  activeCount(): Promise<number> {
    return this.store.activeCount();
  }

  async revoke(keyId: string): Promise<ApiKeyView> {
    await this.get(keyId);
    await this.store.revoke(keyId, this.now());
    this.forget(keyId);
    this.audit.record('api_key_revoked', { key_id: keyId });
    this.events.emit('keys:changed', { keyId });
    return await this.get(keyId);
  }

  /** Same key id, new secret; a revoked key stays revoked, so rotating it is refused (its token could never work). */
  async rotate(keyId: string): Promise<CreatedApiKey> {
    if ((await this.get(keyId)).revokedAt !== null) throw conflict('This key is revoked and cannot be rotated; create a new key instead');
    const { secret } = generateToken();
    const token = `fbk_live_${keyId}_${secret}`;
    await this.store.replaceHash(keyId, hmacSecret(secret, await this.serverKey()));
    this.forget(keyId);
    this.audit.record('api_key_rotated', { key_id: keyId });
    this.events.emit('keys:changed', { keyId });
    return { key: await this.get(keyId), token };
  }

  /**
   * The per-request fast path: a token that was already verified is answered from memory,
   * synchronously. `undefined` means "not cached, ask authenticate()".
   */
  cached(token: string): Caller | null | undefined {
    const digest = tokenDigest(token);
    if (this.isBootstrap(digest)) return ENV_CALLER;
    const cached = this.cache.get(digest);
    if (!cached) return undefined;
    const now = this.now();
    if (cached.expiresAt !== null && now > cached.expiresAt) return null;
    this.touch(cached.keyId, now);
    return cached.caller;
  }

  /**
   * null = not a valid key. HMAC-stored secrets are checked in microseconds. A legacy (scrypt) hash
   * is checked the slow way only when `allowSlow` (the caller's failure budget for this key id is
   * not spent), then upgraded to HMAC, so each legacy key pays scrypt once.
   */
  async authenticate(token: string, options: { allowSlow?: boolean } = {}): Promise<Caller | null> {
    const hit = this.cached(token);
    if (hit !== undefined) return hit;
    const now = this.now();
    const digest = tokenDigest(token);
    const parsed = parseToken(token);
    if (!parsed) return null;
    const row = await this.store.get(parsed.keyId);
    if (!row || row.revoked_at !== null || (row.expires_at !== null && now > row.expires_at)) return null;
    const serverKey = await this.serverKey();
    if (!isLegacyHash(row.key_hash)) {
      if (!verifyHmacSecret(parsed.secret, row.key_hash, serverKey)) return null;
    } else {
      if (options.allowSlow === false || !(await verifySecret(parsed.secret, row.key_hash))) return null;
      // Re-read: the key may have been revoked or rotated while scrypt ran.
      const fresh = await this.store.get(parsed.keyId);
      if (!fresh || fresh.revoked_at !== null || fresh.key_hash !== row.key_hash) return null;
      await this.bestEffort(this.store.upgradeHash(row.key_id, row.key_hash, hmacSecret(parsed.secret, serverKey)));
    }
    const scopes = new Set(JSON.parse(row.scopes) as string[]);
    const entry: CachedKey = {
      keyId: row.key_id,
      expiresAt: row.expires_at,
      caller: { kind: 'key', keyId: row.key_id, scopes, name: row.name },
    };
    this.cache.set(digest, entry);
    let digests = this.digestsByKey.get(row.key_id);
    if (!digests) this.digestsByKey.set(row.key_id, (digests = new Set()));
    digests.add(digest);
    this.touch(row.key_id, now);
    return entry.caller;
  }

  /** One hash per request: the token's digest is compared, in constant time, with the bootstrap key's. */
  private isBootstrap(digest: string): boolean {
    const bootstrap = this.bootstrapKey();
    if (!bootstrap) return false;
    if (this.bootstrapDigest?.key !== bootstrap) this.bootstrapDigest = { key: bootstrap, digest: Buffer.from(tokenDigest(bootstrap)) };
    const candidate = Buffer.from(digest);
    return candidate.length === this.bootstrapDigest.digest.length && timingSafeEqual(candidate, this.bootstrapDigest.digest);
  }

  private touch(keyId: string, now: number): void {
    if (now - (this.lastUsedWritten.get(keyId) ?? 0) < LAST_USED_RESOLUTION_MS) return;
    this.lastUsedWritten.set(keyId, now);
    void this.bestEffort(this.store.touch(keyId, now));
  }

  /** Bookkeeping (last use, hash upgrade) that must not fail a request while the disk is full (the key still works). */
  private async bestEffort(write: Promise<unknown>): Promise<void> {
    try {
      await write;
    } catch (error) {
      if (!isStorageFailure(error)) throw error;
    }
  }

  private forget(keyId: string): void {
    for (const digest of this.digestsByKey.get(keyId) ?? []) this.cache.delete(digest);
    this.digestsByKey.delete(keyId);
  }
}
