import type { JobView } from '../../shared/types';
import { chipFor } from '../lib/job-status';

interface Props {
  job: JobView;
  now: number;
}

/** The status chip used on every screen, so a status means the same thing everywhere. */
export function StatusChip({ job, now }: Props) {
  const chip = chipFor(job, now);
  const title = [chip.reason, chip.action].filter(Boolean).join(' ');
  return (
    <span className="chip-group">
      <span className={`chip chip-${chip.tone}`} title={title || undefined} data-status={job.status}>
        <span aria-hidden="true">{chip.icon}</span> {chip.label}
      </span>
      {job.testMode && <TestTag />}
    </span>
  );
}

/** Marks anything produced in test mode, so nothing pretends a real fax went out. */
export function TestTag() {
  return (
    <span className="chip chip-test" title="Test mode: no real fax was sent">
      TEST
    </span>
  );
}
