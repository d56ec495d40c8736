import type { FastifyInstance } from 'fastify';
import type { Backend, SecretName } from '../../../shared/settings';
import type { BackendDescription, CallbackUrl, CheckResult } from '../../../shared/types';
import type { GatewayCore } from '../core';
import type { ProviderFactory } from './registry';

/** Provider webhook routes (status callbacks, inbound faxes), registered on the gateway's HTTP server. */
export type RouteRegistrar = (app: FastifyInstance, core: GatewayCore) => void;

/** How an environment value becomes a setting (config.ts holds the parsers). */
export type EnvParse = 'str' | 'int' | 'bool' | 'lower';

/**
 * Everything the gateway knows about one backend, kept in the backend's own folder: adding a
 * backend is a new folder plus one line in catalog.ts.
 */
export interface ProviderModule {
  backend: Backend;
  /** Faxbot's environment names for this backend's settings section; earlier names win over later aliases. */
  env?: readonly (readonly [env: string, path: string, parse: EnvParse])[];
  /** Environment names for this backend's secrets; the first one set wins. */
  secretEnv?: Partial<Record<SecretName, readonly string[]>>;
  /** What the Setup wizard and Settings page show (served to the renderer as setup:backends). */
  description: BackendDescription;
  factory: ProviderFactory;
  routes?: RouteRegistrar;
  /** The URLs an admin pastes into the provider console, given the gateway's public base URL. */
  callbackUrls?: (base: string) => CallbackUrl[];
  /** The provider calls back over the local network (Asterisk), so its URLs use the local address when there is no public one. */
  callbacksOnLan?: boolean;
  /** Extra diagnostics for this backend (e.g. tools it needs on this computer). */
  checks?: (core: GatewayCore) => Promise<CheckResult[]>;
  /** Whether this backend's callbacks and inbound webhooks can be verified (never shows a secret). */
  callbackSecurity?: (core: GatewayCore) => Promise<CheckResult>;
}
