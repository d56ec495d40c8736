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
  it('never passes a public URL on this computer, even though it answers: says it was not checked', async () => {
    gw = await startTestGateway();
    const port = new URL(gw.url).port;
    for (const publicApiUrl of [`http://fax.localhost:${port}`, `http://127.0.0.1:${port}`, `http://[::1]:${port}`]) {
      await gw.invoke('settings:update', { patch: { publicApiUrl, enforcePublicHttps: false } });
      const check = await reachability(gw);
      expect(check).toMatchObject({ state: 'fail', label: 'Public URL reachable from outside', fix: expect.stringContaining('tunnel') });
      expect(check?.detail).toMatch(/^Not checked: .+ is an address of this computer only, so providers on the internet cannot reach /);
      const report = await gw.invoke('diagnostics:run', {});
      const configured = (report as { value: { checks: CheckResult[] } }).value.checks.find((c) => c.id === 'public_url');
      expect(configured?.state).toBe('fail');
    }
    const setup = await gw.invoke('setup:check', { backend: 'simulator' });
    expect((setup as { value: CheckResult[] }).value.map((c) => c.id)).toContain('public_url_reachable');
  });

  it('a private or link-local public URL is not checked either', async () => {
    for (const publicApiUrl of ['http://192.168.1.20:8080', 'http://169.254.169.254', 'http://10.0.0.5']) {
      gw = await startTestGateway({ env: { PUBLIC_API_URL: publicApiUrl, ENFORCE_PUBLIC_HTTPS: 'false' } });
      const check = await reachability(gw);
      expect(check?.state).toBe('fail');
      expect(check?.detail).toMatch(/^Not checked: .+ is a (private network|link-local) address/);
      await gw.close();
      gw = null;
    }
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
    const other = createServer((_req, res) => res.writeHead(502).end('bad gateway'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    await expect(probeHealth(`http://127.0.0.1:${(other.address() as { port: number }).port}`, AbortSignal.timeout(2_000))).rejects.toThrow(
      'answered HTTP 502',
    );
    other.close();
  });
});
