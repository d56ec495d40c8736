import * as z from 'zod';
import { COVER_POLICIES } from '../../../shared/contacts';
import { JOB_STATUSES } from '../../../shared/status';
import { MCP_HTTP_PATH, MCP_SSE_MESSAGES_PATH, MCP_SSE_PATH } from '../mcp/routes';
import { version } from '../version';
import { JobIdParams, LogsTailQuery, SettingsPutBody, SettingsValidateBody, SimulateInboundBody } from './admin-compat-routes';
import { AdminFaxJobsQuery, AdminLogsQuery, CreateKey, KeyIdParams } from './admin-routes';
import { ContactBody, ContactPatchBody, ContactsQuery, GroupBody, IdParams } from './contacts-routes';
import { CoverPreviewBody, CoverTemplateForm, CoverTemplateParams } from './cover-routes';
import { BatchForm, FaxListQuery, FaxPdfQuery } from './fax-routes';
import { InboundListQuery, InboundPdfQuery } from './inbound-routes';
import { PrintJobParams, PrintJobSendBody, PrintSpoolParams } from './print-routes';
import { PROVIDER_MODULES } from '../providers/catalog';
import type { RegisteredRoute } from './openapi-collect';

/*
 * The OpenAPI 3.1 document, built from zod schemas: request schemas are the ones the routes parse
 * with (imported from the route modules); response schemas describe what the routes answer, and a
 * test validates recorded real responses against them and fails when a registered route is missing.
 */

const nullable = <T extends z.ZodType>(schema: T) => schema.nullable();
const ErrorOut = z.object({ detail: z.string() }).describe('Every error: a readable sentence');

