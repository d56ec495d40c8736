import * as z from 'zod';
import { defineProviderSettings } from '../provider-settings';

export const signalwireSettings = defineProviderSettings({
  backend: 'signalwire',
  schema: z.object({
    spaceUrl: z.string().default(''),
    projectId: z.string().default(''),
    faxFrom: z.string().default(''),
    statusCallbackUrl: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]).default(''),
  }),
  env: [
    ['SIGNALWIRE_SPACE_URL', 'spaceUrl', 'str'],
    ['SIGNALWIRE_PROJECT_ID', 'projectId', 'str'],
    ['SIGNALWIRE_FAX_FROM_E164', 'faxFrom', 'str'],
    ['SIGNALWIRE_STATUS_CALLBACK_URL', 'statusCallbackUrl', 'str'],
    ['SIGNALWIRE_CALLBACK_URL', 'statusCallbackUrl', 'str'],
  ],
  secrets: {
    'signalwire.apiToken': ['SIGNALWIRE_API_TOKEN'],
    'signalwire.signingKey': ['SIGNALWIRE_WEBHOOK_SIGNING_KEY'],
  },
  labels: { statusCallbackUrl: 'SignalWire status callback address' },
  consoleHosts: ['signalwire.com', 'developer.signalwire.com'],
});
