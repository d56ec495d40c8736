import * as z from 'zod';
import {
  ContactInputSchema,
  GroupInputSchema,
  type ContactPage,
  type ContactView,
  type GroupView,
  type ImportResult,
  type RecentNumber,
} from './contacts';
import { COVER_CHECKS, MAX_COVER_TEMPLATE_BYTES, type CoverPreview, type CoverTemplateView } from './cover';
import { MAX_RECIPIENTS } from './recipients';
import { JOB_STATUSES } from './status';
import { BACKENDS, FAX_RESOLUTIONS, SECRET_NAMES } from './settings';
import type {
  ApiKeyView,
  BatchView,
  AuditEntry,
  BackendDescription,
  CallbackUrl,
  CheckResult,
  CallerView,
  CreatedApiKey,
  DiagnosticsReport,
  GatewayStatus,
  InboundPage,
  InboundView,
  JobDetail,
  JobPage,
  JobView,
  NumberCheck,
  PreflightView,
  PrintJobView,
  PrintRoutesView,
  RemoteStatus,
  SenderView,
  SettingsView,
} from './types';

/**
 * The one list of methods and events. IPC channels, /rpc/<method> routes and the renderer's
 * client are all derived from this object; channel names live nowhere else.
 */
const id = z.string().min(1).max(64);
const documentInput = z.object({
  name: z.string().min(1).max(255),
  /** Base64 of the file bytes; the type is sniffed from the bytes, never from the name. */
  contentBase64: z.string().min(1),
});

/** `returns<Output>()(inputSchema)`: the schema is inferred, the output type is stated once. */
function returns<O>() {
  return <I extends z.ZodType>(input: I) => ({ input, output: undefined as unknown as O });
}

const empty = z.object({});
const jobFilter = z.object({
  status: z.array(z.enum(JOB_STATUSES)).max(JOB_STATUSES.length).optional(),
  search: z.string().max(64).optional(),
  batchId: id.optional(),
  /** Only faxes to this contact's number. */
  contactId: id.optional(),
  /** Created at or after / before these times (ISO 8601). */
  from: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  scheduled: z.boolean().optional(),
  /** Only faxes sent with this API key (its id, or its name; case-insensitive). */
  sender: z.string().trim().min(1).max(100).optional(),
});
/** ISO 8601 with a UTC offset; the gateway refuses times in the past. */
const sendAt = z.string().max(40);
const cover = z.object({
  /** A built-in template (`standard`, `confidential`, `checkboxes`, `plain`) or one an admin imported. */
  template: z.string().trim().min(1).max(40),
  subject: z.string().max(200).optional(),
  note: z.string().max(4000).optional(),
  checks: z.array(z.enum(COVER_CHECKS)).max(COVER_CHECKS.length).optional(),
});
const byId = z.object({ id });
/** Fine (default) or standard: SIP renders its pages at it; cloud services get it where their API takes one (providers.md). */
const resolution = z.enum(FAX_RESOLUTIONS).optional();

