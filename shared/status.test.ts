import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideTransition, isTerminal, JOB_STATUSES, toFaxbotStatus, statusesForFilter, type JobStatus } from './status';

/** Applies a sequence of updates the way the gateway does: only `apply` moves the job. */
function run(updates: JobStatus[]): JobStatus[] {
  const seen: JobStatus[] = ['queued'];
  let current: JobStatus = 'queued';
  for (const next of updates) {
    if (decideTransition(current, next) === 'apply') current = next;
    seen.push(current);
  }
  return seen;
}

describe('job status machine', () => {
  it('terminal states never regress, whatever arrives afterwards (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...JOB_STATUSES), { maxLength: 40 }), (updates) => {
        const path = run(updates);
        const firstTerminal = path.findIndex(isTerminal);
        if (firstTerminal >= 0) expect(new Set(path.slice(firstTerminal))).toEqual(new Set([path[firstTerminal]]));
      }),
      { numRuns: 500 },
    );
  });

  it('duplicate updates are no-ops (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...JOB_STATUSES), (status) => {
        expect(decideTransition(status, status)).toBe('noop');
      }),
    );
  });

  it('only reaches delivered through sending', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...JOB_STATUSES), { maxLength: 30 }), (updates) => {
        const path = run(updates);
        const delivered = path.indexOf('delivered');
        if (delivered > 0) expect(path[delivered - 1]).toBe('sending');
      }),
      { numRuns: 500 },
    );
  });

  it("maps to Faxbot's vocabulary and accepts its filters case-insensitively", () => {
    expect(JOB_STATUSES.map(toFaxbotStatus)).toEqual(['queued', 'in_progress', 'in_progress', 'SUCCESS', 'FAILED', 'FAILED']);
    expect(statusesForFilter('success')).toEqual(['delivered']);
    expect(statusesForFilter('FAILED')).toEqual(['failed']);
    expect(statusesForFilter('In_Progress')).toEqual(['sending', 'retry_wait']);
    expect(statusesForFilter('bogus')).toBeNull();
  });
});
