import * as z from 'zod';
import { PROVIDER_SETTINGS } from '../electron/gateway/providers/settings-catalog';
import { countryCodeFor, isCountryCode } from './phone';

/** Every backend's own settings section, env and secret names, from its provider folder. */
type ProviderSettingsList = typeof PROVIDER_SETTINGS;
type ProviderSettingsOf<B> = Extract<ProviderSettingsList[number], { backend: B }>;
type BackendsOf<L extends readonly { backend: string }[]> = { -readonly [I in keyof L]: L[I]['backend'] };
type SecretsOf<P> = P extends { secrets: infer S } ? keyof S & string : never;

/**
 * The settings file schema (validated on load and on every update). Secrets are NOT here:
 * they live in the OS keychain and are addressed by SECRET_NAMES.
 */
export const BACKENDS = PROVIDER_SETTINGS.map((p) => p.backend) as BackendsOf<ProviderSettingsList>;
export type Backend = (typeof BACKENDS)[number];

/** Fax resolution per job: fine (204×196 dpi, the default) or standard (204×98). */
export const FAX_RESOLUTIONS = ['fine', 'standard'] as const;
export type FaxResolution = (typeof FAX_RESOLUTIONS)[number];

export { SIMULATOR_OUTCOMES, type SimulatorOutcome } from '../electron/gateway/providers/simulator/settings';

/** One section per backend, each filled from its own defaults when the file lacks it (a new backend, an old file). */
const providerSections = Object.fromEntries(
  PROVIDER_SETTINGS.map((p): [Backend, z.ZodType] => [p.backend, (p.schema as z.ZodObject).prefault({})]),
) as {
  [B in Backend]: z.ZodPrefault<ProviderSettingsOf<B>['schema']>;
};

const httpUrlOrEmpty = z.union([z.literal(''), z.url({ protocol: /^https?$/ })]);

