import { RETRYABLE_FAILURES, type FailureClass } from '../../../shared/status';
import type { Settings } from '../../../shared/settings';

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/**
 * Busy, no answer and line trouble come back later; an invalid number, a rejected document or bad
 * credentials never improve by redialling (office-fax.md §3.2). Provider outages back off
 * exponentially so a down API is not hammered.
 */
export function decideRetry(failureClass: FailureClass, attemptsMade: number, retry: Settings['retry']): RetryDecision {
  if (!RETRYABLE_FAILURES.has(failureClass) || attemptsMade >= retry.maxAttempts) return { retry: false };
  const seconds = {
    busy: retry.busyDelaySeconds,
    no_answer: retry.noAnswerDelaySeconds,
    line_error: retry.lineErrorDelaySeconds,
    provider_unavailable: Math.min(3600, retry.providerDelaySeconds * 2 ** Math.max(0, attemptsMade - 1)),
  }[failureClass as 'busy' | 'no_answer' | 'line_error' | 'provider_unavailable'];
  return { retry: true, delayMs: seconds * 1000 };
}
