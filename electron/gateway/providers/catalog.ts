import type { Backend } from '../../../shared/settings';
import type { ProviderModule } from './module';
import { phaxioModule } from './phaxio/module';
import { simulatorModule } from './simulator-module';
import { signalwireModule } from './signalwire/module';
import { sipModule } from './sip/module';
import { sinchModule } from './sinch/module';

export type { ProviderModule, RouteRegistrar } from './module';

/** Every backend the gateway ships, one line each. */
export const PROVIDER_MODULES: readonly ProviderModule[] = [simulatorModule, phaxioModule, sinchModule, signalwireModule, sipModule];

export function providerModule(backend: Backend): ProviderModule | null {
  return PROVIDER_MODULES.find((m) => m.backend === backend) ?? null;
}
