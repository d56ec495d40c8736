import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MediaTokensRepository } from '../store/types';

export type MediaSubject = 'job' | 'inbound';
export type TokenCheck = 'ok' | 'invalid' | 'expired';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * 256-bit random tokens for /fax/{id}/pdf and /inbound/{id}/pdf. Only the SHA-256 is stored, so
 * a copy of the database cannot fetch documents; lookups go by hash, then compare in constant time.
 */
export class MediaTokens {
  constructor(
    private readonly store: MediaTokensRepository,
    private readonly now: () => number,
    private readonly random: (size: number) => Buffer = randomBytes,
  ) {}

  async mint(kind: MediaSubject, subjectId: string, ttlMinutes: number): Promise<{ token: string; expiresAt: number }> {
    const token = this.random(32).toString('base64url');
    const expiresAt = this.now() + ttlMinutes * 60_000;
    await this.store.insert({ token_hash: hashToken(token), subject_kind: kind, subject_id: subjectId, expires_at: expiresAt }, this.now());
    return { token, expiresAt };
  }

  async check(kind: MediaSubject, subjectId: string, token: string | undefined): Promise<TokenCheck> {
    if (!token || token.length > 200) return 'invalid';
    const hash = hashToken(token);
    const row = await this.store.find(hash);
    if (!row) return 'invalid';
    const sameHash = timingSafeEqual(Buffer.from(row.token_hash, 'hex'), Buffer.from(hash, 'hex'));
    if (!sameHash || row.subject_kind !== kind || row.subject_id !== subjectId) return 'invalid';
    return this.now() > row.expires_at ? 'expired' : 'ok';
  }

  /** Expired tokens are kept a day so a late fetch still answers "expired" rather than "invalid". */
  sweep(): Promise<number> {
    return this.store.deleteExpiredBefore(this.now() - 24 * 60 * 60_000);
  }
}
