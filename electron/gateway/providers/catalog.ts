import type { FastifyInstance } from 'fastify';
import type { Backend } from '../../../shared/settings';
import type { GatewayCore } from '../core';
import type { ProviderFactory } from './registry';
import { simulatorFactory } from './simulator-factory';

/** Provider webhook routes (status callbacks, inbound faxes), registered on the gateway's HTTP server. */
export type RouteRegistrar = (app: FastifyInstance, core: GatewayCore) => void;

export interface ProviderModule {
  backend: Backend;
  factory: ProviderFactory;
  routes?: RouteRegistrar;
}

/** Every backend the gateway ships, one line each. */
export const PROVIDER_MODULES: readonly ProviderModule[] = [
  { backend: 'simulator', factory: simulatorFactory },
];
