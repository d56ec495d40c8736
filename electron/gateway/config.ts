import { SettingsSchema, type Settings, type ValueSource, type SecretName, BACKENDS } from '../../shared/settings';
import type { SecretStatus } from '../../shared/types';
import { PROVIDER_SETTINGS } from './providers/settings-catalog';
import type { EnvParse } from './providers/provider-settings';
import { describeIssues, issueSentence } from '../../shared/validation';

/** Where the settings file lives: `conf` headless, electron-store inside Electron (same schema). */
export interface SettingsStore {
  readonly path: string;
  read(): unknown;
  write(settings: Settings): void;
}

/** Provider credentials and signing keys: OS keychain, never the settings file or the database. */
export interface SecretStore {
  readonly kind: string;
  get(name: SecretName): Promise<string | null>;
  set(name: SecretName, value: string): Promise<void>;
  delete(name: SecretName): Promise<void>;
  status(name: SecretName): Promise<SecretStatus>;
}

type Env = Record<string, string | undefined>;

type Parser = (raw: string) => unknown;
const str: Parser = (raw) => raw;
const int: Parser = (raw) => {
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error('must be a whole number');
  return value;
};
/** Faxbot's boolean rule: 1/true/yes (any case) is true. */
const bool: Parser = (raw) => ['1', 'true', 'yes', 'on'].includes(raw.trim().toLowerCase());
const lower: Parser = (raw) => raw.trim().toLowerCase();

const PARSERS: Record<EnvParse, Parser> = { str, int, bool, lower };

/**
 * Faxbot environment names (faxbot-compat.md §2) → settings paths. Earlier names win over later
 * aliases. Each backend's own names live in its provider folder (`<name>/settings.ts`).
 */
const ENV_MAP: readonly (readonly [env: string, path: string, parse: Parser])[] = [
  ['PUBLIC_API_URL', 'publicApiUrl', str],
  ['ENFORCE_PUBLIC_HTTPS', 'enforcePublicHttps', bool],
  ['REQUIRE_API_KEY', 'requireApiKey', bool],
  ['MAX_FILE_SIZE_MB', 'maxFileSizeMb', int],
  ['PDF_TOKEN_TTL_MINUTES', 'pdfTokenTtlMinutes', int],
  ['MAX_REQUESTS_PER_MINUTE', 'maxRequestsPerMinute', int],
  ['ARTIFACT_TTL_DAYS', 'artifactTtlDays', int],
  ['CLEANUP_INTERVAL_MINUTES', 'cleanupIntervalMinutes', int],
  ['INBOUND_ENABLED', 'inboundEnabled', bool],
  ['INBOUND_RETENTION_DAYS', 'inboundRetentionDays', int],
  ['INBOUND_TOKEN_TTL_MINUTES', 'inboundTokenTtlMinutes', int],
  ['INBOUND_LIST_RPM', 'inboundListRpm', int],
  ['INBOUND_GET_RPM', 'inboundGetRpm', int],
  ['AUDIT_LOG_ENABLED', 'audit.enabled', bool],
  ['AUDIT_LOG_FORMAT', 'audit.format', lower],
  ['AUDIT_LOG_FILE', 'audit.file', str],
  ['AUDIT_LOG_RETENTION_DAYS', 'audit.retentionDays', int],
  ['FAX_DEFAULT_REGION', 'defaultRegion', str],
  ['FAX_PAGE_SIZE', 'pageSize', lower],
  ['PRINT_AUTOSEND_TAGGED', 'print.autosendTagged', bool],
  ['HOT_FOLDER', 'print.hotFolder', str],
  ['FAX_MAX_ATTEMPTS', 'retry.maxAttempts', int],
  ['PROVIDER_TIMEOUT_SECONDS', 'providerTimeoutSeconds', int],
  ['TUNNEL_ENABLED', 'tunnel.enabled', bool],
  ['TUNNEL_HOST', 'tunnel.host', str],
  ['TUNNEL_SUBDOMAIN', 'tunnel.subdomain', lower],
  ['STORAGE_BACKEND', 'storage.backend', lower],
  ['S3_BUCKET', 'storage.s3Bucket', str],
  ['S3_PREFIX', 'storage.s3Prefix', str],
  ['S3_REGION', 'storage.s3Region', str],
  ['S3_ENDPOINT_URL', 'storage.s3EndpointUrl', str],
  ['AWS_ACCESS_KEY_ID', 'storage.s3AccessKeyId', str],
  ['S3_ACCESS_KEY_ID', 'storage.s3AccessKeyId', str],
  ...PROVIDER_SETTINGS.flatMap((p) => p.env.map(([env, field, parse]) => [env, `${p.backend}.${field}`, PARSERS[parse]] as const)),
];

export const ENV_NAME_FOR_PATH: ReadonlyMap<string, string> = new Map([...ENV_MAP].reverse().map(([env, path]) => [path, env]));

