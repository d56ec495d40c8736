import type { JobRow } from '../types';
import type { PgPool } from './pool';

/**
 * Outbox leases shared by several gateways on one database. A lease is renewed by its live owner
 * (every LEASE_RENEW_MS) and taken over once expired, so a dead instance's jobs move within
 * LEASE_MS plus one claim tick (the bound is 60 s). Expiry is judged by the database's
 * clock, so instances whose clocks disagree cannot take each other's live leases; due times
 * (`next_attempt_at`) stay on the caller's clock, as the outbox writes them.
 */
export const LEASE_MS = 30_000;
export const LEASE_RENEW_MS = 10_000;

const DB_NOW_MS = '(extract(epoch FROM clock_timestamp()) * 1000)::bigint';

export interface ClaimDue {
  owner: string;
  /** The caller's clock: jobs with next_attempt_at <= now are due. */
  now: number;
  limit: number;
  leaseMs?: number;
  /** Backends in an outage: their jobs wait. */
  pausedBackends?: readonly string[];
}

/**
 * The outbox's `lease` statement for PostgreSQL: due, unleased jobs in due order. SKIP LOCKED lets
 * two instances claim at the same moment without waiting on each other or taking the same job.
 */
export async function claimDueJobs(pool: PgPool, claim: ClaimDue): Promise<JobRow[]> {
  const { rows } = await pool.query<JobRow>(
    `WITH due AS (
       SELECT id FROM jobs
       WHERE status IN ('queued','retry_wait') AND next_attempt_at <= $3 AND lease_owner IS NULL AND backend <> ALL($5::text[])
       ORDER BY next_attempt_at, created_at
       LIMIT $4
       FOR UPDATE SKIP LOCKED
     )
     UPDATE jobs SET lease_owner = $1, lease_expires_at = ${DB_NOW_MS} + $2
     FROM due WHERE jobs.id = due.id
     RETURNING jobs.*`,
    [claim.owner, claim.leaseMs ?? LEASE_MS, claim.now, claim.limit, claim.pausedBackends ?? []],
  );
  return sortDue(rows);
}

/** UPDATE … RETURNING gives no order; the outbox submits in due order. */
function sortDue<T extends JobRow>(rows: T[]): T[] {
  return rows.sort((a, b) => a.next_attempt_at - b.next_attempt_at || a.created_at - b.created_at);
}

export type TakenOverJob = JobRow & { previous_owner: string };

/**
 * Jobs whose lease expired (their owner died or lost the database): this instance takes the lease,
 * then reconciles them (submit_state 'submitting' means ask the provider before any resend).
 */
export async function takeOverExpiredLeases(
  pool: PgPool,
  take: { owner: string; limit: number; leaseMs?: number },
): Promise<TakenOverJob[]> {
  const { rows } = await pool.query<TakenOverJob>(
    `WITH expired AS (
       SELECT id, lease_owner FROM jobs
       WHERE lease_owner IS NOT NULL AND lease_expires_at < ${DB_NOW_MS}
       ORDER BY lease_expires_at
       LIMIT $3
       FOR UPDATE SKIP LOCKED
     )
     UPDATE jobs SET lease_owner = $1, lease_expires_at = ${DB_NOW_MS} + $2
     FROM expired WHERE jobs.id = expired.id
     RETURNING jobs.*, expired.lease_owner AS previous_owner`,
    [take.owner, take.leaseMs ?? LEASE_MS, take.limit],
  );
  return rows;
}

/**
 * Extends this owner's leases; returns the ids still held. An id missing from the answer was taken
 * over (this instance stalled past its lease): the caller must stop working on that job.
 */
export async function renewLeases(pool: PgPool, owner: string, ids: readonly string[], leaseMs = LEASE_MS): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await pool.query<{ id: string }>(
    `UPDATE jobs SET lease_expires_at = ${DB_NOW_MS} + $3 WHERE id = ANY($2::text[]) AND lease_owner = $1 RETURNING id`,
    [owner, ids, leaseMs],
  );
  return new Set(rows.map((r) => r.id));
}

/** Gives a lease back; false when this owner no longer held it (someone took it over). */
export async function releaseLease(pool: PgPool, owner: string, id: string): Promise<boolean> {
  const { rowCount } = await pool.query('UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2', [
    id,
    owner,
  ]);
  return rowCount === 1;
}
