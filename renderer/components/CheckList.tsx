import type { CheckResult, CheckState } from '../../shared/types';

const MARK: Record<CheckState, { icon: string; text: string }> = {
  pass: { icon: '✓', text: 'Pass' },
  fail: { icon: '✕', text: 'Fail' },
  warn: { icon: '!', text: 'Warning' },
  skip: { icon: '–', text: 'Skipped' },
};

/** Pass/fail rows with the fix under each failure; used by the wizard and Diagnostics. */
export function CheckList({ checks, label }: { checks: CheckResult[]; label: string }) {
  return (
    <ul className="checks" aria-label={label}>
      {checks.map((check) => (
        <li key={check.id} className={`check check-${check.state}`} data-check={check.id} data-state={check.state}>
          <span className={`check-mark check-mark-${check.state}`}>
            <span aria-hidden="true">{MARK[check.state].icon}</span>
            <span className="visually-hidden">{MARK[check.state].text}:</span>
          </span>
          <div>
            <p className="check-label">{check.label}</p>
            {check.detail && <p className="muted small">{check.detail}</p>}
            {check.fix && check.state !== 'pass' && (
              <p className="check-fix">
                <strong>Fix:</strong> {check.fix}
              </p>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}
