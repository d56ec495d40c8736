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
  backend: Backend;
  testMode: boolean;
  setupCompleted: boolean;
  publicUrl: string | null;
  publicUrlSource: 'setting' | 'tunnel' | null;
  callbacksEnabled: boolean;
  tunnel: { state: TunnelState; url: string | null; error: string | null };
  jobsInFlight: number;
  unreadInbound: number;
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
}

export interface NumberCheck {
  ok: boolean;
  e164: string | null;
  country: string | null;
  national: string | null;
  likelyValid: boolean;
  reason: string | null;
}

/** The jobs of one send to several recipients; a resent job replaces the one it was resent from. */
export interface BatchView {
  id: string;
  createdAt: IsoTime;
  /** One job per recipient: the latest attempt at that recipient. */
  jobs: JobView[];
  counts: { total: number; delivered: number; failed: number; canceled: number; pending: number };
}
