// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { job } from '../test/fake-bridge';
import { chipFor, untilText } from './job-status';

const NOW = Date.parse('2025-01-01T10:00:00Z');

describe('chipFor', () => {
  it('says how long until a retry, from nextAttemptAt', () => {
    const chip = chipFor(job({ status: 'retry_wait', nextAttemptAt: '2025-01-01T10:04:10Z', failureClass: 'busy', attempts: 1 }), NOW);
    expect(chip.label).toBe('Retrying in 5 min');
    expect(chip.tone).toBe('warn');
    expect(chip.reason).toBe('The line was busy.');
    expect(chip.action).toContain('Attempt 1 of 5 done.');
  });

  it('gives a failed job a human reason and what to do', () => {
    const chip = chipFor(job({ status: 'failed', failureClass: 'invalid_number' }), NOW);
    expect(chip).toMatchObject({
      label: 'Failed',
      tone: 'danger',
      reason: 'The number is not a working fax number.',
      action: 'Correct the number and send again.',
    });
  });

  it('falls back to the unknown advice when no class is known', () => {
    expect(chipFor(job({ status: 'failed' }), NOW).reason).toBe('The fax failed for an unknown reason.');
  });

  it('never relies on colour alone', () => {
    for (const status of ['queued', 'sending', 'retry_wait', 'delivered', 'failed', 'canceled'] as const) {
      const chip = chipFor(job({ status }), NOW);
      expect(chip.icon.length).toBeGreaterThan(0);
      expect(chip.label.length).toBeGreaterThan(0);
    }
  });
});

describe('untilText', () => {
  it('handles past, minutes and hours', () => {
    expect(untilText('2025-01-01T09:59:00Z', NOW)).toBe('now');
    expect(untilText('2025-01-01T10:00:30Z', NOW)).toBe('in 1 min');
    expect(untilText('2025-01-01T11:05:00Z', NOW)).toBe('in 1 h 5 min');
    expect(untilText('2025-01-01T12:00:00Z', NOW)).toBe('in 2 h');
  });
});