export interface ProcessOptions {
  port: number;
  host: string;
  /** The env bootstrap admin key (Faxbot's API_KEY); null when unset. */
  bootstrapApiKey: string | null;
  /** MCP_FILE_URL_ALLOW_PRIVATE: lets MCP's send_fax fetch fileUrl links on this computer or the LAN. */
  mcpAllowPrivateFileUrls: boolean;
}

export class ConfigError extends Error {}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}

function hasPath(source: unknown, path: string): boolean {
  let node = source;
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null || !(part in node)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return true;
}

/** Environment values as a partial settings object, plus which paths they set. */
export function settingsFromEnv(env: Env): { values: Record<string, unknown>; paths: Set<string> } {
  const values: Record<string, unknown> = {};
  const paths = new Set<string>();
  for (const [name, path, parse] of ENV_MAP) {
    const raw = env[name];
    if (raw === undefined || raw === '' || paths.has(path)) continue;
    try {
      setPath(values, path, parse(raw));
    } catch (error) {
      throw new ConfigError(`${name} ${(error as Error).message}`);
    }
    paths.add(path);
  }
  const backend = env.FAX_BACKEND?.trim().toLowerCase();
  if (bool(env.FAX_DISABLED ?? '') === true || backend === 'test' || backend === 'disabled') {
    values.backend = 'simulator';
    paths.add('backend');
  } else if (backend) {
    if (!(BACKENDS as readonly string[]).includes(backend)) {
      throw new ConfigError(`FAX_BACKEND must be one of ${BACKENDS.join(', ')} (got "${backend}")`);
    }
    values.backend = backend;
    paths.add('backend');
  }
  return { values, paths };
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && prev && typeof prev === 'object'
        ? deepMerge(prev as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

export { deepMerge };

export interface EffectiveSettings {
  settings: Settings;
  /** The file's own (validated) values, which is what the UI edits. */
  fileSettings: Settings;
  sources: Record<string, ValueSource>;
  envPaths: ReadonlySet<string>;
}

/**
 * Settings are parsed at start and on each change, never in a hot loop: without `jitless`, zod
 * generates and compiles a function for every nested object on the first parse (about 10 ms of
 * each start) to save microseconds on later ones.
 */
export const SETTINGS_PARSE = { jitless: true } as const;

/** A settings file that no longer validates is not fatal: its bad values fall back to defaults. */
export function parseSettingsFile(raw: unknown): { settings: Settings; problems: string | null } {
  const parsed = SettingsSchema.safeParse(raw ?? {}, SETTINGS_PARSE);
  if (parsed.success) return { settings: parsed.data, problems: null };
  const cleaned: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  for (const issue of parsed.error.issues) {
    const top = issue.path[0];
    if (typeof top === 'string') delete cleaned[top];
  }
  const retry = SettingsSchema.safeParse(cleaned, SETTINGS_PARSE);
  return {
    settings: retry.success ? retry.data : SettingsSchema.parse({}, SETTINGS_PARSE),
    problems: describeIssues(parsed.error.issues),
  };
}

/** defaults < settings file < environment. */
export function resolveSettings(fileRaw: unknown, env: Env): EffectiveSettings {
  const { settings: fileSettings } = parseSettingsFile(fileRaw);
  const fromEnv = settingsFromEnv(env);
  const merged = SettingsSchema.safeParse(deepMerge(fileSettings as unknown as Record<string, unknown>, fromEnv.values), SETTINGS_PARSE);
  if (!merged.success) {
    // Name the variable to fix: the environment is where these values came from.
    const sentences = merged.error.issues.map((issue) => {
      const envName = ENV_NAME_FOR_PATH.get(issue.path.join('.'));
      return envName ? `${envName}: ${issueSentence(issue)}` : issueSentence(issue);
    });
    throw new ConfigError(`invalid environment: ${sentences.join(' ')}`);
  }
  const sources: Record<string, ValueSource> = {};
  for (const [, path] of ENV_MAP) sources[path] = hasPath(fileRaw, path) ? 'file' : 'default';
  sources.backend = hasPath(fileRaw, 'backend') ? 'file' : 'default';
  for (const path of fromEnv.paths) sources[path] = 'env';
  return { settings: merged.data, fileSettings, sources, envPaths: fromEnv.paths };
}

export function processOptions(env: Env, overrides: { port?: number; host?: string } = {}): ProcessOptions {
  const port = overrides.port ?? (env.PORT ? Number(env.PORT) : 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError('PORT must be 0-65535');
  const apiKey = env.API_KEY?.trim();
  return {
    port,
    host: overrides.host ?? env.HOST ?? '127.0.0.1',
    bootstrapApiKey: apiKey ? apiKey : null,
    mcpAllowPrivateFileUrls: bool(env.MCP_FILE_URL_ALLOW_PRIVATE ?? '') === true,
  };
}
