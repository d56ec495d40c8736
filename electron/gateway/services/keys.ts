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
import type { Db } from '../store/db';
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

interface KeyRow {
  key_id: string;
  key_hash: string;
  name: string | null;
  owner: string | null;
  scopes: string;
  note: string | null;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function view(row: KeyRow): ApiKeyView {
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
  private readonly sql;
  private readonly serverKey: Buffer;

  constructor(
    db: Db,
    private readonly now: () => number,
    private readonly audit: AuditLog,
    private readonly events: EventBus,
    private readonly bootstrapKey: () => string | null,
  ) {
    this.sql = {
      insert: db.prepare(
        'INSERT INTO api_keys (key_id, key_hash, name, owner, scopes, note, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      get: db.prepare('SELECT * FROM api_keys WHERE key_id = ?'),
      list: db.prepare('SELECT * FROM api_keys ORDER BY created_at DESC'),
      revoke: db.prepare('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE key_id = ?'),
      rotate: db.prepare('UPDATE api_keys SET key_hash = ?, last_used_at = NULL WHERE key_id = ?'),
      used: db.prepare('UPDATE api_keys SET last_used_at = ? WHERE key_id = ?'),
      count: db.prepare('SELECT COUNT(*) AS n FROM api_keys WHERE revoked_at IS NULL'),
      upgrade: db.prepare('UPDATE api_keys SET key_hash = ? WHERE key_id = ? AND key_hash = ?'),
    };
    const row = db.prepare("SELECT secret FROM server_keys WHERE name = 'api-key-hmac'").get() as { secret: Buffer } | undefined;
    if (!row) throw new Error('The database has no API-key server key (migration 0003 did not run)');
    this.serverKey = row.secret;
  }

  /** Refuses keys that could never be used: already expired, or with scopes nothing checks. */
  async create(input: KeyCreateInput): Promise<CreatedApiKey> {
    const expiresAt = input.expiresAt ? Date.parse(input.expiresAt) : null;
    if (expiresAt !== null && !(expiresAt > this.now())) throw badRequest('expires_at must be in the future');
    const scopes = [...new Set(input.scopes.map((s) => s.trim()).filter(Boolean))];
    const unknown = scopes.filter((scope) => !KNOWN_SCOPES.has(scope));
    if (unknown.length > 0) throw badRequest(`Unknown scope ${unknown.join(', ')} (known: ${[...KNOWN_SCOPES].join(', ')})`);
    const { keyId, secret, token } = generateToken();
    this.sql.insert.run(
      keyId,
      hmacSecret(secret, this.serverKey),
      input.name ?? null,
      input.owner ?? null,
      JSON.stringify(scopes),
      input.note ?? null,
      this.now(),
      expiresAt,
    );
    this.audit.record('api_key_created', { key_id: keyId, scopes: scopes.join(',') });
    this.events.emit('keys:changed', { keyId });
    return { key: this.get(keyId), token };
  }

  get(keyId: string): ApiKeyView {
    const row = this.sql.get.get(keyId) as KeyRow | undefined;
    if (!row) throw notFound('Key not found');
    return view(row);
  }

  list(): ApiKeyView[] {
    return (this.sql.list.all() as KeyRow[]).map(view);
  }

  activeCount(): number {
    return (this.sql.count.get() as { n: number }).n;
  }

  revoke(keyId: string): ApiKeyView {
    this.get(keyId);
    this.sql.revoke.run(this.now(), keyId);
    this.forget(keyId);
    this.audit.record('api_key_revoked', { key_id: keyId });
    this.events.emit('keys:changed', { keyId });
    return this.get(keyId);
  }

  /** Same key id, new secret; a revoked key stays revoked, so rotating it is refused (its token could never work). */
  async rotate(keyId: string): Promise<CreatedApiKey> {
    if (this.get(keyId).revokedAt !== null) throw conflict('This key is revoked and cannot be rotated; create a new key instead');
    const { secret } = generateToken();
    const token = `fbk_live_${keyId}_${secret}`;
    this.sql.rotate.run(hmacSecret(secret, this.serverKey), keyId);
    this.forget(keyId);
    this.audit.record('api_key_rotated', { key_id: keyId });
    this.events.emit('keys:changed', { keyId });
    return { key: this.get(keyId), token };
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
    const row = this.sql.get.get(parsed.keyId) as KeyRow | undefined;
    if (!row || row.revoked_at !== null || (row.expires_at !== null && now > row.expires_at)) return null;
    if (!isLegacyHash(row.key_hash)) {
      if (!verifyHmacSecret(parsed.secret, row.key_hash, this.serverKey)) return null;
    } else {
      if (options.allowSlow === false || !(await verifySecret(parsed.secret, row.key_hash))) return null;
      // Re-read: the key may have been revoked or rotated while scrypt ran.
      const fresh = this.sql.get.get(parsed.keyId) as KeyRow | undefined;
      if (!fresh || fresh.revoked_at !== null || fresh.key_hash !== row.key_hash) return null;
      this.bestEffortWrite(() => this.sql.upgrade.run(hmacSecret(parsed.secret, this.serverKey), row.key_id, row.key_hash));
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
    this.bestEffortWrite(() => this.sql.used.run(now, keyId));
  }

  /** Bookkeeping that must not fail a request while the disk is full (the key still works). */
  private bestEffortWrite(write: () => void): void {
    try {
      write();
    } catch (error) {
      if (!isStorageFailure(error)) throw error;
    }
  }

  private forget(keyId: string): void {
    for (const digest of this.digestsByKey.get(keyId) ?? []) this.cache.delete(digest);
    this.digestsByKey.delete(keyId);
  }
}
