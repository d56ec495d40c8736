import type { ProviderModule } from '../module';
import { maskNumber } from '../../../../shared/phone';
import * as z from 'zod';
import { sipSettings } from './settings';
import { sipFactory } from './provider';
import { AsteriskInboundBody, registerSipRoutes, ASTERISK_INBOUND_PATH } from './routes';
import { ghostscriptVersion, GHOSTSCRIPT_MISSING } from '../../documents/tiff';
import { fail, pass, warn } from '../../services/checks';

export const sipModule: ProviderModule = {
  backend: 'sip',
  settings: sipSettings,
  description: {
    id: 'sip',
    name: 'SIP / Asterisk',
    blurb: 'Your own Asterisk server over AMI. Needs a SIP trunk that supports T.38, and Ghostscript on this computer.',
    fields: [
      { key: 'amiHost', label: 'AMI host', kind: 'text' },
      { key: 'amiPort', label: 'AMI port', kind: 'number' },
      { key: 'amiUsername', label: 'AMI user name', kind: 'text' },
      { key: 'stationId', label: 'Station id (your fax number)', kind: 'text' },
      { key: 'header', label: 'Page header', kind: 'text', hint: 'Printed at the top of every page, e.g. your office name.' },
      {
        key: 'spoolDir',
        label: 'Spool folder shared with Asterisk',
        kind: 'text',
        advanced: true,
        hint: 'Fax pages are written here and received faxes are read from here; Asterisk must see it at the same path.',
      },
    ],
    secrets: [
      { name: 'sip.amiPassword', label: 'AMI password' },
      { name: 'sip.inboundSecret', label: 'Inbound shared secret', hint: 'Asterisk sends this with each received fax.' },
    ],
    publicUrlNeed: 'Asterisk talks to the gateway on your network; no public address is needed.',
  },
  factory: sipFactory,
  routes: registerSipRoutes,
  callbacksOnLan: true,
  callbackUrls: (base) => [
    {
      label: 'Asterisk received-fax hook ([faxin] dialplan)',
      url: `${base}${ASTERISK_INBOUND_PATH}`,
      note: 'POST with the header X-Internal-Secret; Asterisk must reach this address on your network.',
    },
  ],
  checks: async () => {
    const version = await ghostscriptVersion();
    return [
      version
        ? pass('ghostscript', 'Ghostscript', `Ghostscript ${version} turns PDFs into fax pages.`)
        : fail('ghostscript', 'Ghostscript', GHOSTSCRIPT_MISSING, 'Install Ghostscript, then restart Faxbot Desktop.'),
    ];
  },
  callbackSecurity: async (core) =>
    (await core.settings.secret('sip.inboundSecret'))
      ? pass(
          'callback_security',
          'Callback verification',
          `Results arrive over the AMI login; received faxes posted to ${ASTERISK_INBOUND_PATH} must carry the X-Internal-Secret.`,
        )
      : warn(
          'callback_security',
          'Callback verification',
          `Results arrive over the AMI login, but received faxes are refused: no inbound secret is set for ${ASTERISK_INBOUND_PATH}.`,
          'Set ASTERISK_INBOUND_SECRET (or generate one in Setup) and put the same value in the [faxin] dialplan.',
        ),
  faxbotAdmin: {
    settings: (s, masked) => ({
      ami_host: s.sip.amiHost,
      ami_port: s.sip.amiPort,
      ami_username: s.sip.amiUsername,
      ami_password: masked('sip.amiPassword'),
      station_id: maskNumber(s.sip.stationId),
    }),
    inbound: (_s, secrets, masked) => ({
      asterisk_secret: masked('sip.inboundSecret'),
      configured: secrets['sip.inboundSecret'].configured,
    }),
    schema: z.looseObject({ ami_password: z.string(), configured: z.boolean() }),
    fields: {
      ami_host: 'ASTERISK_AMI_HOST',
      ami_port: 'ASTERISK_AMI_PORT',
      ami_username: 'ASTERISK_AMI_USERNAME',
      ami_password: 'ASTERISK_AMI_PASSWORD',
      fax_station_id: 'FAX_LOCAL_STATION_ID',
    },
  },
  routeDocs: ({ errors }) => ({
    [`POST ${ASTERISK_INBOUND_PATH}`]: {
      summary: "Asterisk's [faxin] dialplan reports a received fax (Faxbot's contract; X-Internal-Secret)",
      tag: 'provider callbacks',
      auth: 'provider',
      body: AsteriskInboundBody,
      responses: { 200: z.object({ id: z.string(), status: z.literal('ok') }), ...errors(400, 401, 404, 413, 503) },
    },
  }),
};