export const contract = {
  'jobs:send': returns<JobView>()(
    z.object({
      to: z.string().max(64),
      documents: z.array(documentInput).min(1).max(20),
      sendAt: sendAt.optional(),
      cover: cover.optional(),
      resolution,
      /** Waiting print jobs attached to this fax: each is marked sent with it, and cannot be sent again. */
      printJobIds: z.array(id).max(20).optional(),
    }),
  ),
  /** Several recipients (numbers, groups, contacts): one job each, grouped as one batch. */
  'jobs:sendBatch': returns<BatchView>()(
    z.object({
      to: z.array(z.string().max(64)).max(MAX_RECIPIENTS).default([]),
      groupIds: z.array(id).max(50).default([]),
      contactIds: z.array(id).max(MAX_RECIPIENTS).default([]),
      documents: z.array(documentInput).min(1).max(20),
      sendAt: sendAt.optional(),
      cover: cover.optional(),
      resolution,
      printJobIds: z.array(id).max(20).optional(),
    }),
  ),
  'jobs:batch': returns<BatchView>()(byId),
  /** Resends every failed recipient of a batch (each a new job in the same batch). */
  'jobs:resendFailed': returns<BatchView>()(z.object({ batchId: id })),
  /** A scheduled fax that has not started: change its number and/or time. */
  'jobs:reschedule': returns<JobView>()(z.object({ id, to: z.string().max(64).optional(), sendAt: sendAt.optional() })),
  'jobs:preflight': returns<PreflightView>()(z.object({ documents: z.array(documentInput).min(1).max(20) })),
  'jobs:list': returns<JobPage>()(
    jobFilter.extend({
      cursor: z.string().max(200).nullish(),
      limit: z.number().int().min(1).max(200).default(50),
    }),
  ),
  /** The filtered history as CSV (newest first, at most 100,000 rows). */
  'jobs:exportCsv': returns<{ fileName: string; text: string }>()(jobFilter),
  'jobs:get': returns<JobDetail>()(byId),
  'jobs:cancel': returns<JobView>()(byId),
  'jobs:retryNow': returns<JobView>()(byId),
  'jobs:resend': returns<JobView>()(z.object({ id, to: z.string().max(64).optional() })),
  /** The one-page confirmation report of a finished fax, as a PDF. */
  'jobs:report': returns<{ fileName: string; contentBase64: string }>()(byId),
  'jobs:mintMediaLink': returns<{ url: string; expiresAt: string }>()(byId),
  'numbers:check': returns<NumberCheck>()(z.object({ to: z.string().max(64) })),
  /** Every API key that has sent a fax, for the Jobs page's "Sent by" filter. */
  'jobs:senders': returns<SenderView[]>()(empty),

  'inbound:list': returns<InboundPage>()(
    z.object({
      cursor: z.string().max(200).nullish(),
      limit: z.number().int().min(1).max(200).default(50),
      unreadOnly: z.boolean().optional(),
      includeArchived: z.boolean().optional(),
    }),
  ),
  'inbound:get': returns<InboundView>()(byId),
  'inbound:markRead': returns<InboundView>()(z.object({ id, read: z.boolean() })),
  'inbound:archive': returns<InboundView>()(z.object({ id, archived: z.boolean() })),
  'inbound:documentLink': returns<{ url: string; expiresAt: string }>()(byId),
  /** A new outbound fax from the received document: forward it, or reply to the sender with a cover page. */
  'inbound:annotate': returns<InboundView>()(
    z.object({
      id,
      title: z.string().max(200).optional(),
      note: z.string().max(2000).optional(),
      assignee: z.string().max(100).optional(),
    }),
  ),
  'inbound:forward': returns<JobView>()(z.object({ id, to: z.string().max(64), cover: cover.optional() })),
  'inbound:simulate': returns<InboundView>()(z.object({ from: z.string().max(64).optional() })),

  'contacts:list': returns<ContactPage>()(
    z.object({
      search: z.string().max(100).optional(),
      groupId: id.optional(),
      limit: z.number().int().min(1).max(200).default(50),
      offset: z.number().int().min(0).max(1_000_000).default(0),
    }),
  ),
  'contacts:get': returns<ContactView>()(byId),
  'contacts:create': returns<ContactView>()(ContactInputSchema),
  'contacts:update': returns<ContactView>()(z.object({ id, contact: ContactInputSchema })),
  'contacts:delete': returns<{ deleted: true }>()(byId),
  /** Contact names for the numbers a list shows (Jobs, Inbox); unknown numbers are left out. */
  'contacts:names': returns<Record<string, string>>()(z.object({ numbers: z.array(z.string().max(64)).max(500) })),
  'contacts:recent': returns<RecentNumber[]>()(
    z.object({ order: z.enum(['recent', 'frequent']).default('recent'), limit: z.number().int().min(1).max(50).default(8) }),
  ),
  /** CSV or vCard text; all or nothing, with every bad row named. */
  'contacts:import': returns<ImportResult>()(z.object({ text: z.string().max(5 * 1024 * 1024) })),
  'contacts:export': returns<{ fileName: string; mimeType: string; text: string }>()(z.object({ format: z.enum(['csv', 'vcard']) })),
  'groups:list': returns<GroupView[]>()(empty),
  'groups:create': returns<GroupView>()(GroupInputSchema),
  'groups:update': returns<GroupView>()(z.object({ id, group: GroupInputSchema })),
  'groups:delete': returns<{ deleted: true }>()(byId),

  /** Cover page templates Send offers: the built-in ones, then those an admin imported. */
  'covers:list': returns<CoverTemplateView[]>()(empty),
  /** The cover page one recipient would get (Send shows the first recipient's), as the PDF that is sent. */
  'covers:preview': returns<CoverPreview>()(
    z.object({
      to: z.string().max(64).optional(),
      contactId: id.optional(),
      groupId: id.optional(),
      cover: cover.nullable(),
      documentPages: z.number().int().min(0).max(10_000),
    }),
  ),
  /** Admin: a one-page PDF whose form fields are named after the cover fields. */
  'covers:import': returns<{ template: CoverTemplateView; warnings: string[] }>()(
    z.object({
      name: z.string().max(40),
      label: z.string().max(80).optional(),
      contentBase64: z
        .string()
        .min(1)
        .max(Math.ceil((MAX_COVER_TEMPLATE_BYTES * 4) / 3) + 4),
    }),
  ),
  'covers:delete': returns<{ deleted: true }>()(z.object({ name: z.string().min(1).max(40) })),

  'keys:list': returns<ApiKeyView[]>()(empty),
  'keys:create': returns<CreatedApiKey>()(
    z.object({
      name: z.string().max(100).optional(),
      owner: z.string().max(100).optional(),
      scopes: z.array(z.string().min(1).max(40)).max(20),
      expiresAt: z.iso.datetime().optional(),
      note: z.string().max(500).optional(),
    }),
  ),
  'keys:revoke': returns<ApiKeyView>()(z.object({ keyId: id })),
  'keys:rotate': returns<CreatedApiKey>()(z.object({ keyId: id })),

  'settings:get': returns<SettingsView>()(empty),
  /** A partial, nested patch; the settings service validates the merged result against SettingsSchema. */
  'settings:update': returns<SettingsView>()(z.object({ patch: z.record(z.string(), z.unknown()) })),
  'settings:setSecret': returns<SettingsView>()(z.object({ name: z.enum(SECRET_NAMES), value: z.string().min(1).max(4096) })),
  'settings:clearSecret': returns<SettingsView>()(z.object({ name: z.enum(SECRET_NAMES) })),

  'setup:check': returns<CheckResult[]>()(z.object({ backend: z.enum(BACKENDS) })),
  /** For the backend being set up (the wizard asks before it switches), or the active one. */
  'setup:callbackUrls': returns<CallbackUrl[]>()(z.object({ backend: z.enum(BACKENDS).optional() })),
  'setup:complete': returns<GatewayStatus>()(empty),
  /** Every backend this build ships, with the fields and secrets its wizard step asks for. */
  'setup:backends': returns<BackendDescription[]>()(empty),

  'diagnostics:run': returns<DiagnosticsReport>()(empty),
  'gateway:status': returns<GatewayStatus>()(empty),
  'tunnel:start': returns<GatewayStatus>()(empty),
  'tunnel:stop': returns<GatewayStatus>()(empty),
  /** Print to fax (issue 10): documents waiting for a number, from every route. */
  'printJobs:list': returns<PrintJobView[]>()(empty),
  /** Files the OS handed the app (open-file, second instance, Send To, PDF Services). */
  'printJobs:add': returns<PrintJobView[]>()(z.object({ documents: z.array(documentInput).min(1).max(20) })),
  'printJobs:send': returns<PrintJobView>()(z.object({ id, to: z.array(z.string().max(64)).min(1).max(10) })),
  'printJobs:discard': returns<PrintJobView>()(byId),
  'printJobs:document': returns<{ name: string; contentBase64: string }>()(byId),
  'printRoutes:get': returns<PrintRoutesView>()(empty),
  /** Adds or removes the per-user Send To (Windows) or PDF Services (macOS) entry; no admin rights. */
  'printRoutes:install': returns<PrintRoutesView>()(z.object({ route: z.enum(['send-to', 'pdf-services']) })),
  'printRoutes:remove': returns<PrintRoutesView>()(z.object({ route: z.enum(['send-to', 'pdf-services']) })),
  /** The calling key's id, name and scopes (a connecting window checks its key with this). */
  'auth:whoami': returns<CallerView>()(empty),
  /** This window's gateway: its own, or an office server (these three never leave this computer). */
  'remote:status': returns<RemoteStatus>()(empty),
  /** Checks the office server live (reachable, HTTPS unless loopback, key valid with a window's scopes), then uses it. */
  'remote:connect': returns<RemoteStatus>()(
    z.object({ url: z.string().trim().min(1).max(2000), apiKey: z.string().trim().min(1).max(512) }),
  ),
  /** Back to this computer's own gateway; the key is removed from the keychain. */
  'remote:disconnect': returns<RemoteStatus>()(empty),
  'audit:tail': returns<AuditEntry[]>()(
    z.object({ limit: z.number().int().min(1).max(1000).default(200), event: z.string().max(64).optional() }),
  ),
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type MethodParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = Contract[M]['output'];

export type JobListQuery = MethodParsedInput<'jobs:list'>;
export type InboundListQuery = MethodParsedInput<'inbound:list'>;
export type KeyCreateInput = MethodParsedInput<'keys:create'>;

export const METHOD_NAMES = Object.keys(contract) as MethodName[];

export function isMethodName(value: string): value is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, value);
}

