import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import { MCP_HTTP_PATH, MCP_SSE_PATH } from '../../../shared/mcp';
import { maskNumber } from '../../../shared/phone';
import { statusesForFilter } from '../../../shared/status';
import type { ApiKeyView, JobView } from '../../../shared/types';
import type { GatewayCore } from '../core';
import { runDiagnostics, callbackUrls } from '../services/diagnostics';
import { badRequest } from '../services/errors';
import { adminCompatRoutes } from './admin-compat-routes';
import { requireAdmin } from './auth';
import { coverTemplateAdminRoutes } from './cover-routes';
import { parseInput } from './validate';

/** Faxbot's key list shape (snake_case). */
function keyOut(key: ApiKeyView) {
  return {
    key_id: key.keyId,
    name: key.name,
    owner: key.owner,
    scopes: key.scopes,
    note: key.note,
    created_at: key.createdAt,
    last_used_at: key.lastUsedAt,
    expires_at: key.expiresAt,
    revoked_at: key.revokedAt,
  };
}

/** Faxbot's admin job shape: the number masked, errors already free of numbers. */
export function adminJobOut(job: JobView) {
  return {
    id: job.id,
    to_number: maskNumber(job.toE164),
    status: job.faxbotStatus,
    state: job.status,
    backend: job.backend,
    pages: job.pages,
    error: job.error,
    created_at: job.createdAt,
    updated_at: job.updatedAt,
  };
}

export const AdminLogsQuery = z.object({
  event: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).catch(200).default(200),
});
export const AdminFaxJobsQuery = z.object({
  status: z.string().max(32).optional().describe("Faxbot's statuses or ours, any case"),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});
export const KeyIdParams = z.object({ keyId: z.string().min(1).max(64) });

export const CreateKey = z.object({
  name: z.string().max(100).nullish(),
  owner: z.string().max(100).nullish(),
  scopes: z.array(z.string().min(1).max(40)).max(20).nullish(),
  expires_at: z.string().max(40).nullish(),
  note: z.string().max(500).nullish(),
});

/** Faxbot's headers on every /admin response, scoped to these routes so other routes pay nothing. */
export function registerAdminRoutes(root: FastifyInstance, core: GatewayCore): void {
  void root.register(async (app) => {
    app.addHook('onSend', async (_request, reply) => {
      reply.headers({ 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', pragma: 'no-cache' });
    });
    adminRoutes(app, core);
    adminCompatRoutes(app, core);
    coverTemplateAdminRoutes(app, core);
  });
}

function adminRoutes(app: FastifyInstance, core: GatewayCore): void {
  app.post('/admin/api-keys', async (request) => {
    await requireAdmin(core.auth, request);
    const body = parseInput(CreateKey, request.body);
    let expiresAt: string | undefined;
    if (body.expires_at) {
      const ms = Date.parse(
        body.expires_at.endsWith('Z') || /[+-]\d\d:\d\d$/.test(body.expires_at) ? body.expires_at : `${body.expires_at}Z`,
      );
      if (!Number.isFinite(ms)) throw badRequest('expires_at must be an ISO-8601 date');
      expiresAt = new Date(ms).toISOString();
    }
    const { key, token } = await core.keys.create({
      name: body.name ?? undefined,
      owner: body.owner ?? undefined,
      scopes: body.scopes ?? [],
      expiresAt,
      note: body.note ?? undefined,
    });
    return { key_id: key.keyId, token, name: key.name, owner: key.owner, scopes: key.scopes, expires_at: key.expiresAt };
  });

  app.get('/admin/api-keys', async (request) => {
    await requireAdmin(core.auth, request);
    return (await core.keys.list()).map(keyOut);
  });

  app.delete('/admin/api-keys/:keyId', async (request) => {
    await requireAdmin(core.auth, request);
    await core.keys.revoke(parseInput(KeyIdParams, request.params).keyId);
    return { status: 'ok' };
  });

  app.post('/admin/api-keys/:keyId/rotate', async (request) => {
    await requireAdmin(core.auth, request);
    const { key, token } = await core.keys.rotate(parseInput(KeyIdParams, request.params).keyId);
    return { key_id: key.keyId, token };
  });

  app.get('/admin/config', async (request) => {
    await requireAdmin(core.auth, request);
    const s = core.settings.current;
    const status = await core.status();
    return {
      backend: s.backend,
      test_mode: status.testMode,
      require_api_key: s.requireApiKey || core.bootstrapApiKey !== null,
      enforce_public_https: s.enforcePublicHttps,
      public_api_url: status.publicUrl,
      audit_log_enabled: s.audit.enabled,
      rate_limits: { global_rpm: s.maxRequestsPerMinute, inbound_list_rpm: s.inboundListRpm, inbound_get_rpm: s.inboundGetRpm },
      inbound: { enabled: s.inboundEnabled, retention_days: s.inboundRetentionDays, token_ttl_minutes: s.inboundTokenTtlMinutes },
      storage: { backend: s.storage.backend },
      // Always on here, behind API keys (Faxbot's ENABLE_MCP_* flags and OAuth do not apply).
      mcp: { sse_enabled: true, sse_path: MCP_SSE_PATH, http_enabled: true, http_path: MCP_HTTP_PATH, require_oauth: false },
      version: status.version,
    };
  });

  app.get('/admin/health-status', async (request) => {
    await requireAdmin(core.auth, request);
    const status = await core.status();
    const jobs = await core.store.jobs.statusCounts(core.now() - 3_600_000);
    return {
      timestamp: new Date(core.now()).toISOString(),
      backend: status.backend,
      backend_healthy: core.providers.problem(status.backend) === null,
      jobs: { queued: jobs.queued, in_progress: jobs.inProgress, recent_failures: jobs.failedSince },
      inbound_enabled: core.settings.current.inboundEnabled,
      api_keys_configured: core.bootstrapApiKey !== null || (await core.keys.activeCount()) > 0,
      require_auth: core.auth.authRequired(),
    };
  });

  app.get('/admin/logs', async (request) => {
    await requireAdmin(core.auth, request);
    const query = parseInput(AdminLogsQuery, request.query);
    const items = await core.audit.recent(query.limit, query.event || undefined);
    return { items, count: items.length };
  });

  app.post('/admin/diagnostics/run', async (request) => {
    await requireAdmin(core.auth, request);
    return runDiagnostics(core);
  });

  app.get('/admin/inbound/callbacks', async (request) => {
    await requireAdmin(core.auth, request);
    const backend = core.settings.current.backend;
    return { backend, callbacks: callbackUrls(core, backend) };
  });

  /** Faxbot's admin job list: numbers masked, errors already free of numbers. */
  app.get('/admin/fax-jobs', async (request) => {
    await requireAdmin(core.auth, request);
    const query = parseInput(AdminFaxJobsQuery, request.query);
    const status = query.status ? statusesForFilter(query.status) : undefined;
    if (status === null) throw badRequest(`Unknown status filter "${query.status}"`);
    const page = await core.jobs.list({ limit: query.limit, cursor: query.cursor, status });
    return {
      total: page.total,
      next_cursor: page.nextCursor,
      jobs: page.items.map(adminJobOut),
    };
  });
}
