import type { Backend, SecretName, Settings } from '../../../shared/settings';
import type { Db } from '../store/db';
import type { FaxProvider } from './types';

export interface ProviderContext {
  db: Db;
  now: () => number;
  settings: () => Settings;
  secret: (name: SecretName) => Promise<string | null>;
  log: (message: string) => void;
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
  private rebuilding: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: ProviderContext,
    private readonly factories: Partial<Record<Backend, ProviderFactory>>,
  ) {}

  /**
   * Rebuilds the providers from the current settings and secrets. Rebuilds run one after another,
   * so the last one requested is the last one applied (an older, slower rebuild cannot win).
   */
  refresh(): Promise<void> {
    this.rebuilding = this.rebuilding.then(() => this.rebuild());
    return this.rebuilding;
  }

  /** Resolves once every rebuild requested so far has been applied. */
  settled(): Promise<void> {
    return this.rebuilding;
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
    this.instances = next;
    this.problems = problems;
  }

  forBackend(backend: Backend): FaxProvider | null {
    return this.instances.get(backend) ?? null;
  }

  active(): FaxProvider | null {
    return this.forBackend(this.ctx.settings().backend);
  }

  /** Whether this build ships the backend at all (SIP/Asterisk does not yet). */
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
