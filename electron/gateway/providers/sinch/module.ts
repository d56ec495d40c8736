import type { ProviderModule } from '../module';
import * as z from 'zod';
import { sinchSettings } from './settings';
import { pass, warn } from '../../services/checks';
import { SINCH_CALLBACK_PATH, SINCH_INBOUND_PATH, sinchFactory } from './provider';
import { registerSinchRoutes } from './routes';

export const sinchModule: ProviderModule = {
  backend: 'sinch',
  settings: sinchSettings,
  description: {
    id: 'sinch',
    name: 'Sinch',
    blurb: 'Sinch Fax API v3. Needs the project id and an access key from the Sinch dashboard.',
    fields: [
      { key: 'projectId', label: 'Project id', kind: 'text' },
      {
        key: 'authMode',
        label: 'Sign-in method',
        kind: 'select',
        options: [
          { value: 'basic', label: 'Key and secret (basic)' },
          { value: 'oauth2', label: 'OAuth 2 token' },
        ],
      },
      { key: 'baseUrl', label: 'API address', kind: 'url', advanced: true },
      { key: 'authUrl', label: 'Auth address', kind: 'url', advanced: true },
    ],
    secrets: [
      { name: 'sinch.apiKey', label: 'Access key id' },
      { name: 'sinch.apiSecret', label: 'Access key secret' },
    ],
    otherSecrets: [
      { name: 'sinch.inboundBasicPass', label: 'inbound password' },
      { name: 'sinch.inboundHmacSecret', label: 'inbound signing secret' },
    ],
    publicUrlNeed:
      'Sinch takes documents directly, so sending works without a public address; delivery callbacks and incoming faxes need one.',
    resolutionNote: 'Sinch sends at fine resolution or better (its API has no standard), so Standard changes only the preview.',
  },
  factory: sinchFactory,
  routes: registerSinchRoutes,
  callbackUrls: (base) => [
    { label: 'Sinch fax callback (set per fax automatically)', url: `${base}${SINCH_CALLBACK_PATH}` },
    {
      label: 'Sinch incoming webhook URL',
      url: `${base}${SINCH_INBOUND_PATH}`,
      note: 'Set as the service incomingWebhookUrl; add user:pass@ if inbound Basic auth is configured.',
    },
  ],
  callbackSecurity: async (core) =>
    core.settings.current.sinch.inboundBasicUser && (await core.settings.secret('sinch.inboundBasicPass'))
      ? pass(
          'callback_security',
          'Callback verification',
          'Sinch callbacks carry per-fax credentials; inbound faxes need Basic auth, which is configured.',
        )
      : warn(
          'callback_security',
          'Callback verification',
          'Sinch callbacks carry per-fax credentials, but inbound faxes are refused until Basic auth is configured (Sinch does not sign webhooks).',
          'Set SINCH_INBOUND_BASIC_USER and SINCH_INBOUND_BASIC_PASS and put them in the incoming webhook URL as user:pass@.',
        ),
  faxbotAdmin: {
    settings: (s, masked) => ({ project_id: s.sinch.projectId, api_key: masked('sinch.apiKey'), api_secret: masked('sinch.apiSecret') }),
    inbound: (s, secrets) => ({
      basic_auth_configured: s.sinch.inboundBasicUser !== '' && secrets['sinch.inboundBasicPass'].configured,
      hmac_configured: secrets['sinch.inboundHmacSecret'].configured,
    }),
    schema: z.looseObject({ api_key: z.string(), api_secret: z.string(), configured: z.boolean() }),
  },
  routeDocs: ({ callback, jobIdQuery }) => ({
    [`POST ${SINCH_CALLBACK_PATH}`]: callback('Sinch outbound status', jobIdQuery),
    [`POST ${SINCH_INBOUND_PATH}`]: callback('Sinch received fax'),
  }),
};
