import type { ProviderModule } from '../module';
import * as z from 'zod';
import { phaxioSettings } from './settings';
import { pass, warn } from '../../services/checks';
import { phaxioFactory, PHAXIO_CALLBACK_PATH, PHAXIO_INBOUND_PATH } from './provider';
import { registerPhaxioRoutes } from './routes';

const id = 'callback_security';
const label = 'Callback verification';

export const phaxioModule: ProviderModule = {
  backend: 'phaxio',
  settings: phaxioSettings,
  description: {
    id: 'phaxio',
    name: 'Phaxio',
    blurb: 'Cloud fax service. Offers a HIPAA BAA. Needs an API key and secret from the Phaxio console.',
    fields: [
      {
        key: 'sendMode',
        label: 'How documents reach Phaxio',
        kind: 'select',
        options: [
          { value: 'upload', label: 'Upload with the request (no public address needed to send)' },
          { value: 'content_url', label: 'Phaxio fetches a link (needs a public address)' },
        ],
      },
      { key: 'verifySignature', label: 'Verify callback signatures', kind: 'checkbox' },
      { key: 'baseUrl', label: 'API address', kind: 'url', advanced: true, hint: 'Leave as is unless Phaxio support says otherwise.' },
    ],
    secrets: [
      { name: 'phaxio.apiKey', label: 'API key' },
      { name: 'phaxio.apiSecret', label: 'API secret' },
      {
        name: 'phaxio.callbackToken',
        label: 'Webhook token',
        hint: 'From the Phaxio console’s webhook settings; proves that status callbacks really come from Phaxio.',
      },
    ],
    publicUrlNeed: 'Phaxio reports delivery by calling back a public address. Without one, status is polled instead.',
    resolutionNote: 'Phaxio’s API takes no resolution, so Phaxio picks it; this choice changes only the preview.',
  },
  factory: phaxioFactory,
  routes: registerPhaxioRoutes,
  callbackUrls: (base) => [
    { label: 'Phaxio send callback (set per fax automatically)', url: `${base}${PHAXIO_CALLBACK_PATH}` },
    {
      label: 'Phaxio receive webhook URL',
      url: `${base}${PHAXIO_INBOUND_PATH}`,
      note: 'Paste into the Phaxio console: Settings → Webhooks → Receive.',
    },
  ],
  callbackSecurity: async (core) => {
    if (!core.settings.current.phaxio.verifySignature)
      return warn(
        id,
        label,
        'Phaxio signature checks are off: anyone who learns the callback URL can change a job.',
        'Turn on PHAXIO_VERIFY_SIGNATURE.',
      );
    return (await core.settings.secret('phaxio.callbackToken'))
      ? pass(id, label, 'Phaxio callbacks are verified with the webhook token (X-Phaxio-Signature).')
      : warn(
          id,
          label,
          'No Phaxio webhook token: genuine Phaxio callbacks cannot be verified and are refused; status still arrives by polling.',
          'Copy the webhook token from the Phaxio console (Settings → Webhooks) into Setup (PHAXIO_CALLBACK_TOKEN).',
        );
  },
  faxbotAdmin: {
    settings: (s, masked) => ({
      api_key: masked('phaxio.apiKey'),
      api_secret: masked('phaxio.apiSecret'),
      callback_url: s.phaxio.callbackUrl,
      verify_signature: s.phaxio.verifySignature,
    }),
    inbound: (s) => ({ verify_signature: s.phaxio.inboundVerifySignature }),
    schema: z.looseObject({ api_key: z.string(), api_secret: z.string(), configured: z.boolean() }),
  },
  routeDocs: ({ callback, jobIdQuery }) => ({
    [`POST ${PHAXIO_CALLBACK_PATH}`]: callback('Phaxio outbound status (signed)', jobIdQuery),
    [`POST ${PHAXIO_INBOUND_PATH}`]: callback('Phaxio received fax (signed)'),
  }),
};
