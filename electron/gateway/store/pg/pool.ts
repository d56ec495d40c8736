import pg from 'pg';

export type PgPool = pg.Pool;
export type PgClient = pg.ClientBase;

/** Where a PostgreSQL database is, with the password kept apart so no message can carry it. */
export interface PgTarget {
  config: pg.ClientConfig;
  /** `user@host:port/database`: safe to show in a message or a log. */
  label: string;
}

export class PgConfigError extends Error {
  override readonly name = 'PgConfigError';
}

/** One readable sentence about a failed connection or query; never contains the password. */
export class PgConnectError extends Error {
  override readonly name = 'PgConnectError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** Pool size and timeouts: a gateway needs a handful of connections, and no wait may hang forever. */
export const POOL_DEFAULTS = {
  max: 10,
  connectionTimeoutMillis: 5_000,
  idleTimeoutMillis: 30_000,
  statementTimeoutMs: 30_000,
} as const;

/**
 * int8 (BIGINT: millisecond timestamps, COUNT(*), identity ids) arrives as a JS number, as it does
 * from SQLite; every value we store is far below 2^53. NUMERIC stays a string.
 */
const INT8_OID = 20;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** Reads `DATABASE_URL` (Faxbot's name): `postgres://user:password@host:port/database?sslmode=require`. */
export function parseDatabaseUrl(url: string): PgTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PgConfigError('DATABASE_URL is not a URL: expected postgres://user:password@host:5432/database.');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new PgConfigError(`DATABASE_URL must start with postgres:// or postgresql:// (it starts with ${parsed.protocol}//).`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!parsed.hostname) throw new PgConfigError('DATABASE_URL names no host: expected postgres://user:password@host:5432/database.');
  if (!database || database.includes('/')) {
    throw new PgConfigError('DATABASE_URL names no database: expected postgres://user:password@host:5432/database.');
  }
  const port = parsed.port ? Number(parsed.port) : 5432;
  const user = decodeURIComponent(parsed.username);
  if (!user) throw new PgConfigError('DATABASE_URL names no user: expected postgres://user:password@host:5432/database.');
  const sslmode = parsed.searchParams.get('sslmode');
  if (sslmode !== null && !['disable', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'].includes(sslmode)) {
    throw new PgConfigError(`DATABASE_URL has an unknown sslmode "${sslmode}" (use disable, require, verify-ca or verify-full).`);
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const config: pg.ClientConfig = {
    host,
    port,
    user,
    password: decodeURIComponent(parsed.password),
    database,
    application_name: 'faxbot-desktop',
    types: pgTypes,
    keepAlive: true,
    // verify-ca/verify-full check the server's certificate; require/no-verify only encrypt (as libpq's require does).
    ssl: sslmode === null || sslmode === 'disable' || sslmode === 'prefer' ? false : { rejectUnauthorized: sslmode.startsWith('verify') },
  };
  return { config, label: `${user}@${parsed.hostname}:${port}/${database}` };
}

/** Opens a pool (connections are made on first use; `checkPool` proves the URL works). */
export function openPool(url: string, options: { max?: number; onError?: (message: string) => void } = {}): PgPool {
  const target = parseDatabaseUrl(url);
  const pool = new pg.Pool({
    ...target.config,
    max: options.max ?? POOL_DEFAULTS.max,
    connectionTimeoutMillis: POOL_DEFAULTS.connectionTimeoutMillis,
    idleTimeoutMillis: POOL_DEFAULTS.idleTimeoutMillis,
    statement_timeout: POOL_DEFAULTS.statementTimeoutMs,
  });
  // An idle connection that dies (server restart, pg_terminate_backend) is dropped by the pool;
  // without a listener its 'error' event would crash the process.
  pool.on('error', (error) => options.onError?.(describePgError(error, target.label)));
  return pool;
}

/** Connects once and runs `SELECT 1`, turning any failure into one readable sentence. */
export async function checkPool(pool: PgPool, url: string): Promise<void> {
  const { label } = parseDatabaseUrl(url);
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    throw new PgConnectError(describePgError(error, label), errorCode(error));
  }
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A connection or query failure as one sentence naming `label` (never the password). */
export function describePgError(error: unknown, label: string): string {
  const code = errorCode(error);
  switch (code) {
    case 'ECONNREFUSED':
      return `PostgreSQL at ${label} refused the connection: is the server running and listening on that port?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `PostgreSQL host in ${label} could not be found (DNS).`;
    case 'ETIMEDOUT':
      return `PostgreSQL at ${label} did not answer in time.`;
    case 'ECONNRESET':
    case '57P01':
      return `PostgreSQL at ${label} closed the connection.`;
    case '28P01':
      return `PostgreSQL at ${label} refused the password (authentication failed).`;
    case '28000':
      return `PostgreSQL at ${label} does not allow this user to connect from here (pg_hba.conf).`;
    case '3D000':
      return `PostgreSQL at ${label}: the database does not exist.`;
    case '42501':
      return `PostgreSQL at ${label}: the role lacks a permission this needs.`;
    case '57014':
      return `PostgreSQL at ${label}: a statement ran longer than ${POOL_DEFAULTS.statementTimeoutMs / 1000} s and was canceled.`;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/timeout exceeded when trying to connect|Connection terminated due to connection timeout/i.test(message)) {
    return `PostgreSQL at ${label} did not answer within ${POOL_DEFAULTS.connectionTimeoutMillis / 1000} s.`;
  }
  if (/client password must be a string/i.test(message)) {
    return `PostgreSQL at ${label} asks for a password and DATABASE_URL has none (postgres://user:password@host/database).`;
  }
  if (/does not support SSL|server does not support ssl/i.test(message)) {
    return `PostgreSQL at ${label} does not offer TLS; remove sslmode from DATABASE_URL or enable ssl on the server.`;
  }
  // Server messages name objects, never the connection password; keep only the first line.
  return `PostgreSQL at ${label}: ${message.split('\n')[0]}`;
}
