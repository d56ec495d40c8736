import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyringReachable } from './default';
import { KEYRING_SERVICE, KeyringSecretStore } from './keyring';
import { AsyncEntry } from '@napi-rs/keyring';

const reachable = await keyringReachable();
if (!reachable) console.warn('[keyring] No Secret Service reachable: skipping real-keychain tests (run under scripts/with-keyring.sh)');

describe.skipIf(!reachable)('KeyringSecretStore against a real Secret Service', () => {
  it('sets, reads, reports and deletes a secret', async () => {
    const store = new KeyringSecretStore();
    const value = `secret-${randomUUID()}`;
    await store.set('sinch.apiSecret', value);
    expect(await store.get('sinch.apiSecret')).toBe(value);
    expect(await store.status('sinch.apiSecret')).toEqual({ configured: true, source: 'keychain' });
    // Stored under our service name, visible to any Secret Service client.
    expect(await new AsyncEntry(KEYRING_SERVICE, 'sinch.apiSecret').getPassword()).toBe(value);
    await store.delete('sinch.apiSecret');
    expect(await store.get('sinch.apiSecret')).toBeNull();
    expect(await store.status('sinch.apiSecret')).toEqual({ configured: false, source: 'none' });
  });

  it('deleting a missing secret is a no-op', async () => {
    await expect(new KeyringSecretStore().delete('sip.inboundSecret')).resolves.toBeUndefined();
  });
});
