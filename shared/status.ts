/**
 * The one job status machine. Every door (REST, IPC, /rpc, provider callbacks, pollers) moves a
 * job through `decideTransition`, so out-of-order and duplicate updates behave the same everywhere.
 */
export const JOB_STATUSES = ['queued', 'sending', 'retry_wait', 'delivered', 'failed', 'canceled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['delivered', 'failed', 'canceled']);

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

const ALLOWED: Record<JobStatus, readonly JobStatus[]> = {
  queued: ['sending', 'failed', 'canceled'],
  sending: ['delivered', 'failed', 'retry_wait'],
  retry_wait: ['sending', 'failed', 'canceled'],
  delivered: [],
  failed: [],
  canceled: [],
};

export type TransitionDecision = 'apply' | 'noop' | 'reject';

/**
 * `noop` covers the harmless cases (duplicate update, late update after a terminal state);
 * `reject` is an update that makes no sense from this state (e.g. queued → delivered without sending).
 */
export function decideTransition(from: JobStatus, to: JobStatus): TransitionDecision {
  if (from === to) return 'noop';
  if (isTerminal(from)) return 'noop';
  return ALLOWED[from].includes(to) ? 'apply' : 'reject';
}

export function canCancel(status: JobStatus): boolean {
  return status === 'queued' || status === 'retry_wait';
}

/** Faxbot's client-visible vocabulary (faxbot-compat.md §3). */
export type FaxbotStatus = 'queued' | 'in_progress' | 'SUCCESS' | 'FAILED';

export function toFaxbotStatus(status: JobStatus): FaxbotStatus {
  switch (status) {
    case 'queued':
      return 'queued';
    case 'sending':
    case 'retry_wait':
      return 'in_progress';
    case 'delivered':
      return 'SUCCESS';
    case 'failed':
    case 'canceled':
      return 'FAILED';
  }
}

/** Accepts Faxbot's strings and ours, case-insensitively, for list filters. */
export function statusesForFilter(input: string): JobStatus[] | null {
  const value = input.trim().toLowerCase();
  if ((JOB_STATUSES as readonly string[]).includes(value)) return [value as JobStatus];
  switch (value) {
    case 'in_progress':
      return ['sending', 'retry_wait'];
    case 'success':
      return ['delivered'];
    case 'failure':
      return ['failed', 'canceled'];
    default:
      return null;
  }
}

/** Why a fax failed; decides whether it is retried (see RETRYABLE_FAILURES). */
export const FAILURE_CLASSES = [
  'busy',
  'no_answer',
  'line_error',
  'provider_unavailable',
  'invalid_number',
  'document',
  'auth',
  'rejected',
  'unknown',
] as const;
export type FailureClass = (typeof FAILURE_CLASSES)[number];

export const RETRYABLE_FAILURES: ReadonlySet<FailureClass> = new Set(['busy', 'no_answer', 'line_error', 'provider_unavailable']);

/** What a person should read for each failure class (office-fax.md §3.2). */
export const FAILURE_ADVICE: Record<FailureClass, { reason: string; action: string }> = {
  busy: { reason: 'The line was busy.', action: 'It will be retried automatically.' },
  no_answer: {
    reason: 'No fax machine answered.',
    action: 'Check that the number is a fax line, then resend.',
  },
  line_error: {
    reason: 'The call dropped or the receiving machine had trouble.',
    action: 'It will be retried automatically.',
  },
  provider_unavailable: {
    reason: 'The fax service could not be reached.',
    action: 'It will be retried automatically; check the internet connection if this persists.',
  },
  invalid_number: {
    reason: 'The number is not a working fax number.',
    action: 'Correct the number and send again.',
  },
  document: {
    reason: 'The document could not be faxed.',
    action: 'Check that the PDF opens, is not password-protected, and send again.',
  },
  auth: {
    reason: 'The fax service rejected our credentials.',
    action: 'Open Setup and re-enter the provider credentials.',
  },
  rejected: { reason: 'The fax service rejected the fax.', action: 'See the details, correct, and resend.' },
  unknown: { reason: 'The fax failed for an unknown reason.', action: 'Resend, or contact support if it repeats.' },
};
