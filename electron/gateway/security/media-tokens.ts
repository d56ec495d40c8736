import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../store/db';

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
  private readonly insert;
  private readonly find;
  private readonly purge;

  constructor(
    db: Db,
    private readonly now: () => number,
    private readonly random: (size: number) => Buffer = randomBytes,
  ) {
    this.insert = db.prepare(
      'INSERT INTO media_tokens (token_hash, subject_kind, subject_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.find = db.prepare('SELECT token_hash, subject_kind, subject_id, expires_at FROM media_tokens WHERE token_hash = ?');
    this.purge = db.prepare('DELETE FROM media_tokens WHERE expires_at < ?');
  }

  mint(kind: MediaSubject, subjectId: string, ttlMinutes: number): { token: string; expiresAt: number } {
    const token = this.random(32).toString('base64url');
    const expiresAt = this.now() + ttlMinutes * 60_000;
    this.insert.run(hashToken(token), kind, subjectId, expiresAt, this.now());
    return { token, expiresAt };
  }

  check(kind: MediaSubject, subjectId: string, token: string | undefined): TokenCheck {
    if (!token || token.length > 200) return 'invalid';
    const hash = hashToken(token);
    const row = this.find.get(hash) as { token_hash: string; subject_kind: string; subject_id: string; expires_at: number } | undefined;
    if (!row) return 'invalid';
    const sameHash = timingSafeEqual(Buffer.from(row.token_hash, 'hex'), Buffer.from(hash, 'hex'));
    if (!sameHash || row.subject_kind !== kind || row.subject_id !== subjectId) return 'invalid';
    return this.now() > row.expires_at ? 'expired' : 'ok';
  }

  /** Expired tokens are kept a day so a late fetch still answers "expired" rather than "invalid". */
  sweep(): number {
    return this.purge.run(this.now() - 24 * 60 * 60_000).changes;
  }
}