export const SettingsSchema = z.object({
  backend: z.enum(BACKENDS).default('simulator'),
  setupCompleted: z.boolean().default(false),
  // Only ISO codes the number library knows; "uk" or " gb " as typed become GB.
  defaultRegion: z
    .preprocess((value) => (typeof value === 'string' ? countryCodeFor(value) : value), z.string().refine(isCountryCode))
    .default('US'),
  pageSize: z.enum(['letter', 'a4']).default('letter'),
  publicApiUrl: httpUrlOrEmpty.default(''),
  enforcePublicHttps: z.boolean().default(true),
  requireApiKey: z.boolean().default(false),
  maxFileSizeMb: z.number().int().min(1).max(100).default(10),
  pdfTokenTtlMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
  maxRequestsPerMinute: z.number().int().min(0).default(0),
  /** Bound on every call to the fax provider (submit, status check, lookup); a hung call is given up after this. */
  providerTimeoutSeconds: z.number().int().min(1).max(600).default(30),
  artifactTtlDays: z.number().int().min(0).default(0),
  cleanupIntervalMinutes: z.number().int().min(1).default(1440),
  inboundEnabled: z.boolean().default(true),
  inboundRetentionDays: z.number().int().min(0).default(30),
  inboundTokenTtlMinutes: z.number().int().min(1).default(60),
  inboundListRpm: z.number().int().min(0).default(30),
  inboundGetRpm: z.number().int().min(0).default(60),
  audit: z
    .object({
      enabled: z.boolean().default(true),
      format: z.enum(['json', 'text']).default('json'),
      file: z.string().default(''),
      /** Audit rows older than this are deleted by the retention sweep (0 keeps them forever). */
      retentionDays: z.number().int().min(0).default(90),
    })
    .default({ enabled: true, format: 'json', file: '', retentionDays: 90 }),
  retry: z
    .object({
      maxAttempts: z.number().int().min(1).max(20).default(5),
      busyDelaySeconds: z.number().int().min(1).default(300),
      noAnswerDelaySeconds: z.number().int().min(1).default(600),
      lineErrorDelaySeconds: z.number().int().min(1).default(300),
      providerDelaySeconds: z.number().int().min(1).default(60),
    })
    .default({
      maxAttempts: 5,
      busyDelaySeconds: 300,
      noAnswerDelaySeconds: 600,
      lineErrorDelaySeconds: 300,
      providerDelaySeconds: 60,
    }),
  tunnel: z
    .object({
      enabled: z.boolean().default(false),
      host: z.url({ protocol: /^https?$/ }).default('https://localtunnel.me'),
      subdomain: z
        .string()
        .regex(/^[a-z0-9-]{0,63}$/)
        .default(''),
    })
    .default({ enabled: false, host: 'https://localtunnel.me', subdomain: '' }),
  storage: z
    .object({
      backend: z.enum(['local', 's3']).default('local'),
      s3Bucket: z.string().default(''),
      s3Prefix: z.string().default('inbound/'),
      s3Region: z.string().default('us-east-1'),
      s3EndpointUrl: httpUrlOrEmpty.default(''),
      s3AccessKeyId: z.string().default(''),
    })
    .default({
      backend: 'local',
      s3Bucket: '',
      s3Prefix: 'inbound/',
      s3Region: 'us-east-1',
      s3EndpointUrl: '',
      s3AccessKeyId: '',
    }),
  /** Print to fax: the automation rules (everything else waits for a person to add a number). */
  print: z
    .object({
      /** Send a printed or dropped document straight away when its text carries @@fax:…@@ tags. */
      autosendTagged: z.boolean().default(false),
      /** A watched folder: files named "+15551234567 …" or carrying a tag are sent; '' is off. */
      hotFolder: z
        .string()
        .max(1024)
        .regex(/^$|^(\/|[A-Za-z]:[\\/]|\\\\)/, 'Give the full path of the hot folder (for example /home/me/Fax or C:\\Fax)')
        .default(''),
    })
    .default({ autosendTagged: false, hotFolder: '' }),
  /** Who is sending: cover pages and the legal header line (47 CFR 68.318(d)) use it. */
  sender: z
    .object({
      company: z.string().max(100).default(''),
      name: z.string().max(100).default(''),
      fax: z.string().max(40).default(''),
      voice: z.string().max(40).default(''),
      email: z.string().max(200).default(''),
      /** Stamp date, time, sender, number and page x/y at the top of every page. */
      headerLine: z.boolean().default(true),
      /** A folder where every finished fax's confirmation report is saved; '' = off. */
      reportFolder: z.string().max(1000).default(''),
    })
    .default({ company: '', name: '', fax: '', voice: '', email: '', headerLine: true, reportFolder: '' }),
  ui: z
    .object({
      theme: z.enum(['system', 'light', 'dark']).default('system'),
      notifyOnDelivered: z.boolean().default(false),
    })
    .default({ theme: 'system', notifyOnDelivered: false }),
  ...providerSections,
});

export type Settings = z.infer<typeof SettingsSchema>;

export function defaultSettings(): Settings {
  return SettingsSchema.parse({});
}

/** Deep-partial update accepted by settings:update; validated again against SettingsSchema. */
export type SettingsPatch = { [K in keyof Settings]?: Settings[K] extends object ? Partial<Settings[K]> : Settings[K] };

export type SecretName = 'apiKey' | 'storage.s3SecretAccessKey' | 'remote.apiKey' | SecretsOf<ProviderSettingsList[number]>;
/** The bootstrap API key first, then each backend's secrets in catalog order, then storage, then the office-server key. */
export const SECRET_NAMES = [
  'apiKey',
  ...PROVIDER_SETTINGS.flatMap((p) => Object.keys(p.secrets) as SecretName[]),
  'storage.s3SecretAccessKey',
  /** This computer's personal key for the office server it connects to (remote mode). */
  'remote.apiKey',
] as const satisfies readonly SecretName[];

/** Plain words for each SecretStore.kind (where credentials really are); unknown kinds are shown as they are. */
const SECRET_STORE_NAMES: Record<string, { long: string; short: string }> = {
  keychain: { long: 'the OS keychain', short: 'OS keychain' },
  'encrypted-file': {
    long: 'an encrypted file in the data folder, because no OS keychain was found',
    short: 'encrypted file',
  },
  safeStorage: { long: 'the system’s protected storage', short: 'protected storage' },
  memory: { long: 'memory only (forgotten when the gateway stops)', short: 'memory only' },
};

export function secretStoreName(kind: string): { long: string; short: string } {
  return SECRET_STORE_NAMES[kind] ?? { long: kind, short: kind };
}

export type ValueSource = 'default' | 'file' | 'env';
