import { existsSync, statSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import { BACKENDS, SECRET_NAMES, type SecretName, type Settings } from '../../../shared/settings';
import type { SettingsView } from '../../../shared/types';
import { ConfigError, ENV_NAME_FOR_PATH, settingsFromEnv } from '../config';
import type { GatewayCore } from '../core';
import { PROVIDER_MODULES } from '../providers/catalog';
import { invoke } from '../rpc-handlers';
import { SECRET_ENV_NAMES } from '../secrets/env-names';
import { setupChecks } from '../services/diagnostics';
import { AppError, badRequest } from '../services/errors';
import { adminJobOut } from './admin-routes';
import { noStore, requireAdmin } from './auth';
import { faxJobOut, jobPdf } from './fax-routes';
import { parseInput } from './validate';

/** Secrets are write-only: configured or not, never a character of the value (Faxbot showed the last 4). */
const SECRET_MASK = '********';
const secretOut = (view: SettingsView, name: SecretName) => (view.secrets[name].configured ? SECRET_MASK : '');

const FIELD_VALUE = z.union([z.string().max(4096), z.number(), z.boolean(), z.null()]);
export const SettingsPutBody = z
  .record(z.string().regex(/^[a-z0-9_]{1,64}$/, 'setting names are lower_snake_case'), FIELD_VALUE)
  .describe("Faxbot's PUT /admin/settings fields (lower-case environment names, e.g. phaxio_api_key, inbound_enabled)");
export const SettingsValidateBody = z.strictObject({ backend: z.enum(BACKENDS) });
export const LogsTailQuery = z.object({
  q: z.string().max(200).optional(),
  event: z.string().max(64).optional(),
  lines: z.coerce.number().int().min(1).max(20_000).default(2000),
});
export const SimulateInboundBody = z.strictObject({
  fr: z.string().max(64).optional().describe('Sender number (default a test number)'),
  backend: z.string().max(32).optional().describe('Ignored: simulated faxes always come from the test-mode backend'),
});
export const JobIdParams = z.object({ id: z.string().min(1).max(64) });

/** Faxbot's field names where they are not simply the lower-cased environment name. */
const FIELD_ENV: Record<string, string> = {
  backend: 'FAX_BACKEND',
  ...Object.assign({}, ...PROVIDER_MODULES.map((m) => m.faxbotAdmin?.fields ?? {})),
};
const SETTINGS_ENV = new Set([...ENV_NAME_FOR_PATH.values(), 'FAX_BACKEND', 'FAX_DISABLED']);
const SECRET_BY_ENV = new Map(SECRET_NAMES.map((name) => [SECRET_ENV_NAMES[name][0] as string, name]));

/** Faxbot's masked GET /admin/settings groups, filled from our settings and the secret store's statuses. */
async function maskedSettings(core: GatewayCore) {
  const view = await core.settings.view();
  const s: Settings = view.settings;
  const configured = (backend: Settings['backend']) => core.providers.problem(backend) === null;
  const masked = (name: SecretName) => secretOut(view, name);
  const dbPath = join(core.dataDir, 'gateway.db');
  return {
    backend: { type: s.backend, disabled: (await core.status()).testMode },
    ...Object.fromEntries(
      PROVIDER_MODULES.flatMap((m) =>
        m.faxbotAdmin ? [[m.backend, { ...m.faxbotAdmin.settings(s, masked), configured: configured(m.backend) }]] : [],
      ),
    ),
    security: {
      require_api_key: s.requireApiKey || core.bootstrapApiKey !== null,
      enforce_https: s.enforcePublicHttps,
      audit_enabled: s.audit.enabled,
      public_api_url: s.publicApiUrl,
    },
    storage: { backend: s.storage.backend, s3_bucket: s.storage.s3Bucket },
    database: { url: `sqlite:///${dbPath}`, persistent: true },
    inbound: {
      enabled: s.inboundEnabled,
      retention_days: s.inboundRetentionDays,
      token_ttl_minutes: s.inboundTokenTtlMinutes,
      ...Object.fromEntries(
        PROVIDER_MODULES.flatMap((m) => (m.faxbotAdmin?.inbound ? [[m.backend, m.faxbotAdmin.inbound(s, view.secrets, masked)]] : [])),
      ),
    },
    limits: {
      max_file_size_mb: s.maxFileSizeMb,
      pdf_token_ttl_minutes: s.pdfTokenTtlMinutes,
      rate_limit_rpm: s.maxRequestsPerMinute,
      inbound_list_rpm: s.inboundListRpm,
      inbound_get_rpm: s.inboundGetRpm,
    },
  };
}

/** PUT body → a settings patch and secrets to store; unknown fields are refused, not silently dropped (a Faxbot defect). */
function splitSettingsBody(body: Record<string, string | number | boolean | null>) {
  const env: Record<string, string> = {};
  const secrets: [SecretName, string][] = [];
  const unknown: string[] = [];
  for (const [field, value] of Object.entries(body)) {
    if (value === null) continue;
    const envName = FIELD_ENV[field] ?? field.toUpperCase();
    const secret = SECRET_BY_ENV.get(envName);
    if (secret) secrets.push([secret, String(value)]);
    else if (SETTINGS_ENV.has(envName)) env[envName] = String(value);
    else unknown.push(field);
  }
  if (unknown.length) throw badRequest(`Unknown or unsupported settings: ${unknown.join(', ')}`);
  try {
    return { patch: settingsFromEnv(env).values, secrets };
  } catch (error) {
    if (error instanceof ConfigError) throw badRequest(error.message);
    throw error;
  }
}

function envLine(name: string, value: unknown): string {
  const text = String(value);
  return `${name}=${/[\s#"']/.test(text) ? JSON.stringify(text) : text}`;
}

function valueAt(settings: Settings, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], settings);
}

