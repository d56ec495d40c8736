import type { FailureClass, FaxbotStatus, JobStatus } from './status';
import type { Backend, SecretName, Settings, ValueSource } from './settings';

/** Timestamps cross every door as ISO-8601 UTC with a trailing Z (Faxbot's naive ones were a bug). */
export type IsoTime = string;

export interface JobView {
  id: string;
  to: string;
  toE164: string;
  status: JobStatus;
  faxbotStatus: FaxbotStatus;
  backend: Backend;
  testMode: boolean;
  pages: number | null;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: IsoTime | null;
  failureClass: FailureClass | null;
  error: string | null;
  providerId: string | null;
  providerStatus: string | null;
  fileName: string | null;
  resentFrom: string | null;
  /** The batch when the fax was one of several recipients of one send. */
  batchId: string | null;
  /** Scheduled send time; the fax is not sent before it. */
  sendAt: IsoTime | null;
  /** The cover page template sent in front of the document, if any. */
  coverTemplate: string | null;
  /** The API key that sent it (null: this computer's own window, or the bootstrap API_KEY). */
  apiKeyId: string | null;
  /** Who sent it: the key's name when it had one, else its id; null like apiKeyId. */
  sentBy: string | null;
  createdAt: IsoTime;
  updatedAt: IsoTime;
}

export type JobEventKind = 'status' | 'attempt' | 'provider' | 'media' | 'note';

export interface JobEventView {
  id: number;
  jobId: string;
  at: IsoTime;
  kind: JobEventKind;
  status: JobStatus | null;
  message: string;
}

export interface JobDetail {
  job: JobView;
  events: JobEventView[];
}

export interface JobPage {
  items: JobView[];
  nextCursor: string | null;
  total: number;
}

export interface InboundView {
  id: string;
  from: string;
  to: string;
  status: string;
  backend: string;
  pages: number | null;
  sizeBytes: number | null;
  providerId: string | null;
  read: boolean;
  archived: boolean;
  receivedAt: IsoTime;
  /** Office bookkeeping set in the inbox: a name for the fax, a note, and who handles it. */
  title: string | null;
  note: string | null;
  assignee: string | null;
}

export interface InboundPage {
  items: InboundView[];
  nextCursor: string | null;
  total: number;
  unread: number;
}

