import * as z from 'zod';
import { defineProviderSettings } from '../provider-settings';

const httpUrl = z.url({ protocol: /^https?$/ });

export const sinchSettings = defineProviderSettings({
  backend: 'sinch',
  schema: z.object({
    projectId: z.string().default(''),
    baseUrl: httpUrl.default('https://fax.api.sinch.com/v3'),
    authUrl: httpUrl.default('https://auth.sinch.com'),
    authMode: z.enum(['basic', 'oauth2']).default('basic'),
    inboundBasicUser: z.string().default(''),
  }),
  env: [
    ['SINCH_PROJECT_ID', 'projectId', 'str'],
    ['SINCH_BASE_URL', 'baseUrl', 'str'],
    ['SINCH_AUTH_URL', 'authUrl', 'str'],
    ['SINCH_AUTH_MODE', 'authMode', 'lower'],
    ['SINCH_INBOUND_BASIC_USER', 'inboundBasicUser', 'str'],
  ],
  secrets: {
    // Faxbot: SINCH_API_KEY/SECRET fall back to the Phaxio values.
    'sinch.apiKey': ['SINCH_API_KEY', 'PHAXIO_API_KEY'],
    'sinch.apiSecret': ['SINCH_API_SECRET', 'PHAXIO_API_SECRET'],
    'sinch.inboundBasicPass': ['SINCH_INBOUND_BASIC_PASS'],
    'sinch.inboundHmacSecret': ['SINCH_INBOUND_HMAC_SECRET'],
  },
  labels: { baseUrl: 'Sinch API address', authUrl: 'Sinch sign-in address' },
  consoleHosts: ['www.sinch.com', 'dashboard.sinch.com', 'developers.sinch.com'],
});
