import type { GatewayStatus } from '../../../shared/types';

export type TunnelSnapshot = GatewayStatus['tunnel'];

export interface ConnectOptions {
  /** Tunnel server, e.g. https://localtunnel.me */
  host: string;
  subdomain: string | null;
  localPort: number;
  /** The gateway's bind address. */
  localHost: string | null;
  /** Aborted when the attempt times out or the manager stops. */
  signal: AbortSignal;
}

export interface TunnelHandle {
  readonly url: string;
  /** Called at most once, when the tunnel breaks (server gone, sockets refused). */
  onDown(listener: (reason: string) => void): void;
  close(): void;
}

export type ConnectFn = (options: ConnectOptions) => Promise<TunnelHandle>;
/** GET {url}/health through the tunnel; rejects with a short reason. */
export type ProbeFn = (url: string, signal: AbortSignal) => Promise<void>;
/** setTimeout that returns its own cancel; injected so tests drive retries and health checks. */
export type Schedule = (fn: () => void, ms: number) => () => void;

export interface TunnelTarget {
  enabled: boolean;
  host: string;
  subdomain: string;
  localPort: number;
  localHost: string;
}

export interface TunnelDeps {
  connect: ConnectFn;
  probe: ProbeFn;
  schedule?: Schedule;
  onChange?: (snapshot: TunnelSnapshot) => void;
  log?: (message: string) => void;
  connectTimeoutMs?: number;
  healthIntervalMs?: number;
  probeTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
}

const realSchedule: Schedule = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

/** After a drop, this many failed attempts read as 'reconnecting' before the state says 'error'. */
const RECONNECTING_ATTEMPTS = 5;
const SETTLED = new Set<TunnelSnapshot['state']>(['off', 'up', 'error']);

/**
 * off → connecting → up; on a drop or a failed health check → reconnecting, retried with bounded
 * exponential backoff; error (still retrying, unless the server refused outright) with a reason.
 */
export class TunnelManager {
  private snapshot: TunnelSnapshot = { state: 'off', url: null, error: null };
  private target: TunnelTarget | null = null;
  /** Bumped by every start/stop; callbacks from an older run are ignored. */
  private run = 0;
  private handle: TunnelHandle | null = null;
  private inflight: AbortController | null = null;
  private cancelTimer: (() => void) | null = null;
  private failures = 0;
  private wasUp = false;
  private readonly waiters = new Set<() => void>();
  private readonly schedule: Schedule;
  private readonly log: (message: string) => void;

  constructor(private readonly deps: TunnelDeps) {
    this.schedule = deps.schedule ?? realSchedule;
    this.log = deps.log ?? (() => undefined);
  }

  /** The public URL, only while the tunnel is up (a dead URL must not go into new jobs). */
  url(): string | null {
    return this.snapshot.state === 'up' ? this.snapshot.url : null;
  }

  state(): TunnelSnapshot {
    return { ...this.snapshot };
  }

  /** Consecutive failed connect attempts (0 while up). */
  attempts(): number {
    return this.failures;
  }

  /** Idempotent: starts, restarts (host, subdomain or port changed) or stops to match `target`. */
  apply(target: TunnelTarget): void {
    if (!target.enabled) return this.stop();
    const t = this.target;
    if (
      t &&
      t.host === target.host &&
      t.subdomain === target.subdomain &&
      t.localPort === target.localPort &&
      t.localHost === target.localHost
    )
      return;
    this.teardown();
    this.target = { ...target };
    this.failures = 0;
    this.wasUp = false;
    this.set({ state: 'connecting', url: null, error: null });
    this.connect(this.run);
  }

  stop(): void {
    if (!this.target && this.snapshot.state === 'off') return;
    this.teardown();
    this.target = null;
    this.set({ state: 'off', url: null, error: null });
  }

  /** Resolves with the state once it is up, error or off (or after `timeoutMs`). */
  settled(timeoutMs: number): Promise<TunnelSnapshot> {
    if (SETTLED.has(this.snapshot.state)) return Promise.resolve(this.state());
    return new Promise((resolve) => {
      const done = () => {
        cancel();
        this.waiters.delete(check);
        resolve(this.state());
      };
      const check = () => {
        if (SETTLED.has(this.snapshot.state)) done();
      };
      const cancel = this.schedule(done, timeoutMs);
      this.waiters.add(check);
    });
  }

