import { createHash, timingSafeEqual } from 'node:crypto';
import type { Backend } from '../../../shared/settings';
import type { InboundView } from '../../../shared/types';
import type { GatewayCore } from '../core';
import { AppError } from '../services/errors';
import type { ReceivedFax } from '../services/inbound';
import type { JobRow } from '../store/types';
import type { ProviderUpdate } from './types';

/**
 * The one webhook pipeline every provider folder uses: verify (the provider's own scheme) → parse
 * (the provider's own shape) → match the job's current attempt → apply → audit. The steps after
 * parsing, the inbound gate and the replies are the same for every backend, so they live here.
 */

/** The reply to every accepted or deliberately ignored webhook, whatever the backend. */
export const WEBHOOK_OK = { status: 'ok' } as const;
/** The reply when the webhook is well-formed but carries nothing this gateway acts on (another event type, no fax id). */
export const WEBHOOK_IGNORED = { status: 'ignored' } as const;

/** A PDF's magic number within its first KB (PDF 1.7 §7.5.2 allows leading bytes). */
export function isPdf(bytes: Uint8Array | null | undefined): bytes is Uint8Array {
  return !!bytes && Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).includes('%PDF-');
}

/** Constant-time for any lengths (compares digests): for shared secrets and Basic credentials. */
export function sameSecret(received: string, expected: string): boolean {
  return timingSafeEqual(createHash('sha256').update(received).digest(), createHash('sha256').update(expected).digest());
}

/** The inbound gate, run before the body is read: a disabled inbox does not buffer uploads. */
export async function inboundGate(core: GatewayCore): Promise<void> {
  if (!core.settings.current.inboundEnabled) throw new AppError('not_found', 'Inbound not enabled');
}

export interface CallbackInput {
  backend: Backend;
  /** job_id from the callback URL, when the provider echoes it. */
  jobId: string | null;
  providerId: string;
  /** Before the provider id is recorded, whether the fax's own tags/labels name this job's current attempt. */
  ownsUnrecorded?: (job: JobRow) => boolean;
  update: ProviderUpdate;
  /** How the webhook was authenticated (for the audit trail). */
  scheme: string;
}

async function jobOrNull(core: GatewayCore, input: CallbackInput): Promise<JobRow | null> {
  if (input.jobId === null) return core.jobs.findByProviderId(input.backend, input.providerId);
  try {
    return await core.jobs.row(input.jobId);
  } catch {
    return null;
  }
}

/**
 * Only the fax this job's current attempt created may move it: a forged or stale job_id cannot touch
 * another job. Returns whether the update was applied; every outcome is audited.
 */
export async function applyCallback(core: GatewayCore, input: CallbackInput): Promise<boolean> {
  const job = await jobOrNull(core, input);
  const current =
    job?.backend === input.backend &&
    (job.provider_id === input.providerId || (job.provider_id === null && (input.ownsUnrecorded?.(job) ?? false)));
  const base = { backend: input.backend, provider_id: input.providerId, scheme: input.scheme };
  if (!job || !current) {
    core.audit.record('provider_callback_ignored', {
      ...base,
      job_id: input.jobId ?? undefined,
      reason: job ? 'provider_id_mismatch' : 'unknown_job',
    });
    return false;
  }
  const { applied } = await core.jobs.applyProviderUpdate(job, input.update);
  core.audit.record('provider_callback', { ...base, job_id: job.id, status: input.update.rawStatus, reason: applied ? 'applied' : 'noop' });
  return applied;
}

/** Stores an inbound fax once per (backend, provider id) and audits whether it was new. */
export async function storeInbound(
  core: GatewayCore,
  fax: ReceivedFax & { backend: Backend },
  scheme: string,
): Promise<{ created: boolean; fax: InboundView }> {
  const result = await core.inbound.receive(fax);
  core.audit.record('provider_inbound', {
    backend: fax.backend,
    inbound_id: result.fax.id,
    provider_id: fax.providerId,
    scheme,
    reason: result.created ? 'stored' : 'duplicate',
  });
  return result;
}
