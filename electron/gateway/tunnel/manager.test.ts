import { describe, expect, it } from 'vitest';
import { TunnelConnectError } from './localtunnel-connect';
import { TunnelManager, type ConnectOptions, type Schedule, type TunnelHandle, type TunnelSnapshot } from './manager';

class FakeClock {
  now = 0;
  private tasks: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;
  schedule: Schedule = (fn, ms) => {
    const id = this.nextId++;
    this.tasks.push({ at: this.now + ms, fn, id });
    return () => {
      this.tasks = this.tasks.filter((t) => t.id !== id);
    };
  };
  pending(): number[] {
    return this.tasks.map((t) => t.at - this.now).sort((a, b) => a - b);
  }
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      const due = this.tasks.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.tasks = this.tasks.filter((t) => t !== due);
      this.now = due.at;
      due.fn();
      await flush();
    }
    this.now = end;
    await flush();
  }
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

class FakeHandle implements TunnelHandle {
  closed = false;
  private down: ((reason: string) => void) | null = null;
  constructor(readonly url: string) {}
  onDown(listener: (reason: string) => void) {
    this.down = listener;
  }
  close() {
    this.closed = true;
  }
  breakWith(reason: string) {
    this.down?.(reason);
  }
}

function harness(opts: { probe?: (url: string) => Promise<void> } = {}) {
  const clock = new FakeClock();
  const calls: { options: ConnectOptions; resolve: (h: TunnelHandle) => void; reject: (e: Error) => void }[] = [];
  const changes: TunnelSnapshot[] = [];
  const probes: string[] = [];
  const manager = new TunnelManager({
    connect: (options) => new Promise((resolve, reject) => calls.push({ options, resolve, reject })),
    probe: async (url) => {
      probes.push(url);
      await (opts.probe?.(url) ?? Promise.resolve());
    },
    schedule: clock.schedule,
    onChange: (s) => changes.push(s),
  });
  const target = { enabled: true, host: 'https://lt.example', subdomain: 'acme-fax', localPort: 8080, localHost: '127.0.0.1' };
  return { clock, calls, changes, probes, manager, target };
}

