import { BACKENDS, type Backend } from '../../../shared/settings';
import type { ProviderModule } from './module';
import { phaxioModule } from './phaxio/module';
import { simulatorModule } from './simulator/module';
import { signalwireModule } from './signalwire/module';
import { sipModule } from './sip/module';
import { sinchModule } from './sinch/module';

export type { ProviderModule, RouteRegistrar } from './module';

/**
 * Every backend the gateway ships, one line each. Keyed by the backends of settings-catalog.ts,
 * so a backend with settings but no module (or the reverse) does not compile.
 */
const MODULES: Readonly<Record<Backend, ProviderModule>> = {
  simulator: simulatorModule,
  phaxio: phaxioModule,
  sinch: sinchModule,
  signalwire: signalwireModule,
  sip: sipModule,
};

/** The modules in the wizard's order (the settings catalog's). */
export const PROVIDER_MODULES: readonly ProviderModule[] = BACKENDS.map((backend) => MODULES[backend]);

export function providerModule(backend: Backend): ProviderModule | null {
  return PROVIDER_MODULES.find((m) => m.backend === backend) ?? null;
}
