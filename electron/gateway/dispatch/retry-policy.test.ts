import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../shared/settings';
import { FAILURE_CLASSES } from '../../../shared/status';
import { decideRetry } from './retry-policy';

const retry = defaultSettings().retry;

describe('retry policy by failure class', () => {
  it.each(['busy', 'no_answer', 'line_error', 'provider_unavailable'] as const)('retries %s while attempts remain', (cls) => {
    expect(decideRetry(cls, 1, retry)).toMatchObject({ retry: true });
    expect(decideRetry(cls, retry.maxAttempts, retry)).toEqual({ retry: false });
  });

  it.each(['invalid_number', 'document', 'auth', 'rejected', 'unknown'] as const)('never retries %s', (cls) => {
    expect(decideRetry(cls, 1, retry)).toEqual({ retry: false });
  });

  it('uses the configured delay per class and backs off provider outages', () => {
    expect(decideRetry('busy', 1, retry)).toEqual({ retry: true, delayMs: retry.busyDelaySeconds * 1000 });
    expect(decideRetry('no_answer', 2, retry)).toEqual({ retry: true, delayMs: retry.noAnswerDelaySeconds * 1000 });
    const first = decideRetry('provider_unavailable', 1, retry);
    const third = decideRetry('provider_unavailable', 3, retry);
    expect(first.retry && third.retry && third.delayMs === first.delayMs * 4).toBe(true);
  });

  it('covers every failure class', () => {
    for (const cls of FAILURE_CLASSES) expect(() => decideRetry(cls, 1, retry)).not.toThrow();
  });
});
