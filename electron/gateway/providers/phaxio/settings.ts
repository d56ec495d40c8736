import * as z from 'zod';
import { defineProviderSettings } from '../provider-settings';

const httpUrl = z.url({ protocol: /^https?$/ });

export const phaxioSettings = defineProviderSettings({
  backend: 'phaxio',
  schema: z.object({
    baseUrl: httpUrl.default('https://api.phaxio.com/v2.1'),
    callbackUrl: z.union([z.literal(''), httpUrl]).default(''),
    verifySignature: z.boolean().default(true),
    inboundVerifySignature: z.boolean().default(true),
    sendMode: z.enum(['upload', 'content_url']).default('upload'),
  }),
  env: [
    ['PHAXIO_BASE_URL', 'baseUrl', 'str'],
    ['PHAXIO_STATUS_CALLBACK_URL', 'callbackUrl', 'str'],
    ['PHAXIO_CALLBACK_URL', 'callbackUrl', 'str'],
    ['PHAXIO_VERIFY_SIGNATURE', 'verifySignature', 'bool'],
    ['PHAXIO_INBOUND_VERIFY_SIGNATURE', 'inboundVerifySignature', 'bool'],
    ['PHAXIO_SEND_MODE', 'sendMode', 'lower'],
  ],
  secrets: {
    'phaxio.apiKey': ['PHAXIO_API_KEY'],
    'phaxio.apiSecret': ['PHAXIO_API_SECRET'],
    'phaxio.callbackToken': ['PHAXIO_CALLBACK_TOKEN'],
  },
  labels: { baseUrl: 'Phaxio API address', callbackUrl: 'Phaxio callback address' },
  consoleHosts: ['www.phaxio.com', 'console.phaxio.com'],
});
