import { describe, expect, it } from 'vitest';
import { hashSecret } from '../../security/api-key-tokens';
import { AuditLog } from '../../services/audit';
import { EventBus } from '../../services/event-bus';
import { KeysService } from '../../services/keys';
import { migrationEngines } from '../../testing/migration-engines';
import { migrate, openDatabase, schemaVersion } from '../db';
import { SqliteAudit } from '../sqlite/audit';
import { SqliteKeys } from '../sqlite/keys';
import { initial } from './0001-initial';
import { jobUploads } from './0002-job-uploads';
import { apiKeyHmac } from './0003-api-key-hmac';

const SECRET = 'legacySecretFromBeforeMigration0003xxxxxxxx';
const TOKEN = `fbk_live_0123456789ab_${SECRET}`;

describe.each(migrationEngines())('migration 0003-api-key-hmac on $name', (engine) => {
  it('adds a 32-byte server key to a version-2 database and keeps its keys', async () => {
    const db = await engine.open([initial, jobUploads]);
    await db.run("INSERT INTO api_keys (key_id, key_hash, scopes, created_at) VALUES ('0123456789ab', 'scrypt$x', '[]', 1)");
    expect(await db.migrate([initial, jobUploads, apiKeyHmac])).toBe(1);
    expect(await db.version()).toBe(3);
    const [serverKey] = await db.all<{ secret: Buffer }>("SELECT secret FROM server_keys WHERE name = 'api-key-hmac'");
    expect(serverKey?.secret).toBeInstanceOf(Buffer);
    expect(serverKey?.secret).toHaveLength(32);
    expect(await db.all('SELECT key_id, key_hash FROM api_keys')).toEqual([{ key_id: '0123456789ab', key_hash: 'scrypt$x' }]);
  });

  it('gives each database its own server key', async () => {
    const key = async () => (await (await engine.open()).all<{ secret: Buffer }>('SELECT secret FROM server_keys'))[0]!.secret;
    expect((await key()).equals(await key())).toBe(false);
  });
});

describe('migration 0003-api-key-hmac with the keys service (SQLite)', () => {
  it('adds a server key to a version-2 database; its scrypt keys keep working and are upgraded on first use', async () => {
    const db = openDatabase(':memory:', [initial, jobUploads]);
    db.prepare("INSERT INTO api_keys (key_id, key_hash, scopes, created_at) VALUES ('0123456789ab', ?, '[\"fax:read\"]', 1)").run(
      await hashSecret(SECRET),
    );
    expect(migrate(db, [initial, jobUploads, apiKeyHmac])).toBe(1);
    expect(schemaVersion(db)).toBe(3);
    const serverKey = db.prepare("SELECT secret FROM server_keys WHERE name = 'api-key-hmac'").get() as { secret: Buffer };
    expect(serverKey.secret).toHaveLength(32);

    const now = () => 1_700_000_000_000;
    const audit = new AuditLog(new SqliteAudit(db), { now, target: () => ({ enabled: false, file: '', format: 'json' }) });
    const keys = () => new KeysService(new SqliteKeys(db), now, audit, new EventBus(), () => null);
    const hashOf = () => (db.prepare("SELECT key_hash FROM api_keys WHERE key_id = '0123456789ab'").get() as { key_hash: string }).key_hash;

    expect(await keys().authenticate(TOKEN.replace(SECRET, 'x'.repeat(43)))).toBeNull();
    expect(hashOf()).toMatch(/^scrypt\$/);
    // Over its failure budget a legacy key is not checked the slow way at all.
    expect(await keys().authenticate(TOKEN, { allowSlow: false })).toBeNull();
    expect((await keys().authenticate(TOKEN))?.keyId).toBe('0123456789ab');
    expect(hashOf()).toMatch(/^hmac-sha256\$/);
    // A fresh service (no cache) verifies the upgraded hash.
    expect((await keys().authenticate(TOKEN))?.scopes).toEqual(new Set(['fax:read']));
  });
});