export const SCOPES = ['fax:send', 'fax:read', 'inbound:list', 'inbound:read', 'keys:manage'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKeyView {
  keyId: string;
  name: string | null;
  owner: string | null;
  scopes: string[];
  note: string | null;
  createdAt: IsoTime;
  lastUsedAt: IsoTime | null;
  expiresAt: IsoTime | null;
  revokedAt: IsoTime | null;
}

export interface CreatedApiKey {
  key: ApiKeyView;
  /** Shown exactly once. */
  token: string;
}

export interface SecretStatus {
  configured: boolean;
  source: 'keychain' | 'env' | 'none';
}

export interface SettingsView {
  settings: Settings;
  /** Where each top-level or dotted value came from; env values cannot be changed from the UI. */
  sources: Record<string, ValueSource>;
  secrets: Record<SecretName, SecretStatus>;
  secretStoreKind: string;
}

export type CheckState = 'pass' | 'fail' | 'warn' | 'skip';

export interface CheckResult {
  id: string;
  label: string;
  state: CheckState;
  detail: string;
  /** What to do about a failure, in plain words. */
  fix?: string;
}

export interface DiagnosticsReport {
  at: IsoTime;
  backend: Backend;
  checks: CheckResult[];
}

export interface CallbackUrl {
  label: string;
  url: string;
  note?: string;
}

export type TunnelState = 'off' | 'connecting' | 'up' | 'reconnecting' | 'error';

export interface GatewayStatus {
  version: string;
  url: string;
  /** The Faxbot REST port (8080 or PORT) another program held, so scripts cannot reach it there; absent when free. */
  restPortBusy?: number;
  backend: Backend;
  testMode: boolean;
  setupCompleted: boolean;
  publicUrl: string | null;
  publicUrlSource: 'setting' | 'tunnel' | null;
  callbacksEnabled: boolean;
  tunnel: { state: TunnelState; url: string | null; error: string | null };
  jobsInFlight: number;
  unreadInbound: number;
  /** A sentence while the data folder's disk is full or failing (nothing can be saved); null otherwise. */
  diskProblem: string | null;
}

export interface AuditEntry {
  ts: IsoTime;
  event: string;
  [field: string]: string | number | boolean | null;
}

export interface PreflightView {
  ok: boolean;
  pages: number;
  warnings: { code: string; message: string; pages?: number[] }[];
  error: string | null;
  /** For one image (JPEG, PNG, TIFF): the PDF pages it becomes, so the window previews what is sent. */
  previewPdfBase64?: string;
}

export interface NumberCheck {
  ok: boolean;
  e164: string | null;
  country: string | null;
  national: string | null;
  likelyValid: boolean;
  reason: string | null;
}

/** Where a document without a confirmed number came from (print to fax, issue 10). */
export const PRINT_SOURCES = ['printer', 'hot-folder', 'open-file', 'api'] as const;
export type PrintSource = (typeof PRINT_SOURCES)[number];

/** A printed, dropped or posted document waiting for a person to add a number (or already handled). */
export interface PrintJobView {
  id: string;
  source: PrintSource;
  fileName: string | null;
  pages: number;
  /** Numbers from `@@fax:…@@` tags (or a hot-folder file name), as E.164; they fill the number field. */
  tagNumbers: string[];
  state: 'waiting' | 'sending' | 'sent' | 'discarded' | 'rejected';
  reason: string | null;
  jobIds: string[];
  createdAt: IsoTime;
}

/** Settings → Print to fax: the state of each route. */
export interface PrintRoutesView {
  platform: 'linux' | 'darwin' | 'win32' | 'other';
  /** The per-user folder the CUPS backend delivers into (spool, gateway address, secret); null when off. */
  printDir: string | null;
  printer: { installed: boolean; queue: string; lastReceivedAt: IsoTime | null };
  hotFolder: { folder: string; watching: boolean; lastReceivedAt: IsoTime | null };
  openFile: { lastReceivedAt: IsoTime | null };
  /** Windows Send To and macOS PDF Services entries, per user (null: not on this OS). */
  sendTo: { installed: boolean; path: string } | null;
  pdfServices: { installed: boolean; path: string } | null;
  autosendTagged: boolean;
  waiting: number;
}

/** One input of a backend's settings section in the Setup wizard and Settings page. */
export interface BackendFieldSpec {
  /** Key inside the backend's settings section. */
  key: string;
  label: string;
  kind: 'text' | 'url' | 'number' | 'select' | 'checkbox';
  options?: { value: string; label: string }[];
  hint?: string;
  /** Shown under "Advanced" (API addresses: only changed for testing or regional accounts). */
  advanced?: boolean;
}

/** What the wizard shows for a backend; described by the backend's own provider folder. */
export interface BackendDescription {
  id: Backend;
  name: string;
  blurb: string;
  fields: BackendFieldSpec[];
  secrets: { name: SecretName; label: string; hint?: string }[];
  /** The backend's other secrets (set in Settings or the environment, not asked for in Setup), for lists that name them. */
  otherSecrets?: { name: SecretName; label: string }[];
  /** Why (or whether) a public address is needed, in plain words. */
  publicUrlNeed: string;
  /** Words for the audit events this backend records (e.g. signalwire_inbound_call). */
  auditEvents?: Record<string, string>;
  /** Shown under the Send form's resolution choice when this service cannot be told fine or standard. */
  resolutionNote?: string;
}

/** The jobs of one send to several recipients; a resent job replaces the one it was resent from. */
export interface BatchView {
  id: string;
  createdAt: IsoTime;
  /** One job per recipient: the latest attempt at that recipient. */
  jobs: JobView[];
  counts: { total: number; delivered: number; failed: number; canceled: number; pending: number };
}

/** One sender in the job history: an API key that has sent at least one fax. */
export interface SenderView {
  keyId: string;
  /** The key's name at send time, or its id when it had none. */
  name: string;
}

/** Who is calling (`auth:whoami`): the office server tells a connecting window what its key may do. */
export interface CallerView {
  keyId: string | null;
  name: string | null;
  scopes: string[];
}

/** Where this window's faxes go: this computer's own gateway, or an office server it connects to. */
export interface RemoteStatus {
  mode: 'local' | 'remote';
  /** The office server's address (remote mode). */
  url: string | null;
  /** Shown in the title bar and Settings: the server's host name. */
  serverName: string | null;
  keyId: string | null;
  keyName: string | null;
  /** connected: answering; offline: not reachable (retrying); key_rejected: the key was revoked or replaced. */
  state: 'connected' | 'offline' | 'key_rejected' | null;
  /** A readable sentence while offline or rejected. */
  problem: string | null;
}
