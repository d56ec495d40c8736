import type { ProviderModule } from '../module';
import { maskNumber } from '../../../../shared/phone';
import * as z from 'zod';
import { signalwireSettings } from './settings';
import { pass, warn } from '../../services/checks';
import { SIGNALWIRE_CALLBACK_PATH, signalwireFactory } from './provider';
import { registerSignalWireRoutes, SIGNALWIRE_INBOUND_PATH } from './routes';

export const signalwireModule: ProviderModule = {
  backend: 'signalwire',
  settings: signalwireSettings,
  description: {
    id: 'signalwire',
    name: 'SignalWire',
    blurb: 'SignalWire fax. A number used for fax cannot also take voice calls.',
    fields: [
      { key: 'spaceUrl', label: 'Space address', kind: 'text', hint: 'For example example.signalwire.com' },
      { key: 'projectId', label: 'Project id', kind: 'text' },
      { key: 'faxFrom', label: 'Your fax number (sender)', kind: 'text', hint: 'In + and country code form.' },
    ],
    secrets: [
      { name: 'signalwire.apiToken', label: 'API token' },
      { name: 'signalwire.signingKey', label: 'Signing key', hint: 'Used to check that callbacks really come from SignalWire.' },
    ],
    publicUrlNeed: 'SignalWire always fetches the document from a public address, so one is required to send.',
    auditEvents: {
      signalwire_callback: 'Status update from SignalWire',
      signalwire_callback_ignored: 'SignalWire status update ignored',
      signalwire_inbound_call: 'Incoming call from SignalWire',
      signalwire_inbound_ignored: 'SignalWire incoming fax ignored',
      signalwire_inbound_refused: 'SignalWire incoming fax refused',
      signalwire_webhook_refused: 'SignalWire request refused (failed verification)',
    },
  },
  factory: signalwireFactory,
  routes: registerSignalWireRoutes,
  callbackUrls: (base) => [
    { label: 'SignalWire status callback (set per fax automatically)', url: `${base}${SIGNALWIRE_CALLBACK_PATH}` },
    {
      label: 'SignalWire fax number LaML webhook',
      url: `${base}${SIGNALWIRE_INBOUND_PATH}`,
      note: 'Number settings: Accept incoming calls as Fax, handle with LaML webhooks.',
    },
  ],
  callbackSecurity: async (core) =>
    (await core.settings.secret('signalwire.signingKey'))
      ? pass(
          'callback_security',
          'Callback verification',
          'SignalWire callbacks and inbound faxes are verified with the signing key (X-SignalWire-Signature).',
        )
      : warn(
          'callback_security',
          'Callback verification',
          'No SignalWire signing key: callbacks and inbound faxes are refused; status still arrives by polling.',
          'Copy the Signing Key from the SignalWire API page into Setup (SIGNALWIRE_WEBHOOK_SIGNING_KEY).',
        ),
  faxbotAdmin: {
    settings: (s, masked) => ({
      space_url: s.signalwire.spaceUrl,
      project_id: s.signalwire.projectId,
      api_token: masked('signalwire.apiToken'),
      from_fax: maskNumber(s.signalwire.faxFrom),
      callback_url: s.signalwire.statusCallbackUrl,
    }),
    schema: z.looseObject({ api_token: z.string(), configured: z.boolean() }),
  },
  routeDocs: ({ callback, errors, jobIdQuery }) => {
    const answersLaml = {
      ...callback('SignalWire incoming call: answers LaML to receive the fax'),
      responses: { 200: 'xml', ...errors(401, 403) },
    } as const;
    return {
      [`GET ${SIGNALWIRE_CALLBACK_PATH}`]: callback('SignalWire outbound status (signed; GET variant)', jobIdQuery),
      [`POST ${SIGNALWIRE_CALLBACK_PATH}`]: callback('SignalWire outbound status (signed)', jobIdQuery),
      [`GET ${SIGNALWIRE_INBOUND_PATH}`]: answersLaml,
      [`POST ${SIGNALWIRE_INBOUND_PATH}`]: answersLaml,
      [`GET ${SIGNALWIRE_INBOUND_PATH}/received`]: callback('SignalWire received fax (GET variant)'),
      [`POST ${SIGNALWIRE_INBOUND_PATH}/received`]: callback('SignalWire received fax: the gateway downloads the media'),
    };
  },
};
