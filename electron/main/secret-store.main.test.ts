import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createElectronSecretStore } from './secret-store.main';
import { fakeSafeStorage } from './testing/fake-electron';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'faxbot-esecrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('createElectronSecretStore', () => {
  it('uses safeStorage when the OS provides real encryption; env still wins', async () => {
    const warnings: string[] = [];
    const store = createElectronSecretStore(fakeSafeStorage(), dir, { SINCH_API_KEY: 'env-key' }, 'linux', (m) => warnings.push(m));
    expect(store.kind).toBe('safeStorage');
    await store.set('sinch.apiSecret', 'sk_live_abc');
    expect(readFileSync(join(dir, 'secrets.safe-storage.json'), 'utf8')).not.toContain('sk_live_abc');
    expect(await store.get('sinch.apiSecret')).toBe('sk_live_abc');
    expect(await store.get('sinch.apiKey')).toBe('env-key');
    expect(await store.status('sinch.apiKey')).toEqual({ configured: true, source: 'env' });
    expect(warnings).toEqual([]);
  });

  it("falls back to the encrypted file with a warning on Linux's basic_text backend", async () => {
    const warnings: string[] = [];
    const store = createElectronSecretStore(fakeSafeStorage(true, 'basic_text'), dir, {}, 'linux', (m) => warnings.push(m));
    expect(store.kind).toBe('encrypted-file');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/no keychain/);
    await store.set('phaxio.apiSecret', 'sk_live_def');
    expect(readFileSync(join(dir, 'secrets', 'secrets.enc.json'), 'utf8')).not.toContain('sk_live_def');
  });

  it('falls back when safeStorage is unavailable', () => {
    expect(createElectronSecretStore(fakeSafeStorage(false), dir, {}, 'win32', () => undefined).kind).toBe('encrypted-file');
  });

  it('trusts safeStorage on macOS and Windows whatever backend name it reports', () => {
    expect(createElectronSecretStore(fakeSafeStorage(true, 'unknown'), dir, {}, 'darwin', () => undefined).kind).toBe('safeStorage');
  });
});
