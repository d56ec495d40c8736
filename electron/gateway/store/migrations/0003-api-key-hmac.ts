import { randomBytes } from 'node:crypto';
import type { Migration } from './index';

/**
 * API-key secrets are 256-bit random, so they are verified with HMAC-SHA-256 under a server key
 * (microseconds) instead of scrypt (tens of milliseconds a guess, paid by the server). The server
 * key is made here, once per database. Keys hashed with scrypt keep working: the first successful
 * check upgrades the stored hash (KeysService), since the secret is only known at that moment.
 */
export const apiKeyHmac: Migration = {
  version: 3,
  name: 'api-key-hmac',
  up(db) {
    db.exec(`
      CREATE TABLE server_keys (
        name TEXT PRIMARY KEY,
        secret BLOB NOT NULL,
        created_at INTEGER NOT NULL
      );
    `);
    db.prepare("INSERT INTO server_keys (name, secret, created_at) VALUES ('api-key-hmac', ?, ?)").run(randomBytes(32), Date.now());
  },
  // The key is made here, not by pgcrypto: the role may not create extensions.
  async pg(client) {
    await client.query(`
      CREATE TABLE server_keys (
        name TEXT PRIMARY KEY,
        secret BYTEA NOT NULL,
        created_at BIGINT NOT NULL
      )
    `);
    await client.query("INSERT INTO server_keys (name, secret, created_at) VALUES ('api-key-hmac', $1, $2)", [randomBytes(32), Date.now()]);
  },
};
