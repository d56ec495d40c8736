import type { Backend, SecretName, Settings } from '../../shared/settings';
import type { FieldSpec, FieldValue } from '../components/FieldInput';

export interface BackendField extends FieldSpec {
  /** Key inside the backend's settings section. */
  key: string;
  /** Shown under "Advanced" (API addresses: only changed for testing or regional accounts). */
  advanced?: boolean;
}

export interface BackendInfo {
  id: Backend;
  name: string;
  blurb: string;
  fields: BackendField[];
  secrets: { name: SecretName; label: string; hint?: string }[];
  /** Why (or whether) a public address is needed, in plain words. */
  publicUrlNeed: string;
}

export const BACKEND_INFO: BackendInfo[] = [
  {
    id: 'simulator',
    name: 'Test mode',
    blurb: 'Nothing is dialled. Faxes move through the same steps and are marked TEST. Good for trying the app.',
    fields: [
      {
        key: 'outcome',
        label: 'Simulated result',
        kind: 'select',
        options: [
          { value: 'delivered', label: 'Delivered' },
          { value: 'busy', label: 'Line busy' },
          { value: 'no_answer', label: 'No answer' },
          { value: 'invalid_number', label: 'Invalid number' },
          { value: 'partial', label: 'Partly sent' },
          { value: 'busy_then_delivered', label: 'Busy, then delivered on retry' },
        ],
      },
      { key: 'stepDelayMs', label: 'Delay between steps (ms)', kind: 'number' },
    ],
    secrets: [],
    publicUrlNeed: 'Test mode needs no public address.',
  },
  {
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
  },
  {
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
    publicUrlNeed:
      'Sinch takes documents directly, so sending works without a public address; delivery callbacks and incoming faxes need one.',
  },
  {
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
  },
  {
    id: 'sip',
    name: 'SIP / Asterisk',
    blurb: 'Your own Asterisk server over AMI. Needs a SIP trunk that supports T.38.',
    fields: [
      { key: 'amiHost', label: 'AMI host', kind: 'text' },
      { key: 'amiPort', label: 'AMI port', kind: 'number' },
      { key: 'amiUsername', label: 'AMI user name', kind: 'text' },
      { key: 'stationId', label: 'Station id (your fax number)', kind: 'text' },
    ],
    secrets: [
      { name: 'sip.amiPassword', label: 'AMI password' },
      { name: 'sip.inboundSecret', label: 'Inbound shared secret', hint: 'Asterisk sends this with each received fax.' },
    ],
    publicUrlNeed: 'Asterisk talks to the gateway on your network; no public address is needed.',
  },
];

/** Secrets that belong to no backend's setup form. */
const OTHER_SECRET_NAMES: Partial<Record<SecretName, string>> = {
  apiKey: 'Bootstrap admin API key',
  'sinch.inboundBasicPass': 'Sinch inbound password',
  'sinch.inboundHmacSecret': 'Sinch inbound signing secret',
  'storage.s3SecretAccessKey': 'S3 secret access key',
};

/** "Phaxio: API secret" for `phaxio.apiSecret`: what Settings lists, never the dotted name. */
export function secretLabel(name: SecretName): string {
  for (const backend of BACKEND_INFO) {
    const secret = backend.secrets.find((s) => s.name === name);
    if (secret) return `${backend.name}: ${secret.label}`;
  }
  return OTHER_SECRET_NAMES[name] ?? name;
}

export function backendInfo(id: Backend): BackendInfo {
  return BACKEND_INFO.find((b) => b.id === id) ?? (BACKEND_INFO[0] as BackendInfo);
}

export type SectionValues = Record<string, FieldValue>;

/** The current values of a backend's settings section, as plain form values. */
export function sectionValues(settings: Settings, id: Backend): SectionValues {
  return { ...(settings[id] as SectionValues) };
}
