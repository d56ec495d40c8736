import { phaxioSettings } from './phaxio/settings';
import { simulatorSettings } from './simulator/settings';
import { signalwireSettings } from './signalwire/settings';
import { sinchSettings } from './sinch/settings';
import { sipSettings } from './sip/settings';

/**
 * Every backend's settings section, in the order the wizard lists them. Pure (zod only), so
 * shared/settings.ts can build the settings schema from it for the gateway and the window alike.
 */
export const PROVIDER_SETTINGS = [
  simulatorSettings,
  phaxioSettings,
  sinchSettings,
  signalwireSettings,
  sipSettings,
  // A new backend: its folder's settings.ts here, and its module in catalog.ts.
] as const;