export const FaxJobOut = z.object({
  id: z.string(),
  to: z.string(),
  status: z.string().describe('Faxbot status: queued, in_progress, SUCCESS or FAILED'),
  error: nullable(z.string()),
  pages: nullable(z.number().int()),
  backend: z.string(),
  provider_sid: nullable(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
  state: z.enum(JOB_STATUSES),
  to_e164: z.string(),
  test_mode: z.boolean(),
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  next_attempt_at: nullable(z.string()),
  failure_class: nullable(z.string()),
  provider_status: nullable(z.string()),
  file_name: nullable(z.string()),
  batch_id: nullable(z.string()).describe('The batch, when the fax was one of several recipients of one send'),
  send_at: nullable(z.string()).describe('Scheduled send time (not sent before it)'),
  cover_template: nullable(z.string()).describe('The cover page template sent in front of the document'),
  api_key_id: nullable(z.string()).describe('The API key that sent it (null: the desktop window or the bootstrap API_KEY)'),
  sent_by: nullable(z.string()).describe("Who sent it: the key's name at send time, else its id"),
});
const BatchOut = z.object({
  batch_id: z.string(),
  created_at: z.string(),
  total: z.number().int(),
  delivered: z.number().int(),
  failed: z.number().int(),
  canceled: z.number().int(),
  pending: z.number().int(),
  jobs: z.array(FaxJobOut),
});
const ContactOut = z.object({
  id: z.string(),
  name: z.string(),
  company: z.string(),
  fax: z.string().describe('As typed'),
  fax_e164: z.string().describe('What is dialled'),
  voice: z.string(),
  email: z.string(),
  notes: z.string(),
  cover_policy: z.enum(COVER_POLICIES),
  group_ids: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});
const CoverTemplateOut = z.object({
  name: z.string().describe('What cover=<name> asks for'),
  label: z.string(),
  built_in: z.boolean(),
  fields: z.array(z.string()).describe('Form fields an imported template fills (empty for the built-in ones)'),
  created_at: nullable(z.string()),
  size: nullable(z.number().int()),
});
const GroupOut = z.object({
  id: z.string(),
  name: z.string(),
  contact_ids: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});
const PrintJobOut = z.object({
  id: z.string(),
  source: z.string(),
  file_name: nullable(z.string()),
  pages: z.number().int(),
  tag_numbers: z.array(z.string()),
  state: z.enum(['waiting', 'sending', 'sent', 'discarded', 'rejected']),
  reason: nullable(z.string()),
  job_ids: z.array(z.string()),
  created_at: z.string(),
});
const InboundFaxOut = z.object({
  id: z.string(),
  fr: z.string(),
  to: z.string(),
  status: z.string(),
  backend: z.string(),
  pages: nullable(z.number().int()),
  size_bytes: nullable(z.number().int()),
  created_at: nullable(z.string()),
  received_at: nullable(z.string()),
  updated_at: nullable(z.string()),
  mailbox: z.null(),
  read: z.boolean(),
});
const KeyOut = z.object({
  key_id: z.string(),
  name: nullable(z.string()),
  owner: nullable(z.string()),
  scopes: z.array(z.string()),
  note: nullable(z.string()),
  created_at: z.string(),
  last_used_at: nullable(z.string()),
  expires_at: nullable(z.string()),
  revoked_at: nullable(z.string()),
});
const CreatedKeyOut = z.object({
  key_id: z.string(),
  token: z.string(),
  name: nullable(z.string()),
  owner: nullable(z.string()),
  scopes: z.array(z.string()),
  expires_at: nullable(z.string()),
});
const AdminJobOut = z.object({
  id: z.string(),
  to_number: z.string(),
  status: z.string(),
  state: z.enum(JOB_STATUSES),
  backend: z.string(),
  pages: nullable(z.number().int()),
  error: nullable(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});
const Check = z.looseObject({ id: z.string(), label: z.string(), state: z.enum(['pass', 'fail', 'warn', 'skip']), detail: z.string() });
const AuditItem = z.looseObject({ ts: z.string(), event: z.string() });
const MaskedSettings = z.looseObject({
  backend: z.object({ type: z.string(), disabled: z.boolean() }),
  ...Object.fromEntries(PROVIDER_MODULES.flatMap((m) => (m.faxbotAdmin ? [[m.backend, m.faxbotAdmin.schema]] : []))),
  security: z.looseObject({ require_api_key: z.boolean() }),
  storage: z.looseObject({ backend: z.string() }),
  database: z.object({ url: z.string(), persistent: z.boolean() }),
  inbound: z.looseObject({ enabled: z.boolean() }),
  limits: z.looseObject({ max_file_size_mb: z.number().int() }),
});
const Ack = z.looseObject({ status: z.string() });
const ProviderAck = z.looseObject({}).describe('Acknowledgement for the provider ({"status": "ok"} or {"ok": true})');
const Form = z
  .record(z.string(), z.string())
  .describe('application/x-www-form-urlencoded, multipart/form-data or JSON, as the provider sends it');
const JobIdQuery = z.object({ job_id: z.string().max(64).optional().describe('The job this callback is about') });

type Auth = 'none' | 'apiKey' | 'admin' | 'session' | 'provider';
/** 'multipart' is POST /fax's form ("to" and "file"); { multipart } lists another form's text fields besides "file". */
type Body = z.ZodType | 'multipart' | { multipart: z.ZodObject } | 'json-rpc';
type Response = z.ZodType | 'pdf' | 'csv' | 'vcard' | 'no-content' | 'event-stream' | 'xml' | 'redirect' | 'json-rpc';

export interface RouteDoc {
  summary: string;
  tag: 'fax' | 'contacts' | 'inbound' | 'health' | 'admin' | 'provider callbacks' | 'mcp' | 'desktop' | 'docs';
  auth: Auth;
  scope?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: Body;
  responses: Record<number, Response>;
}

const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, ErrorOut])) as Record<number, Response>;
const adminGet = (summary: string, out: Response, extra: Pick<RouteDoc, 'params' | 'query'> & { errors?: number[] } = {}): RouteDoc => ({
  summary,
  tag: 'admin',
  auth: 'admin',
  params: extra.params,
  query: extra.query,
  responses: { 200: out, ...errors(400, 401, 404, ...(extra.errors ?? [])) },
});
const callback = (summary: string, query?: z.ZodObject): RouteDoc => ({
  summary,
  tag: 'provider callbacks',
  auth: 'provider',
  query,
  body: Form,
  responses: { 200: ProviderAck, ...errors(400, 401, 403, 404, 413, 415, 502) },
});
const mcp = (summary: string, body?: Body, ok: Response = 'json-rpc'): RouteDoc => ({
  summary,
  tag: 'mcp',
  auth: 'apiKey',
  body,
  responses: { 200: ok, ...errors(401, 403, 404, 405) },
});

