import { describe, expect, it } from 'vitest';
import { usePgTestCluster } from '../../testing/pg-test-db';
import { checkPool, openPool, parseDatabaseUrl, PgConfigError, PgConnectError } from './pool';
import { createServer } from 'node:net';

const pg = usePgTestCluster();

describe('DATABASE_URL', () => {
  it('accepts postgres:// and postgresql:// and labels the target without its password', () => {
    for (const scheme of ['postgres', 'postgresql']) {
      const target = parseDatabaseUrl(`${scheme}://fax:s3cret%21@db.office.lan:6543/faxbot?sslmode=require`);
      expect(target.label).toBe('fax@db.office.lan:6543/faxbot');
      expect(target.config).toMatchObject({ host: 'db.office.lan', port: 6543, user: 'fax', password: 's3cret!', database: 'faxbot' });
      expect(target.config.ssl).toEqual({ rejectUnauthorized: false });
    }
    expect(parseDatabaseUrl('postgres://fax@[::1]/faxbot').config).toMatchObject({ host: '::1', port: 5432, ssl: false });
  });

  it.each([
    ['mysql://fax:pw@db/faxbot', /must start with postgres:\/\/ or postgresql:\/\//],
    ['db.office.lan:5432/faxbot', /must start with postgres:\/\//],
    ['not a url', /not a URL/],
    ['postgres://fax:pw@db.office.lan:5432/', /names no database/],
    ['postgres://db.office.lan/faxbot', /names no user/],
    ['postgres://fax:pw@db/faxbot?sslmode=sometimes', /unknown sslmode "sometimes"/],
  ])('refuses %s with one sentence', (url, message) => {
    let error: unknown;
    try {
      parseDatabaseUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PgConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(':pw@');
  });
});

describe('openPool against a real cluster', () => {
  async function failure(url: string): Promise<PgConnectError> {
    const pool = openPool(url);
    try {
      await checkPool(pool, url);
    } catch (error) {
      return error as PgConnectError;
    } finally {
      await pool.end();
    }
    throw new Error('connected');
  }

  it('connects as a role that is not a superuser and owns its database; BIGINT and COUNT arrive as numbers', async () => {
    const url = await pg.freshUrl();
    const pool = await pg.pool(url);
    await checkPool(pool, url);
    const { rows } = await pool.query(
      `SELECT r.rolsuper, d.datdba = r.oid AS owns, 1700000000123::bigint AS ms, (SELECT COUNT(*) FROM pg_class) AS n
       FROM pg_roles r JOIN pg_database d ON d.datname = current_database() WHERE r.rolname = current_user`,
    );
    expect(rows[0]).toMatchObject({ rolsuper: false, owns: true, ms: 1700000000123 });
    expect(typeof rows[0].n).toBe('number');
  });

  it('says the password was refused, without the password', async () => {
    const url = (await pg.freshUrl()).replace(/:([0-9a-f]{32})@/, ':wrong-horse-battery@');
    const error = await failure(url);
    expect(error.message).toMatch(/^PostgreSQL at faxbot@127\.0\.0\.1:\d+\/t_\w+ refused the password \(authentication failed\)\.$/);
    expect(error.message).not.toContain('wrong-horse-battery');
    expect(error.code).toBe('28P01');
  });

  it('says a password is needed when the URL has none', async () => {
    const url = (await pg.freshUrl()).replace(/:([0-9a-f]{32})@/, '@');
    expect((await failure(url)).message).toMatch(/asks for a password and DATABASE_URL has none/);
  });

  it('says the database does not exist, and that nothing listens on a closed port', async () => {
    const info = await pg.info();
    const url = await pg.freshUrl();
    expect((await failure(url.replace(/\/t_\w+$/, '/no_such_db'))).message).toMatch(/the database does not exist/);

    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const port = (server.address() as { port: number }).port;
        server.close(() => resolve(port));
      });
    });
    const refused = await failure(url.replace(`:${info.port}/`, `:${closed}/`));
    expect(refused.message).toMatch(/refused the connection: is the server running/);
    expect(refused.message).not.toContain(info.rolePassword);
  });
});
