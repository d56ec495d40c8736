// The product path end to end: the tunnel is the gateway's only public URL, and the SignalWire
// emulator fetches the tokenised MediaUrl and posts its signed status callbacks THROUGH it.
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAGIC_NUMBERS, startSignalWireEmulator, type SignalWireEmulator } from '../../../e2e/emulators/signalwire';
import { makePdf } from '../../../e2e/emulators/test-receiver';
import { startTunnelServer, type TunnelServer } from '../../../e2e/emulators/tunnel-server';
import { EnvSecretStore } from '../secrets/env';
import { MemorySecretStore } from '../secrets/memory';
import { faxForm, startTestGateway, type TestGateway } from '../testing/harness';

let server: TunnelServer;
let emu: SignalWireEmulator;
let gw: TestGateway;
let previousDispatcher: Dispatcher;

beforeAll(async () => {
  // The emulator fetches with the global fetch, and getaddrinfo here does not resolve *.localhost:
  // a test-only global dispatcher maps those names to loopback (as RFC 6761 intends).
  previousDispatcher = getGlobalDispatcher();
  setGlobalDispatcher(
    new Agent({
      connect: {
        lookup: ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) =>
          hostname.endsWith('.localhost') || hostname === '127.0.0.1'
            ? options.all
              ? callback(null, [{ address: '127.0.0.1', family: 4 }])
              : callback(null, '127.0.0.1', 4)
            : callback(Object.assign(new Error(`test resolves only loopback names, not ${hostname}`), { code: 'ENOTFOUND' }))) as never,
      },
    }),
  );
  server = await startTunnelServer();
  emu = await startSignalWireEmulator({ projectId: 'proj-tunnel', apiToken: 'PT_tunnel_token', signingKey: 'PSK_tunnel_key' });
  const env = {
    FAX_BACKEND: 'signalwire',
    SIGNALWIRE_SPACE_URL: emu.url,
    SIGNALWIRE_PROJECT_ID: 'proj-tunnel',
    SIGNALWIRE_API_TOKEN: 'PT_tunnel_token',
    SIGNALWIRE_WEBHOOK_SIGNING_KEY: 'PSK_tunnel_key',
    SIGNALWIRE_FAX_FROM_E164: '+15550109999',
    ENFORCE_PUBLIC_HTTPS: 'false',
    TUNNEL_ENABLED: 'true',
    TUNNEL_HOST: server.origin,
    TUNNEL_SUBDOMAIN: 'faxdesk-sw',
  };
  gw = await startTestGateway({ env, secretStore: new EnvSecretStore(new MemorySecretStore(), env) });
  await gw.core.providers.refresh();
});

afterAll(async () => {
  await gw?.close();
  await emu?.close();
  await server?.stop();
  setGlobalDispatcher(previousDispatcher);
});

describe('SignalWire through the tunnel', () => {
  it('fetches the media and delivers signed callbacks via the tunnel URL', async () => {
    const tunnel = await gw.core.tunnel.settled(10_000);
    expect(tunnel.state).toBe('up');
    expect(await gw.core.status()).toMatchObject({ publicUrl: tunnel.url, publicUrlSource: 'tunnel', callbacksEnabled: true });

    const res = await gw.post(
      '/fax',
      faxForm(MAGIC_NUMBERS.success, { name: 'memo.pdf', bytes: await makePdf(2), type: 'application/pdf' }),
    );
    expect(res.status).toBe(202);
    const done = await gw.waitForJob(res.body.id, ['delivered', 'failed'], 15_000);
    expect(done).toMatchObject({ state: 'delivered', pages: 2 });

    const [fax] = emu.faxes();
    expect(fax?.mediaUrl.startsWith(`${tunnel.url}/fax/${res.body.id}/pdf?token=`)).toBe(true);
    expect(fax?.mediaFetchStatus).toBe(200);
    // The emulator records a callback when it sends it; the terminal one's answer may still be on its way.
    const statusCallbacks = () => emu.callbacksSent().filter((c) => c.kind === 'status');
    await emu.waitFor(() => statusCallbacks().every((c) => c.status !== null || c.error !== undefined), 5_000);
    expect(statusCallbacks().length).toBeGreaterThan(0);
    for (const c of statusCallbacks()) {
      expect(c.url.startsWith(`${tunnel.url}/signalwire-callback`)).toBe(true);
      expect({ status: c.status, error: c.error }).toEqual({ status: 200, error: undefined });
    }
  });
});