/** Events pushed from the gateway to every window (IPC) and browser (/events SSE). */
export interface EventPayloads {
  'job:updated': JobView;
  'inbound:received': InboundView;
  'inbound:updated': InboundView;
  'gateway:status': GatewayStatus;
  'keys:changed': { keyId: string };
  'settings:changed': { at: string };
  /** `added`: a new document is waiting (the window opens Send to show it). */
  'print:changed': { waiting: number; added: boolean };
  /** The office-server connection changed (connected, offline, key rejected, switched back). */
  'remote:changed': RemoteStatus;
}
export type EventName = keyof EventPayloads;
export const EVENT_NAMES: EventName[] = [
  'job:updated',
  'inbound:received',
  'inbound:updated',
  'gateway:status',
  'keys:changed',
  'settings:changed',
  'print:changed',
  'remote:changed',
];

/** Every door answers with this envelope, so errors carry a readable message and a stable code. */
export type RpcResult<T> = { ok: true; value: T } | { ok: false; error: { code: ErrorCode; message: string } };

export const ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'too_large',
  'unsupported_type',
  'rate_limited',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const HTTP_STATUS_FOR: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_type: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** The renderer's whole view of the gateway: one typed call and one typed subscription. */
export interface FaxBridge {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<RpcResult<MethodOutput<M>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
  /** Files handed to the app by the OS (open-file, second instance, print intake). */
  onOpenFiles(listener: (files: { name: string; contentBase64: string }[]) => void): () => void;
}
