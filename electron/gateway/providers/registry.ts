import type { Backend, SecretName, Settings } from '../../../shared/settings';
import type { Db } from '../store/db';
import type { FaxProvider } from './types';

export interface ProviderContext {
  db: Db;
  now: () => number;
  settings: () => Settings;
  secret: (name: SecretName) => Promise<string | null>;
  log: (message: string) => void;
  /** The gateway's data folder (the SIP spool defaults to a folder inside it). */
  dataDir: string;
}

/** Builds a provider, or explains in plain words why it cannot be built (missing credentials). */
export type ProviderFactory = (ctx: ProviderContext) => Promise<FaxProvider | { missing: string }>;

/**
 * Keeps one provider instance per backend, rebuilt when settings or secrets change, so a job
 * submitted under one backend is still polled there after an admin switches backends.
 */
export class ProviderRegistry {
  private instances = new Map<Backend, FaxProvider>();
  private problems = new Map<Backend, string>();
  /** Rebuilds run one after another, so a slow one never overwrites a newer one's providers. */
  private latest: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: ProviderContext,
    private readonly factories: Partial<Record<Backend, ProviderFactory>>,
  ) {}

  refresh(): Promise<void> {
    const run = this.latest.then(() => this.rebuild());
    this.latest = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every rebuild requested so far is done (checks run against the settings just saved). */
  settled(): Promise<void> {
    return this.latest;
  }

  private async rebuild(): Promise<void> {
    const next = new Map<Backend, FaxProvider>();
    const problems = new Map<Backend, string>();
    for (const [backend, factory] of Object.entries(this.factories) as [Backend, ProviderFactory][]) {
      try {
        const built = await factory(this.ctx);
        if ('missing' in built) problems.set(backend, built.missing);
        else next.set(backend, built);
      } catch (error) {
        problems.set(backend, (error as Error).message);
      }
    }
    for (const [backend, old] of this.instances) if (next.get(backend) !== old) old.close?.();
    this.instances = next;
    this.problems = problems;
  }

  close(): void {
    for (const provider of this.instances.values()) provider.close?.();
    this.instances.clear();
  }

  forBackend(backend: Backend): FaxProvider | null {
    return this.instances.get(backend) ?? null;
  }

  active(): FaxProvider | null {
    return this.forBackend(this.ctx.settings().backend);
  }

  /** Whether this build ships the backend at all (a build may leave some out). */
  available(backend: Backend): boolean {
    return this.factories[backend] !== undefined;
  }

  /** Why the backend has no provider (e.g. "PHAXIO_API_KEY is not set"), or null. */
  problem(backend: Backend): string | null {
    if (this.instances.has(backend)) return null;
    return (
      this.problems.get(backend) ?? (this.factories[backend] ? 'not configured' : `the ${backend} backend is not available in this build`)
    );
  }
}
