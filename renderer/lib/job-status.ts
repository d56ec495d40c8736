import { FAILURE_ADVICE, type JobStatus } from '../../shared/status';
import type { JobView } from '../../shared/types';

export type Tone = 'info' | 'progress' | 'warn' | 'success' | 'danger' | 'neutral';

export interface ChipModel {
  label: string;
  tone: Tone;
  /** A glyph so state never depends on colour alone. */
  icon: string;
  /** For failures: why, and what to do. */
  reason: string | null;
  action: string | null;
}

const BASE: Record<JobStatus, { label: string; tone: Tone; icon: string }> = {
  queued: { label: 'Queued', tone: 'info', icon: '◷' },
  sending: { label: 'Sending', tone: 'progress', icon: '➤' },
  retry_wait: { label: 'Retrying', tone: 'warn', icon: '↻' },
  delivered: { label: 'Delivered', tone: 'success', icon: '✓' },
  failed: { label: 'Failed', tone: 'danger', icon: '✕' },
  canceled: { label: 'Canceled', tone: 'neutral', icon: '⊘' },
};

export const STATUS_LABELS: Record<JobStatus, string> = {
  queued: 'Queued',
  sending: 'Sending',
  retry_wait: 'Retrying',
  delivered: 'Delivered',
  failed: 'Failed',
  canceled: 'Canceled',
};

/** "in 4 min", "in 1 h 5 min", "now": how long until a retry. */
export function untilText(targetIso: string, now: number): string {
  const minutes = Math.ceil((Date.parse(targetIso) - now) / 60_000);
  if (!Number.isFinite(minutes) || minutes <= 0) return 'now';
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `in ${hours} h` : `in ${hours} h ${rest} min`;
}

/** The one mapping from a job to what its chip says; used by every screen. */
export function chipFor(
  job: Pick<JobView, 'status' | 'nextAttemptAt' | 'failureClass' | 'error' | 'attempts' | 'maxAttempts'>,
  now: number,
): ChipModel {
  const base = BASE[job.status];
  if (job.status === 'retry_wait') {
    const label = job.nextAttemptAt ? `Retrying ${untilText(job.nextAttemptAt, now)}` : 'Waiting to retry';
    const advice = job.failureClass ? FAILURE_ADVICE[job.failureClass] : null;
    return {
      ...base,
      label,
      reason: advice?.reason ?? job.error,
      action: `Attempt ${job.attempts} of ${job.maxAttempts} done. ${advice?.action ?? ''}`.trim(),
    };
  }
  if (job.status === 'failed') {
    const advice = FAILURE_ADVICE[job.failureClass ?? 'unknown'];
    return { ...base, reason: advice.reason, action: advice.action };
  }
  if (job.status === 'sending' && job.attempts > 1) {
    return { ...base, label: `Sending · attempt ${job.attempts}`, reason: null, action: null };
  }
  return { ...base, reason: null, action: null };
}