describe('TunnelManager', () => {
  it('goes off → connecting → up, exposes the URL, and stop() closes the tunnel', async () => {
    const { calls, changes, manager, target } = harness();
    manager.apply(target);
    expect(manager.state()).toEqual({ state: 'connecting', url: null, error: null });
    expect(calls[0]?.options).toMatchObject({ host: 'https://lt.example', subdomain: 'acme-fax', localPort: 8080, localHost: '127.0.0.1' });
    const handle = new FakeHandle('https://acme-fax.lt.example/');
    calls[0]!.resolve(handle);
    await flush();
    expect(manager.state()).toEqual({ state: 'up', url: 'https://acme-fax.lt.example', error: null });
    expect(manager.url()).toBe('https://acme-fax.lt.example');
    manager.apply(target); // same target: no restart
    expect(calls).toHaveLength(1);
    manager.stop();
    expect(handle.closed).toBe(true);
    expect(manager.url()).toBeNull();
    expect(changes.map((c) => c.state)).toEqual(['connecting', 'up', 'off']);
  });

  it('reconnects after a drop with exponential backoff capped at 30 s, counting attempts', async () => {
    const { clock, calls, changes, manager, target } = harness();
    manager.apply(target);
    const first = new FakeHandle('https://a.lt.example');
    calls[0]!.resolve(first);
    await flush();
    first.breakWith('connection refused');
    expect(first.closed).toBe(true);
    expect(manager.state()).toEqual({
      state: 'reconnecting',
      url: null,
      error: 'The tunnel dropped (connection refused). Retry 1 in 1 s.',
    });
    expect(manager.url()).toBeNull();

    const delays: number[] = [];
    for (let attempt = 1; attempt <= 7; attempt++) {
      const wait = clock.pending()[0]!;
      delays.push(wait);
      await clock.advance(wait);
      expect(calls).toHaveLength(attempt + 1);
      calls[attempt]!.reject(new TunnelConnectError('Cannot reach the tunnel server at https://lt.example (connection refused).'));
      await flush();
      expect(manager.attempts()).toBe(attempt + 1);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    // After five failed attempts the state admits it is an error (still retrying).
    expect(changes.map((c) => c.state)).toContain('error');
    expect(manager.state().error).toBe('Cannot reach the tunnel server at https://lt.example (connection refused). Retry 8 in 30 s.');

    await clock.advance(clock.pending()[0]!);
    calls[8]!.resolve(new FakeHandle('https://b.lt.example'));
    await flush();
    expect(manager.state()).toEqual({ state: 'up', url: 'https://b.lt.example', error: null });
    expect(manager.attempts()).toBe(0);
  });

  it('says error with a readable message when the host is unreachable from the start, and keeps retrying', async () => {
    const { clock, calls, manager, target } = harness();
    manager.apply(target);
    calls[0]!.reject(
      new TunnelConnectError(
        'Cannot reach the tunnel server at https://lt.example (the name does not resolve (check the internet connection)).',
      ),
    );
    await flush();
    expect(manager.state().state).toBe('error');
    expect(manager.state().error).toMatch(/^Cannot reach the tunnel server at https:\/\/lt\.example .*Retry 1 in 1 s\.$/);
    await clock.advance(1_000);
    expect(calls).toHaveLength(2);
  });

  it('aborts a connect attempt that hangs past the timeout', async () => {
    const { clock, calls, manager, target } = harness();
    manager.apply(target);
    const signal = calls[0]!.options.signal;
    await clock.advance(15_000);
    expect(signal.aborted).toBe(true);
    calls[0]!.reject(new TunnelConnectError('The tunnel server at https://lt.example did not open the tunnel in time.'));
    await flush();
    expect(manager.state().state).toBe('error');
  });

  it('does not retry when the server refuses the request itself', async () => {
    const { clock, calls, manager, target } = harness();
    manager.apply(target);
    calls[0]!.reject(new TunnelConnectError('The tunnel server at https://lt.example refused the tunnel: Invalid subdomain.', true));
    await flush();
    expect(manager.state()).toEqual({
      state: 'error',
      url: null,
      error: 'The tunnel server at https://lt.example refused the tunnel: Invalid subdomain.',
    });
    expect(clock.pending()).toEqual([]);
  });

  it('health-checks through the tunnel every 30 s and reconnects when the check fails', async () => {
    let healthy = true;
    const { clock, calls, probes, manager, target } = harness({
      probe: async () => {
        if (!healthy) throw new Error('answered HTTP 504');
      },
    });
    manager.apply(target);
    const handle = new FakeHandle('https://acme-fax.lt.example');
    calls[0]!.resolve(handle);
    await flush();
    await clock.advance(30_000);
    await clock.advance(30_000);
    expect(probes).toEqual(['https://acme-fax.lt.example', 'https://acme-fax.lt.example']);
    expect(manager.state().state).toBe('up');
    healthy = false;
    await clock.advance(30_000);
    expect(handle.closed).toBe(true);
    expect(manager.state()).toMatchObject({
      state: 'reconnecting',
      error: 'The health check through the tunnel failed (answered HTTP 504). Retry 1 in 1 s.',
    });
    await clock.advance(1_000);
    expect(calls).toHaveLength(2);
  });

  it('restarts on a changed target, ignores the superseded attempt, and settles', async () => {
    const { calls, manager, target } = harness();
    manager.apply(target);
    manager.apply({ ...target, subdomain: 'other-fax' });
    expect(calls[0]!.options.signal.aborted).toBe(true);
    const late = new FakeHandle('https://acme-fax.lt.example');
    calls[0]!.resolve(late);
    await flush();
    expect(late.closed).toBe(true);
    expect(manager.state().state).toBe('connecting');
    const settled = manager.settled(5_000);
    calls[1]!.resolve(new FakeHandle('https://other-fax.lt.example'));
    expect(await settled).toEqual({ state: 'up', url: 'https://other-fax.lt.example', error: null });
    manager.apply({ ...target, enabled: false });
    expect(manager.state().state).toBe('off');
  });

  it('settled() gives up after its timeout', async () => {
    const { clock, manager, target } = harness();
    manager.apply(target);
    const settled = manager.settled(2_000);
    await clock.advance(2_000);
    expect((await settled).state).toBe('connecting');
  });
});