/** Faxbot's admin routes we lacked: settings, db-status, logs tail, simulate, job item/pdf/refresh, restart. */
export function adminCompatRoutes(app: FastifyInstance, core: GatewayCore): void {
  app.get('/admin/settings', async (request) => {
    await requireAdmin(core.auth, request);
    return maskedSettings(core);
  });

  /** Persists through the settings store and the keychain, applied live (Faxbot only wrote os.environ). */
  app.put('/admin/settings', async (request) => {
    await requireAdmin(core.auth, request);
    const { patch, secrets } = splitSettingsBody(parseInput(SettingsPutBody, request.body));
    const before = core.settings.current;
    if (Object.keys(patch).length) await core.settings.update(patch);
    for (const [name, value] of secrets) await core.settings.setSecret(name, value);
    const after = core.settings.current;
    return {
      ...(await maskedSettings(core)),
      _meta: {
        backend_changed: before.backend !== after.backend,
        storage_changed: before.storage.backend !== after.storage.backend,
        restart_recommended: false,
      },
    };
  });

  app.post('/admin/settings/validate', async (request) => {
    await requireAdmin(core.auth, request);
    const { backend } = parseInput(SettingsValidateBody, request.body);
    const results = await setupChecks(core, backend);
    return {
      backend,
      checks: Object.fromEntries(results.map((check) => [check.id, check.state === 'pass'])),
      details: results,
      test_fax: null,
    };
  });

  /** A .env for another machine: settings in Faxbot's names; secrets only named, never exported (Faxbot printed 8 characters). */
  app.get('/admin/settings/export', async (request) => {
    await requireAdmin(core.auth, request);
    const view = await core.settings.view();
    const lines = [envLine('FAX_BACKEND', view.settings.backend)];
    for (const [path, envName] of ENV_NAME_FOR_PATH) {
      const value = valueAt(view.settings, path);
      if (value !== undefined && value !== '') lines.push(envLine(envName, value));
    }
    for (const name of SECRET_NAMES) {
      if (view.secrets[name].configured)
        lines.push(`# ${SECRET_ENV_NAMES[name][0]} is set here; secrets are never exported, set it on the new machine`);
    }
    return {
      env_content: `${lines.join('\n')}\n`,
      requires_restart: false,
      note: 'Secrets are not included. Settings changed through PUT /admin/settings apply without a restart.',
    };
  });

  app.get('/admin/db-status', async (request) => {
    await requireAdmin(core.auth, request);
    const path = join(core.dataDir, 'gateway.db');
    let connected = true;
    let error: string | null = null;
    const counts = { fax_jobs: 0, api_keys: 0, inbound_fax: 0 };
    try {
      const stored = await core.store.counts();
      counts.fax_jobs = stored.jobs;
      counts.api_keys = stored.apiKeys;
      counts.inbound_fax = stored.inboundFaxes;
    } catch (thrown) {
      connected = false;
      error = (thrown as Error).message;
    }
    const info = existsSync(path) ? statSync(path) : null;
    return {
      url: `sqlite:///${path}`,
      engine: 'sqlite',
      connected,
      error,
      counts,
      sqlite: {
        path,
        exists: info !== null,
        size_bytes: info?.size ?? 0,
        modified: info ? info.mtime.toISOString() : null,
        persistent_volume: true,
      },
    };
  });

  app.get('/admin/logs/tail', async (request) => {
    await requireAdmin(core.auth, request);
    const query = parseInput(LogsTailQuery, request.query);
    if (!core.settings.current.audit.enabled) throw badRequest('Audit logging is off (AUDIT_LOG_ENABLED=false)');
    const { file } = await core.audit.tailFile();
    const info = await stat(file).catch(() => null);
    if (!info) throw new AppError('not_found', 'Audit log file not found');
    // Only the end of a long file is read: enough for 20,000 lines of typical audit entries.
    const window = Math.min(info.size, 8 * 1024 * 1024);
    const handle = await open(file, 'r');
    const buffer = Buffer.alloc(window);
    try {
      await handle.read(buffer, 0, window, info.size - window);
    } finally {
      await handle.close();
    }
    const needle = query.q?.toLowerCase();
    const items = buffer
      .toString('utf8')
      .split('\n')
      .slice(window < info.size ? 1 : 0)
      .filter((line) => line.trim() !== '' && (!needle || line.toLowerCase().includes(needle)))
      .map((raw) => {
        try {
          return { raw, ...(JSON.parse(raw) as Record<string, unknown>) };
        } catch {
          return { raw };
        }
      })
      .filter((item) => !query.event || (item as { event?: unknown }).event === query.event)
      .slice(-query.lines);
    return { items, count: items.length, source: file };
  });

  /** Test mode only: a simulated received fax, through the same service call as the window's button. */
  app.post('/admin/inbound/simulate', async (request) => {
    const caller = await requireAdmin(core.auth, request);
    const body = parseInput(SimulateInboundBody, request.body);
    if (!core.settings.current.inboundEnabled) throw badRequest('Inbound not enabled');
    const result = await invoke(core, 'inbound:simulate', { from: body.fr }, caller);
    if (!result.ok) throw new AppError(result.error.code, result.error.message);
    return { id: (result.value as { id: string }).id, status: 'ok' };
  });

  app.get('/admin/fax-jobs/:id', async (request) => {
    await requireAdmin(core.auth, request);
    const job = await core.jobs.get(parseInput(JobIdParams, request.params).id);
    return { ...adminJobOut(job), provider_sid: job.providerId, file_name: job.fileName };
  });

  app.get('/admin/fax-jobs/:id/pdf', async (request, reply) => {
    await requireAdmin(core.auth, request);
    const row = await core.jobs.row(parseInput(JobIdParams, request.params).id);
    const bytes = await jobPdf(core, row);
    core.audit.record('admin_pdf_download', { job_id: row.id });
    return noStore(reply).type('application/pdf').header('content-disposition', `attachment; filename="fax_${row.id}.pdf"`).send(bytes);
  });

  /** Asks the provider now (Faxbot could only for manifest plugins); the answer goes through the one state machine. */
  app.post('/admin/fax-jobs/:id/refresh', async (request) => {
    await requireAdmin(core.auth, request);
    const { id } = parseInput(JobIdParams, request.params);
    let asked: boolean;
    try {
      asked = await core.outbox.refresh(id);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('unavailable', 'The provider did not answer the status request; try again later');
    }
    if (!asked) throw badRequest('Refresh not supported for this job (it is not in progress, or its provider cannot be asked)');
    return faxJobOut(await core.jobs.get(id));
  });

  /** A safe reload: settings re-read, providers rebuilt, the dispatcher restarted after in-flight sends finish. */
  app.post('/admin/restart', async (request) => {
    await requireAdmin(core.auth, request);
    core.settings.reload();
    await core.providers.refresh();
    await core.outbox.restart();
    core.audit.record('gateway_reloaded');
    return { ok: true, note: 'Settings reloaded and the dispatcher restarted; queued and in-flight faxes were kept.' };
  });
}
