import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SECRET_NAMES } from '../../../shared/settings';
import { createDefaultSecretStore, sessionBusMayExist } from './default';
import { aesGcmCipher, EncryptedFileSecretStore } from './encrypted-file';
import { EnvSecretStore } from './env';
import { SECRET_ENV_NAMES, secretFromEnv } from './env-names';
import { KeyringSecretStore, type KeyringEntry } from './keyring';
import { MemorySecretStore } from './memory';
import { SafeStorageSecretStore, type SafeStorageLike } from './safe-storage';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'faxbot-secrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = 'sk_live_very-secret-value';

/** A reversible stand-in for Electron's safeStorage that is obviously not plaintext. */
function fakeSafeStorage(available = true): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (plain) => Buffer.from(`enc:${Buffer.from(plain).reverse().toString('hex')}`),
    decryptString: (blob) => Buffer.from(blob.toString().slice(4), 'hex').reverse().toString(),
  };
}

describe('secret env names', () => {
  it('maps every secret name to at least one Faxbot variable', () => {
    for (const name of SECRET_NAMES) expect(SECRET_ENV_NAMES[name].length).toBeGreaterThan(0);
    expect(SECRET_ENV_NAMES['phaxio.apiSecret']).toEqual(['PHAXIO_API_SECRET']);
  });

  it('ignores blank values and honours aliases in order', () => {
    expect(secretFromEnv('phaxio.apiSecret', { PHAXIO_API_SECRET: '  ' })).toBeNull();
    expect(secretFromEnv('storage.s3SecretAccessKey', { AWS_SECRET_ACCESS_KEY: 'a' })).toBe('a');
    expect(secretFromEnv('storage.s3SecretAccessKey', { AWS_SECRET_ACCESS_KEY: 'a', S3_SECRET_ACCESS_KEY: 'b' })).toBe('b');
  });
});

describe('EnvSecretStore', () => {
  it('lets the environment win and reports its source', async () => {
    const inner = new MemorySecretStore();
    await inner.set('phaxio.apiSecret', 'stored');
    const store = new EnvSecretStore(inner, { PHAXIO_API_SECRET: 'from-env' });
    expect(await store.get('phaxio.apiSecret')).toBe('from-env');
    expect(await store.status('phaxio.apiSecret')).toEqual({ configured: true, source: 'env' });
    expect(await store.status('sinch.apiKey')).toEqual({ configured: false, source: 'none' });
    expect(store.kind).toBe('memory');
  });

  it('writes through to the inner store', async () => {
    const inner = new MemorySecretStore();
    const store = new EnvSecretStore(inner, {});
    await store.set('sinch.apiKey', 'k');
    expect(await inner.get('sinch.apiKey')).toBe('k');
    expect(await store.status('sinch.apiKey')).toEqual({ configured: true, source: 'keychain' });
    await store.delete('sinch.apiKey');
    expect(await store.get('sinch.apiKey')).toBeNull();
  });
});

describe('EncryptedFileSecretStore', () => {
  it('round-trips without the plain value ever touching the file', async () => {
    const store = new EncryptedFileSecretStore(dir);
    await store.set('phaxio.apiSecret', SECRET);
    const raw = readFileSync(store.filePath, 'utf8');
    expect(raw).not.toContain(SECRET);
    expect(raw).not.toContain(Buffer.from(SECRET).toString('base64'));
    expect(await new EncryptedFileSecretStore(dir).get('phaxio.apiSecret')).toBe(SECRET);
    expect(statSync(store.filePath).mode & 0o777).toBe(0o600);
    expect(statSync(store.keyPath).mode & 0o777).toBe(0o600);
  });

  it('keeps concurrent writes', async () => {
    const store = new EncryptedFileSecretStore(dir);
    await Promise.all(SECRET_NAMES.map((name, i) => store.set(name, `v${i}`)));
    for (const [i, name] of SECRET_NAMES.entries()) expect(await store.get(name)).toBe(`v${i}`);
    await store.delete('apiKey');
    expect(await store.status('apiKey')).toEqual({ configured: false, source: 'none' });
    expect(await store.status('sip.amiPassword')).toEqual({ configured: true, source: 'keychain' });
  });

  it('drops unknown names from a hand-edited file', async () => {
    const store = new EncryptedFileSecretStore(dir);
    writeFileSync(store.filePath, JSON.stringify({ version: 1, secrets: { evil: 'x', apiKey: 5 } }));
    await store.set('sinch.apiKey', 'k');
    expect(JSON.parse(readFileSync(store.filePath, 'utf8')).secrets).toEqual({ 'sinch.apiKey': expect.any(String) });
  });

  it('rejects tampered blobs (authenticated encryption)', () => {
    const cipher = aesGcmCipher(Buffer.alloc(32, 7));
    const blob = cipher.encrypt(SECRET);
    blob[blob.length - 1] = (blob[blob.length - 1] ?? 0) ^ 1;
    expect(() => cipher.decrypt(blob)).toThrow();
  });
});

