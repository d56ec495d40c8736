import type { AuditEntry, BackendDescription } from '../../shared/types';
import { href } from './route';

/** What each gateway audit event means, in words (the raw name stays available as the filter value); backends add their own. */
export const AUDIT_EVENT_LABELS: Record<string, string> = {
  job_created: 'Fax queued',
  job_status: 'Fax status changed',
  job_canceled: 'Fax canceled',
  pdf_served: 'Document fetched by the fax service',
  media_token_minted: 'Document link created',
  inbound_received: 'Fax received',
  inbound_pdf_served: 'Received fax downloaded',
  inbound_deleted: 'Received fax deleted (retention)',
  provider_callback: 'Status update from the fax service',
  provider_callback_ignored: 'Status update ignored (duplicate or unknown fax)',
  provider_callback_rejected: 'Status update refused (failed verification)',
  provider_inbound: 'Incoming fax notice from the fax service',
  api_key_created: 'API key created',
  api_key_revoked: 'API key revoked',
  api_key_rotated: 'API key replaced',
  api_key_denied_scope: 'API key lacked a permission',
  api_error: 'Request refused',
  rate_limited: 'Too many requests',
  settings_updated: 'Settings changed',
  secret_set: 'Secret saved',
  secret_cleared: 'Secret removed',
  diagnostics_run: 'Diagnostics run',
  retention_sweep: 'Old files cleaned up',
};

/** The gateway's labels plus those each backend's provider folder gives for its own events. */
export function auditEventLabels(backends: readonly BackendDescription[]): Record<string, string> {
  return Object.assign({}, AUDIT_EVENT_LABELS, ...backends.map((b) => b.auditEvents ?? {}));
}

export function auditEventLabel(event: string, labels: Record<string, string> = AUDIT_EVENT_LABELS): string {
  return labels[event] ?? event.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

const FIELD_LABELS: Record<string, string> = {
  status: 'status',
  backend: 'service',
  key_id: 'API key',
  failure_class: 'reason',
  reason: 'reason',
  count: 'count',
  path: 'path',
  from: 'from',
  to: 'to',
};

export type AuditDetail = { label: string; value: string; link?: string };

/** An entry's fields as labelled values; job and received-fax ids become links to them. */
export function auditDetails(entry: AuditEntry): AuditDetail[] {
  const details: AuditDetail[] = [];
  for (const [key, raw] of Object.entries(entry)) {
    if (key === 'ts' || key === 'event' || raw === null || raw === '') continue;
    const value = String(raw);
    if (key === 'job_id') details.push({ label: 'fax', value: 'Open the fax', link: href('jobs', value) });
    else if (key === 'inbound_id') details.push({ label: 'received fax', value: 'Open the fax', link: href('inbox', value) });
    else details.push({ label: FIELD_LABELS[key] ?? key.replace(/_/g, ' '), value: value.replace(/_/g, ' ') });
  }
  return details;
}
