import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../../shared/types';
import { startTestGateway, type TestGateway } from '../testing/harness';
import { probeHealth } from './probe';

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.close();
  gw = null;
});

async function reachability(g: TestGateway): Promise<CheckResult | undefined> {
  const report = await g.invoke('diagnostics:run', {});
  return (report as { value: { checks: CheckResult[] } }).value.checks.find((c) => c.id === 'public_url_reachable');
}

describe('public URL self-test', () => {
  it('passes with the latency when PUBLIC_API_URL reaches this gateway (a *.localhost name resolves to loopback)', async () => {
    gw = await startTestGateway();
    const port = new URL(gw.url).port;
    await gw.invoke('settings:update', { patch: { publicApiUrl: `http://fax.localhost:${port}`, enforcePublicHttps: false } });
    const check = await reachability(gw);
    expect(check).toMatchObject({ state: 'pass', label: 'Public URL reachable from outside' });
    expect(check?.detail).toMatch(/^http:\/\/fax\.localhost:\d+\/health answered through the public URL in \d+ ms\.$/);
  });

  it('fails with the port-forwarding fix when PUBLIC_API_URL leads elsewhere', async () => {
    const other = createServer((_req, res) => res.writeHead(502).end('bad gateway'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    gw = await startTestGateway({ env: { PUBLIC_API_URL: `http://127.0.0.1:${(other.address() as { port: number }).port}` } });
    const check = await reachability(gw);
    other.close();
    expect(check?.state).toBe('fail');
    expect(check?.detail).toContain('did not reach this gateway: answered HTTP 502.');
    expect(check?.fix).toContain('check port forwarding or the reverse proxy');
    const setup = await gw.invoke('setup:check', { backend: 'simulator' });
    expect((setup as { value: CheckResult[] }).value.map((c) => c.id)).toContain('public_url_reachable');
  });

  it('skips when there is no public URL', async () => {
    gw = await startTestGateway();
    expect(await reachability(gw)).toMatchObject({ state: 'skip' });
  });

  it('probeHealth reports a refused connection and a timeout in words', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(probeHealth(`http://127.0.0.1:${port}`, AbortSignal.timeout(2_000))).rejects.toThrow('connection refused');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    await expect(probeHealth(`http://127.0.0.1:${(silent.address() as { port: number }).port}`, AbortSignal.timeout(200))).rejects.toThrow(
      'timed out',
    );
    silent.closeAllConnections();
    silent.close();
  });
});