  private teardown(): void {
    this.run += 1;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.inflight?.abort(new Error('stopped'));
    this.inflight = null;
    this.handle?.close();
    this.handle = null;
  }

  private set(next: TunnelSnapshot): void {
    const prev = this.snapshot;
    if (prev.state === next.state && prev.url === next.url && prev.error === next.error) return;
    this.snapshot = next;
    if (prev.state !== next.state)
      this.log(`tunnel: ${next.state}${next.state === 'up' ? ` at ${next.url}` : next.error ? ` (${next.error})` : ''}`);
    this.deps.onChange?.(this.state());
    for (const waiter of [...this.waiters]) waiter();
  }

  private connect(run: number): void {
    const target = this.target;
    if (!target) return;
    const controller = new AbortController();
    this.inflight = controller;
    const cancelTimeout = this.schedule(() => controller.abort(new Error('timeout')), this.deps.connectTimeoutMs ?? 15_000);
    this.deps
      .connect({
        host: target.host,
        subdomain: target.subdomain || null,
        localPort: target.localPort,
        localHost: target.localHost,
        signal: controller.signal,
      })
      .then(
        (handle) => {
          cancelTimeout();
          if (run !== this.run) return handle.close();
          this.inflight = null;
          this.handle = handle;
          this.failures = 0;
          this.wasUp = true;
          handle.onDown((reason) => this.dropped(run, `the tunnel dropped (${reason})`));
          this.set({ state: 'up', url: handle.url.replace(/\/+$/, ''), error: null });
          this.scheduleHealth(run);
        },
        (error: Error & { permanent?: boolean }) => {
          cancelTimeout();
          if (run !== this.run) return;
          this.inflight = null;
          this.retry(run, error.message, error.permanent === true);
        },
      );
  }

  private retry(run: number, reason: string, permanent = false): void {
    this.failures += 1;
    if (permanent) {
      this.set({ state: 'error', url: null, error: reason });
      return;
    }
    const base = this.deps.backoffBaseMs ?? 1_000;
    const delay = Math.min(this.deps.backoffCapMs ?? 30_000, base * 2 ** Math.min(this.failures - 1, 20));
    const state = this.wasUp && this.failures <= RECONNECTING_ATTEMPTS ? 'reconnecting' : 'error';
    this.set({ state, url: null, error: `${reason} Retry ${this.failures} in ${Math.round(delay / 1000)} s.` });
    this.cancelTimer = this.schedule(() => {
      this.cancelTimer = null;
      if (run === this.run) this.connect(run);
    }, delay);
  }

  private dropped(run: number, reason: string): void {
    if (run !== this.run || !this.handle) return;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.inflight?.abort(new Error('dropped'));
    this.inflight = null;
    this.handle.close();
    this.handle = null;
    this.retry(run, `${reason[0]?.toUpperCase()}${reason.slice(1)}.`);
  }

  private scheduleHealth(run: number): void {
    this.cancelTimer = this.schedule(() => {
      this.cancelTimer = null;
      if (run !== this.run || !this.handle) return;
      const url = this.handle.url.replace(/\/+$/, '');
      const controller = new AbortController();
      this.inflight = controller;
      const cancelTimeout = this.schedule(() => controller.abort(new Error('timeout')), this.deps.probeTimeoutMs ?? 10_000);
      this.deps.probe(url, controller.signal).then(
        () => {
          cancelTimeout();
          if (run !== this.run || this.inflight !== controller) return;
          this.inflight = null;
          this.scheduleHealth(run);
        },
        (error: Error) => {
          cancelTimeout();
          if (run !== this.run || this.inflight !== controller) return;
          this.inflight = null;
          this.dropped(run, `the health check through the tunnel failed (${error.message})`);
        },
      );
    }, this.deps.healthIntervalMs ?? 30_000);
  }
}