/** Every REST route, keyed as Fastify registers it ("METHOD /path/:param"). */
export const ROUTE_DOCS: Record<string, RouteDoc> = {
  'GET /health': { summary: 'Liveness', tag: 'health', auth: 'none', responses: { 200: z.object({ status: z.literal('ok') }) } },
  'GET /health/ready': {
    summary: 'Readiness: the store answers and the active backend can send',
    tag: 'health',
    auth: 'none',
    responses: {
      200: z.looseObject({ status: z.enum(['ready', 'not_ready']), backend: z.string(), warnings: z.array(z.string()) }),
      503: z.looseObject({ status: z.literal('not_ready') }),
    },
  },
  'GET /plugins': {
    summary: "Faxbot's plugin list (always empty here)",
    tag: 'admin',
    auth: 'admin',
    responses: { 200: z.object({ items: z.array(z.unknown()) }), ...errors(401) },
  },
  'POST /fax': {
    summary: 'Send a fax (multipart: field "to", file part "file"; PDF, TXT, JPEG, PNG or TIFF, sniffed from the bytes)',
    tag: 'fax',
    auth: 'apiKey',
    scope: 'fax:send',
    body: 'multipart',
    responses: { 202: FaxJobOut, ...errors(400, 401, 403, 413, 415, 429) },
  },
  'GET /fax': {
    summary: 'Fax history, newest first; ?sender= answers "who sent it?" (a key id or name)',
    tag: 'fax',
    auth: 'apiKey',
    scope: 'fax:read',
    query: FaxListQuery,
    responses: {
      200: z.object({ items: z.array(FaxJobOut), next_cursor: nullable(z.string()), total: z.number().int() }),
      ...errors(400, 401, 403, 429),
    },
  },
  'GET /fax/:id': {
    summary: 'A fax job',
    tag: 'fax',
    auth: 'apiKey',
    scope: 'fax:read',
    params: JobIdParams,
    responses: { 200: FaxJobOut, ...errors(401, 403, 404, 429) },
  },
  'POST /fax/batch': {
    summary: 'Send one document to several numbers and/or groups (multipart: "to" and "group" repeated, file part "file")',
    tag: 'fax',
    auth: 'apiKey',
    scope: 'fax:send',
    body: { multipart: BatchForm },
    responses: { 202: BatchOut, ...errors(400, 401, 403, 404, 413, 415, 429) },
  },
  'GET /fax/batch/:id': {
    summary: "A batch and each recipient's job",
    tag: 'fax',
    auth: 'apiKey',
    scope: 'fax:read',
    params: JobIdParams,
    responses: { 200: BatchOut, ...errors(401, 403, 404, 429) },
  },
  'GET /fax/:id/report.pdf': {
    summary: 'Confirmation report (transmission result and first page)',
    tag: 'fax',
    auth: 'apiKey',
    scope: 'fax:read',
    params: JobIdParams,
    responses: { 200: 'pdf', ...errors(401, 403, 404, 409, 429) },
  },
  'POST /covers/preview': {
    summary: 'The cover page one recipient would get (built-in or imported template), as the PDF that is sent',
    tag: 'fax',
    auth: 'apiKey',
    scope: 'fax:send',
    body: CoverPreviewBody,
    responses: { 200: 'pdf', ...errors(400, 401, 403, 404, 409, 429) },
  },
  'GET /fax/:id/pdf': {
    summary: "The job's PDF for the provider's fetch (tokenised link, no API key)",
    tag: 'fax',
    auth: 'none',
    params: JobIdParams,
    query: FaxPdfQuery,
    responses: { 200: 'pdf', ...errors(400, 403, 404) },
  },
  'GET /contacts': {
    summary: 'Phone book, by name',
    tag: 'contacts',
    auth: 'apiKey',
    scope: 'fax:read',
    query: ContactsQuery,
    responses: { 200: z.object({ items: z.array(ContactOut), total: z.number().int() }), ...errors(400, 401, 403, 404, 429) },
  },
  'POST /contacts': {
    summary: 'Add a contact (snake_case or camelCase for cover_policy and group_ids)',
    tag: 'contacts',
    auth: 'apiKey',
    scope: 'fax:send',
    body: ContactBody,
    responses: { 201: ContactOut, ...errors(400, 401, 403, 404, 409, 429) },
  },
  'GET /contacts/export.csv': {
    summary: 'The phone book as CSV (name, company, fax, voice, email, notes, cover, groups)',
    tag: 'contacts',
    auth: 'apiKey',
    scope: 'fax:read',
    responses: { 200: 'csv', ...errors(401, 403, 429) },
  },
  'GET /contacts/export.vcf': {
    summary: 'The phone book as vCards',
    tag: 'contacts',
    auth: 'apiKey',
    scope: 'fax:read',
    responses: { 200: 'vcard', ...errors(401, 403, 429) },
  },
  'POST /contacts/import': {
    summary: 'Import a CSV or vCard file, all or nothing (multipart file part "file", or a text/csv or text/vcard body)',
    tag: 'contacts',
    auth: 'apiKey',
    scope: 'fax:send',
    body: { multipart: z.object({}) },
    responses: {
      201: z.object({ imported: z.number().int(), groups_created: z.number().int() }),
      400: ErrorOut.extend({ errors: z.array(z.object({ row: z.number().int(), message: z.string() })).optional() }),
      ...errors(401, 403, 413, 415, 429),
    },
  },
  'GET /contacts/:id': {
    summary: 'A contact',
    tag: 'contacts',
    auth: 'apiKey',
    scope: 'fax:read',
    params: IdParams,
    responses: { 200: ContactOut, ...errors(400, 401, 403, 404, 429) },
  },
  'PUT /contacts/:id': {
    summary: 'Replace a contact',
    tag: 'contacts',
    auth: 'apiKey',
    scope: 'fax:send',
    params: IdParams,
    body: ContactBody,
    responses: { 200: ContactOut, ...errors(400, 401, 403, 404, 409, 429) },
  },
  'PATCH /contacts/:id': {
    summary: 'Change some fields of a contact',
    tag: 'contacts',
    auth: 'apiKey',
    scope: 'fax:send',
    params: IdParams,
    body: ContactPatchBody,
    responses: { 200: ContactOut, ...errors(400, 401, 403, 404, 409, 429) },
  },
  'DELETE /contacts/:id': {
    summary: 'Delete a contact',
    tag: 'contacts',
    auth: 'apiKey',
    scope: 'fax:send',
    params: IdParams,
    responses: { 204: 'no-content', ...errors(400, 401, 403, 404, 429) },
  },
  'GET /groups': {
    summary: 'Contact groups',
    tag: 'contacts',
    auth: 'apiKey',
    scope: 'fax:read',
    responses: { 200: z.array(GroupOut), ...errors(401, 403, 429) },
  },
  'POST /groups': {
    summary: 'Add a group (names are unique, ignoring case)',
    tag: 'contacts',
    auth: 'apiKey',
    scope: 'fax:send',
    body: GroupBody,
    responses: { 201: GroupOut, ...errors(400, 401, 403, 404, 409, 429) },
  },
  'GET /groups/:id': {
    summary: 'A group',
    tag: 'contacts',
    auth: 'apiKey',
    scope: 'fax:read',
    params: IdParams,
    responses: { 200: GroupOut, ...errors(400, 401, 403, 404, 429) },
  },
  'PUT /groups/:id': {
    summary: 'Rename a group and set its members',
    tag: 'contacts',
    auth: 'apiKey',
    scope: 'fax:send',
    params: IdParams,
    body: GroupBody,
    responses: { 200: GroupOut, ...errors(400, 401, 403, 404, 409, 429) },
  },
  'DELETE /groups/:id': {
    summary: 'Delete a group (its contacts stay)',
    tag: 'contacts',
    auth: 'apiKey',
    scope: 'fax:send',
    params: IdParams,
    responses: { 204: 'no-content', ...errors(400, 401, 403, 404, 429) },
  },
  'GET /print-jobs': {
    summary: 'Documents waiting for a fax number (printed, opened, dropped in the hot folder or posted here)',
    tag: 'fax',
    auth: 'apiKey',
    scope: 'fax:send',
    responses: { 200: z.object({ print_jobs: z.array(PrintJobOut) }), ...errors(401, 403, 429) },
  },
  'POST /print-jobs': {
    summary: 'Hold a document until someone adds a number (multipart: file part "file"; a @@fax:…@@ tag may fill the number)',
    tag: 'fax',
    auth: 'apiKey',
    scope: 'fax:send',
    body: 'multipart',
    responses: { 201: PrintJobOut, ...errors(400, 401, 403, 413, 415, 429) },
  },
  'POST /print-jobs/:id/send': {
    summary: 'Send a waiting document to one number or several',
    tag: 'fax',
    auth: 'apiKey',
    scope: 'fax:send',
    params: PrintJobParams,
    body: PrintJobSendBody,
    responses: { 200: PrintJobOut, ...errors(400, 401, 403, 404, 409, 429) },
  },
  'DELETE /print-jobs/:id': {
    summary: 'Discard a waiting document',
    tag: 'fax',
    auth: 'apiKey',
    scope: 'fax:send',
    params: PrintJobParams,
    responses: { 200: PrintJobOut, ...errors(401, 403, 404, 409, 429) },
  },
  'POST /print-jobs/spool/:name': {
    summary: "The Faxbot printer's CUPS backend: take a spooled job (per-user print secret, this computer only)",
    tag: 'desktop',
    auth: 'provider',
    params: PrintSpoolParams,
    responses: { 202: z.object({ taken: z.string() }), ...errors(401, 404) },
  },
  'GET /inbound': {
    summary: 'Received faxes, newest first',
    tag: 'inbound',
    auth: 'apiKey',
    scope: 'inbound:list',
    query: InboundListQuery,
    responses: { 200: z.array(InboundFaxOut), ...errors(401, 403, 404, 429) },
  },
  'GET /inbound/:id': {
    summary: 'A received fax',
    tag: 'inbound',
    auth: 'apiKey',
    scope: 'inbound:read',
    params: JobIdParams,
    responses: { 200: InboundFaxOut, ...errors(401, 403, 404, 429) },
  },
  'GET /inbound/:id/pdf': {
    summary: 'A received fax PDF (a token from a link, or an API key with inbound:read)',
    tag: 'inbound',
    auth: 'apiKey',
    scope: 'inbound:read',
    params: JobIdParams,
    query: InboundPdfQuery,
    responses: { 200: 'pdf', ...errors(401, 403, 404, 429) },
  },

  'POST /admin/api-keys': {
    summary: 'Create an API key (the token is shown once)',
    tag: 'admin',
    auth: 'admin',
    body: CreateKey,
    responses: { 200: CreatedKeyOut, ...errors(400, 401) },
  },
  'GET /admin/api-keys': adminGet('API keys (never the secret)', z.array(KeyOut)),
  'DELETE /admin/api-keys/:keyId': adminGet('Revoke a key', Ack, { params: KeyIdParams }),
  'POST /admin/api-keys/:keyId/rotate': adminGet('Rotate a key (same id, new token)', z.object({ key_id: z.string(), token: z.string() }), {
    params: KeyIdParams,
  }),
  'GET /admin/cover-templates': adminGet('Cover page templates: the built-in ones and those imported', z.array(CoverTemplateOut)),
  'POST /admin/cover-templates': {
    summary:
      'Import a one-page PDF cover template whose form fields are named after the cover fields (multipart: "name", "label", file part "file")',
    tag: 'admin',
    auth: 'admin',
    body: { multipart: CoverTemplateForm },
    responses: { 201: CoverTemplateOut.extend({ warnings: z.array(z.string()) }), ...errors(400, 401, 409, 413, 415) },
  },
  'DELETE /admin/cover-templates/:name': adminGet('Delete an imported cover template (faxes already queued keep their cover)', Ack, {
    params: CoverTemplateParams,
    errors: [409],
  }),
  'GET /admin/config': adminGet('Effective configuration, sanitised', z.looseObject({ backend: z.string(), test_mode: z.boolean() })),
  'GET /admin/health-status': adminGet(
    'Dashboard figures',
    z.looseObject({ backend: z.string(), jobs: z.looseObject({ queued: z.number() }) }),
  ),
  'GET /admin/logs': adminGet('Recent audit events, newest first', z.object({ items: z.array(AuditItem), count: z.number().int() }), {
    query: AdminLogsQuery,
  }),
  'POST /admin/diagnostics/run': adminGet(
    'Run the diagnostics',
    z.looseObject({ at: z.string(), backend: z.string(), checks: z.array(Check) }),
  ),
  'GET /admin/inbound/callbacks': adminGet(
    'Callback URLs to give the provider',
    z.object({ backend: z.string(), callbacks: z.array(z.looseObject({ label: z.string(), url: z.string() })) }),
  ),
  'GET /admin/fax-jobs': adminGet(
    'Fax jobs with masked numbers',
    z.object({ total: z.number().int(), next_cursor: nullable(z.string()), jobs: z.array(AdminJobOut) }),
    { query: AdminFaxJobsQuery },
  ),
  'GET /admin/settings': adminGet('Settings, secrets masked', MaskedSettings),
  'PUT /admin/settings': {
    summary: 'Change settings (persisted, applied live; secrets go to the keychain)',
    tag: 'admin',
    auth: 'admin',
    body: SettingsPutBody,
    responses: {
      200: MaskedSettings.extend({
        _meta: z.object({ backend_changed: z.boolean(), storage_changed: z.boolean(), restart_recommended: z.boolean() }),
      }),
      ...errors(400, 401),
    },
  },
  'POST /admin/settings/validate': {
    summary: "Check a backend's saved credentials and URLs",
    tag: 'admin',
    auth: 'admin',
    body: SettingsValidateBody,
    responses: {
      200: z.object({ backend: z.string(), checks: z.record(z.string(), z.boolean()), details: z.array(Check), test_fax: z.null() }),
      ...errors(400, 401),
    },
  },
  'GET /admin/settings/export': adminGet(
    'Settings as a .env (secrets never included)',
    z.object({ env_content: z.string(), requires_restart: z.boolean(), note: z.string() }),
  ),
  'GET /admin/db-status': adminGet(
    'Database status and row counts',
    z.object({
      url: z.string(),
      engine: z.string(),
      connected: z.boolean(),
      error: nullable(z.string()),
      counts: z.object({ fax_jobs: z.number().int(), api_keys: z.number().int(), inbound_fax: z.number().int() }),
      sqlite: z.object({
        path: z.string(),
        exists: z.boolean(),
        size_bytes: z.number().int(),
        modified: nullable(z.string()),
        persistent_volume: z.boolean(),
      }),
    }),
  ),
  'GET /admin/logs/tail': adminGet(
    'The end of the audit log file',
    z.object({ items: z.array(z.looseObject({ raw: z.string() })), count: z.number().int(), source: z.string() }),
    { query: LogsTailQuery },
  ),
  'POST /admin/inbound/simulate': {
    summary: 'A simulated received fax (test mode only)',
    tag: 'admin',
    auth: 'admin',
    body: SimulateInboundBody,
    responses: { 200: z.object({ id: z.string(), status: z.literal('ok') }), ...errors(400, 401) },
  },
  'GET /admin/fax-jobs/:id': adminGet(
    'A fax job, number masked',
    AdminJobOut.extend({ provider_sid: nullable(z.string()), file_name: nullable(z.string()) }),
    {
      params: JobIdParams,
    },
  ),
  'GET /admin/fax-jobs/:id/pdf': adminGet("Download a job's PDF", 'pdf', { params: JobIdParams }),
  'POST /admin/fax-jobs/:id/refresh': adminGet('Ask the provider for the status now', FaxJobOut, {
    params: JobIdParams,
    errors: [503],
  }),
  'POST /admin/restart': adminGet(
    'Reload settings and restart the dispatcher (in-flight work kept)',
    z.object({ ok: z.boolean(), note: z.string() }),
  ),

  // Each backend documents its own webhook routes (its provider folder's module.ts).
  ...Object.assign({}, ...PROVIDER_MODULES.map((m) => m.routeDocs?.({ callback, errors, jobIdQuery: JobIdQuery }) ?? {})),

  [`POST ${MCP_HTTP_PATH}`]: mcp('MCP Streamable HTTP (stateless JSON-RPC; X-API-Key or Authorization: Bearer)', 'json-rpc'),
  [`GET ${MCP_HTTP_PATH}`]: mcp('Not used: the endpoint is stateless (405)', undefined, ErrorOut),
  [`DELETE ${MCP_HTTP_PATH}`]: mcp('Not used: the endpoint is stateless (405)', undefined, ErrorOut),
  [`GET ${MCP_SSE_PATH}`]: mcp('MCP over SSE (older clients): opens the event stream', undefined, 'event-stream'),
  [`POST ${MCP_SSE_MESSAGES_PATH}`]: {
    ...mcp('MCP over SSE: client messages for a session', 'json-rpc', z.string()),
    query: z.object({ sessionId: z.string() }),
  },

  'GET /ui/login': {
    summary: 'Browser mode: redeem a one-time sign-in link',
    tag: 'desktop',
    auth: 'none',
    query: z.object({ code: z.string().optional() }),
    responses: { 302: 'redirect', ...errors(401, 403) },
  },
  'GET /ui/session': {
    summary: 'Browser mode: is this browser signed in',
    tag: 'desktop',
    auth: 'session',
    responses: { 200: z.object({ authenticated: z.boolean() }), ...errors(401) },
  },
  'POST /ui/session': {
    summary: 'Browser mode: sign in with an admin key',
    tag: 'desktop',
    auth: 'none',
    body: z.object({ apiKey: z.string() }),
    responses: { 200: z.object({ authenticated: z.boolean() }), ...errors(401, 403, 429) },
  },
  'DELETE /ui/session': {
    summary: 'Browser mode: sign out',
    tag: 'desktop',
    auth: 'session',
    responses: { 200: z.object({ authenticated: z.boolean() }) },
  },
  'POST /rpc/:method': {
    summary:
      "The window's service calls (shared/contract.ts): a browser session, or an API key (X-API-Key) holding the scope each method needs (security/rpc-access.ts)",
    tag: 'desktop',
    auth: 'session',
    params: z.object({ method: z.string() }),
    body: z.record(z.string(), z.unknown()),
    responses: {
      200: z.object({ ok: z.literal(true), value: z.unknown() }),
      ...Object.fromEntries(
        [400, 401, 403, 404, 409, 413, 415, 429, 500, 503].map((c) => [
          c,
          z.union([ErrorOut, z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) })]),
        ]),
      ),
    },
  },
  'GET /events': {
    summary: 'Live events (SSE): a browser session, or an API key (each event needs the scope its method would)',
    tag: 'desktop',
    auth: 'session',
    responses: { 200: 'event-stream', ...errors(401, 403) },
  },
  'GET /openapi.json': { summary: 'This document', tag: 'docs', auth: 'none', responses: { 200: z.looseObject({ openapi: z.string() }) } },
  'GET /docs': { summary: 'Interactive API docs', tag: 'docs', auth: 'none', responses: { 200: z.string() } },
  'GET /docs/viewer.js': { summary: 'The docs viewer script', tag: 'docs', auth: 'none', responses: { 200: z.string() } },
};

