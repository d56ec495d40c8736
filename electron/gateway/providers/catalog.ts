import type { FastifyInstance } from 'fastify';
import type { Backend } from '../../../shared/settings';
import type { GatewayCore } from '../core';
import type { ProviderFactory } from './registry';
import { phaxioFactory, registerPhaxioRoutes } from './phaxio';
import { simulatorFactory } from './simulator-factory';
import { registerSinchRoutes, sinchFactory } from './sinch';
import { registerSignalWireRoutes, signalwireFactory } from './signalwire';

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
  { backend: 'phaxio', factory: phaxioFactory, routes: registerPhaxioRoutes },
  { backend: 'sinch', factory: sinchFactory, routes: registerSinchRoutes },
  { backend: 'signalwire', factory: signalwireFactory, routes: registerSignalWireRoutes },
];