describe('SafeStorageSecretStore', () => {
  it('stores safeStorage blobs only', async () => {
    const file = join(dir, 'secrets.bin.json');
    const store = new SafeStorageSecretStore(fakeSafeStorage(), file);
    expect(store.kind).toBe('safeStorage');
    await store.set('signalwire.signingKey', SECRET);
    expect(readFileSync(file, 'utf8')).not.toContain(SECRET);
    expect(await new SafeStorageSecretStore(fakeSafeStorage(), file).get('signalwire.signingKey')).toBe(SECRET);
  });

  it('refuses to run when the OS offers no encryption', () => {
    expect(() => new SafeStorageSecretStore(fakeSafeStorage(false), join(dir, 'x.json'))).toThrow(/not available/);
  });
});

describe('KeyringSecretStore (entry faked)', () => {
  it('uses one entry per secret name and maps missing to null', async () => {
    const saved = new Map<string, string>();
    const entryFor = (account: string): KeyringEntry => ({
      getPassword: async () => saved.get(account),
      setPassword: async (password) => void saved.set(account, password),
      deletePassword: async () => saved.delete(account),
    });
    const store = new KeyringSecretStore(entryFor);
    expect(await store.get('apiKey')).toBeNull();
    await store.set('apiKey', 'k');
    expect(saved.get('apiKey')).toBe('k');
    expect(await store.status('apiKey')).toEqual({ configured: true, source: 'keychain' });
    await store.delete('apiKey');
    expect(await store.status('apiKey')).toEqual({ configured: false, source: 'none' });
  });
});

describe('createDefaultSecretStore', () => {
  it('uses the keychain when reachable, with env overlay', async () => {
    const warnings: string[] = [];
    const store = await createDefaultSecretStore(
      { PHAXIO_API_KEY: 'e' },
      {
        dataDir: dir,
        warn: (m) => warnings.push(m),
        probe: async () => true,
      },
    );
    expect(store.kind).toBe('keychain');
    expect(await store.get('phaxio.apiKey')).toBe('e');
    expect(warnings).toEqual([]);
  });

  it('falls back to the encrypted file with one clear warning', async () => {
    const warnings: string[] = [];
    const store = await createDefaultSecretStore({}, { dataDir: dir, warn: (m) => warnings.push(m), probe: async () => false });
    expect(store.kind).toBe('encrypted-file');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/No OS keychain/);
    await store.set('sip.amiPassword', SECRET);
    expect(await store.get('sip.amiPassword')).toBe(SECRET);
    expect(warnings.join('')).not.toContain(SECRET);
  });
});

describe('sessionBusMayExist (whether the Secret Service is worth asking)', () => {
  const noFiles = () => false;

  it('on Linux with no session bus address, no display and no bus socket: no, so the native keyring is not loaded', () => {
    expect(sessionBusMayExist({}, 'linux', 1000, noFiles)).toBe(false);
    expect(sessionBusMayExist({ XDG_RUNTIME_DIR: '/run/user/1000', DISPLAY: '' }, 'linux', 1000, noFiles)).toBe(false);
  });

  it('on Linux with a bus address, a display, or a bus socket in the runtime folder: yes', () => {
    expect(sessionBusMayExist({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/tmp/bus' }, 'linux', 1000, noFiles)).toBe(true);
    expect(sessionBusMayExist({ DISPLAY: ':0' }, 'linux', 1000, noFiles)).toBe(true);
    const socketAt = (expected: string) => (path: string) => path === expected;
    expect(sessionBusMayExist({ XDG_RUNTIME_DIR: '/tmp/rt' }, 'linux', 1000, socketAt('/tmp/rt/bus'))).toBe(true);
    // Without XDG_RUNTIME_DIR, the systemd default for this user.
    expect(sessionBusMayExist({}, 'linux', 1000, socketAt('/run/user/1000/bus'))).toBe(true);
  });

  it('on macOS and Windows the keychain is always asked', () => {
    expect(sessionBusMayExist({}, 'darwin', 501, noFiles)).toBe(true);
    expect(sessionBusMayExist({}, 'win32', -1, noFiles)).toBe(true);
  });
});