/** Routes that exist only in browser mode with a built renderer: the single-page app, not an API. */
const NOT_API = new Set(['GET /', 'GET /*']);

const openApiPath = (url: string) => url.replace(/:([A-Za-z_]+)/g, '{$1}');
const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });

function responseContent(response: Response): Record<string, unknown> | undefined {
  if (response === 'pdf') return { 'application/pdf': { schema: { type: 'string', contentMediaType: 'application/pdf' } } };
  if (response === 'csv') return { 'text/csv': { schema: { type: 'string' } } };
  if (response === 'vcard') return { 'text/vcard': { schema: { type: 'string' } } };
  if (response === 'event-stream') return { 'text/event-stream': { schema: { type: 'string' } } };
  if (response === 'xml') return { 'text/xml': { schema: { type: 'string' } } };
  if (response === 'json-rpc') return { 'application/json': { schema: { type: 'object', description: 'JSON-RPC 2.0 (MCP)' } } };
  if (response === 'redirect' || response === 'no-content') return undefined;
  return { 'application/json': { schema: jsonSchema(response, 'output') } };
}

function parameters(where: 'path' | 'query', schema: z.ZodObject | undefined) {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, prop]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: prop,
  }));
}

export interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, unknown>;
}

/** The document for the routes this gateway registered; a route without a RouteDoc is left out (the test catches it). */
export function buildOpenApi(routes: readonly RegisteredRoute[]): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const key = `${route.method} ${route.url}`;
    const doc = ROUTE_DOCS[key];
    if (!doc || NOT_API.has(key)) continue;
    const security =
      doc.auth === 'apiKey' || doc.auth === 'admin' ? [{ apiKey: [] }, { bearer: [] }] : doc.auth === 'session' ? [{ session: [] }] : [];
    const operation: Record<string, unknown> = {
      operationId: `${route.method.toLowerCase()}${route.url.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: doc.summary,
      tags: [doc.tag],
      security,
      parameters: [...parameters('path', doc.params), ...parameters('query', doc.query)],
      responses: Object.fromEntries(
        Object.entries(doc.responses).map(([code, response]) => [
          code,
          { description: code.startsWith('2') || code === '302' ? 'OK' : 'Error', content: responseContent(response) },
        ]),
      ),
    };
    if (doc.scope) operation.description = `Needs scope ${doc.scope} (or the bootstrap API_KEY).`;
    if (doc.auth === 'admin') operation.description = 'Needs the bootstrap API_KEY or a key with keys:manage ("*" is not admin).';
    if (doc.body === 'multipart') {
      operation.requestBody = {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              required: ['to', 'file'],
              properties: { to: { type: 'string' }, file: { type: 'string', contentMediaType: 'application/octet-stream' } },
            },
          },
        },
      };
    } else if (typeof doc.body === 'object' && 'multipart' in doc.body) {
      const fields = jsonSchema(doc.body.multipart, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      operation.requestBody = {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              required: [...(fields.required ?? []), 'file'],
              properties: { ...fields.properties, file: { type: 'string', contentMediaType: 'application/octet-stream' } },
            },
          },
        },
      };
    } else if (doc.body === 'json-rpc') {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: { type: 'object', description: 'JSON-RPC 2.0 (MCP)' } } },
      };
    } else if (doc.body) {
      operation.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(doc.body, 'input') } } };
    }
    (paths[openApiPath(route.url)] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Faxbot Desktop gateway',
      version,
      description: "Faxbot-compatible REST API, Faxbot's admin API, provider callbacks and the built-in MCP server.",
    },
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        bearer: { type: 'http', scheme: 'bearer', description: 'The same API key (MCP clients)' },
        session: { type: 'apiKey', in: 'cookie', name: 'fbd_session' },
      },
    },
  };
}
