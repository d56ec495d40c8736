import type { FastifyInstance } from 'fastify';
import type { Backend } from '../../../shared/settings';
import type { BackendDescription, CallbackUrl, CheckResult } from '../../../shared/types';
import type { GatewayCore } from '../core';
import type { AnyProviderSettings } from './provider-settings';
import type { ProviderFactory } from './registry';

/** Provider webhook routes (status callbacks, inbound faxes), registered on the gateway's HTTP server. */
export type RouteRegistrar = (app: FastifyInstance, core: GatewayCore) => void;

/**
 * Everything the gateway knows about one backend, kept in the backend's own folder: adding a
 * backend is a new folder plus its line in catalog.ts and in settings-catalog.ts.
 */
export interface ProviderModule {
  backend: Backend;
  /** The settings section, env and secret names (the folder's pure settings.ts, also listed in settings-catalog.ts). */
  settings: AnyProviderSettings;
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
