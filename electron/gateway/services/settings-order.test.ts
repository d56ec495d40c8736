import { afterEach, describe, expect, it } from 'vitest';
import { startPhaxioEmulator, type PhaxioEmulator } from '../../../e2e/emulators/phaxio';
import type { SecretName } from '../../../shared/settings';
import type { CheckResult } from '../../../shared/types';
import { createPhaxioFactory } from '../providers/phaxio/provider';
import { MemorySecretStore } from '../secrets/memory';
import { startTestGateway, type TestGateway } from '../testing/harness';

const KEY = 'key_live_order';
const SECRET = 'secret_live_order';

/** A keychain that answers slowly (a locked Secret Service, a busy disk): rebuilds take time. */
class SlowSecretStore extends MemorySecretStore {
  override async get(name: SecretName): Promise<string | null> {
    await new Promise((resolve) => setTimeout(resolve, 40));
    return super.get(name);
  }
}

let gw: TestGateway | null = null;
let emu: PhaxioEmulator | null = null;
afterEach(async () => {
  await gw?.close();
  await emu?.close();
  gw = null;
  emu = null;
});

async function credentials(g: TestGateway): Promise<CheckResult> {
  const result = await g.invoke('setup:check', { backend: 'phaxio' });
  if (!result.ok) throw new Error(result.error.message);
  return (result.value as CheckResult[]).find((c) => c.id === 'credentials')!;
}

async function call(g: TestGateway, method: string, input: unknown): Promise<void> {
  const result = await g.invoke(method, input);
  if (!result.ok) throw new Error(result.error.message);
}

describe('save, then check: the check always tests what was just saved', () => {
  it('sequential saves and checks follow every change of secret and address', async () => {
    emu = await startPhaxioEmulator({ apiKey: KEY, apiSecret: SECRET, callbackToken: 'tok' });
    gw = await startTestGateway({
      secretStore: new SlowSecretStore(),
      settings: { backend: 'phaxio', phaxio: { baseUrl: emu.url } },
      providerFactories: { phaxio: createPhaxioFactory() },
      routes: [],
    });
    await call(gw, 'settings:setSecret', { name: 'phaxio.apiKey', value: KEY });
    await call(gw, 'settings:setSecret', { name: 'phaxio.apiSecret', value: 'wrong-secret' });
    expect(await credentials(gw)).toMatchObject({ state: 'fail', detail: 'Phaxio rejected the API key/secret.' });

    await call(gw, 'settings:setSecret', { name: 'phaxio.apiSecret', value: SECRET });
    expect(await credentials(gw)).toMatchObject({ state: 'pass' });

    // A new address that answers nothing: the check must see it at once, not the previous one.
    await call(gw, 'settings:update', { patch: { phaxio: { baseUrl: 'http://127.0.0.1:9/v2.1' } } });
    expect((await credentials(gw)).state).toBe('fail');

    await call(gw, 'settings:update', { patch: { phaxio: { baseUrl: emu.url } } });
    expect(await credentials(gw)).toMatchObject({ state: 'pass' });
  });

  it('a check requested while a save is still in flight waits for the rebuild that save started', async () => {
    emu = await startPhaxioEmulator({ apiKey: KEY, apiSecret: SECRET, callbackToken: 'tok' });
    gw = await startTestGateway({
      secretStore: new SlowSecretStore(),
      settings: { backend: 'phaxio', phaxio: { baseUrl: 'http://127.0.0.1:9/v2.1' } },
      providerFactories: { phaxio: createPhaxioFactory() },
      routes: [],
    });
    await call(gw, 'settings:setSecret', { name: 'phaxio.apiKey', value: KEY });
    await call(gw, 'settings:setSecret', { name: 'phaxio.apiSecret', value: SECRET });
    // Not awaited: a second window (or the tray) asks for the check while the save is running.
    const saving = call(gw, 'settings:update', { patch: { phaxio: { baseUrl: emu.url } } });
    const check = credentials(gw);
    await saving;
    expect(await check).toMatchObject({ state: 'pass' });
  });
});
