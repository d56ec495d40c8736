import { useState, type FormEvent } from 'react';
import { normalizeFaxNumber } from '../../shared/phone';
import { isTerminal } from '../../shared/status';
import type { BatchView, JobView } from '../../shared/types';
import { errorMessage } from '../api/client';
import { useCall, useEvent, useInvoke } from '../api/hooks';
import { base64ToBytes } from '../lib/files';
import { formatFull, plural } from '../lib/format';
import { STATUS_LABELS } from '../lib/job-status';
import { href } from '../lib/route';
import { useShell } from '../lib/shell-context';
import { useContactNames } from '../lib/use-contact-names';
import { localInputToIso, toLocalInput } from './RecipientPicker';

/** "3 of 4 delivered, 1 failed": one line for a batch, in the words office staff use. */
export function batchSummary(counts: BatchView['counts']): string {
  const parts = [`${counts.delivered} of ${counts.total} delivered`];
  if (counts.failed) parts.push(`${counts.failed} failed`);
  if (counts.canceled) parts.push(`${counts.canceled} canceled`);
  if (counts.pending) parts.push(`${counts.pending} still sending`);
  return parts.join(', ');
}

/** The batch a job belongs to: every recipient's result, and resend to the failed ones. */
export function BatchPanel({ batchId, currentId }: { batchId: string; currentId: string }) {
  const invoke = useInvoke();
  const { toast } = useShell();
  const batch = useCall('jobs:batch', { id: batchId }, batchId);
  const [error, setError] = useState<string | null>(null);
  const names = useContactNames(batch.data?.jobs.map((j) => j.toE164) ?? []);
  useEvent('job:updated', (job) => {
    if (job.batchId === batchId) batch.reload();
  });
  const data = batch.data;
  if (!data) return null;
  const failed = data.counts.failed;
  return (
    <section className="card batch-panel" aria-label="Batch" data-testid="batch-panel">
      <p>
        <strong data-testid="batch-summary">{batchSummary(data.counts)}</strong>
        <span className="muted"> · one fax to each of {plural(data.counts.total, 'recipient')}</span>
      </p>
      {failed > 0 && (
        <button
          type="button"
          className="primary"
          onClick={() =>
            void invoke('jobs:resendFailed', { batchId }).then(
              (next) => {
                setError(null);
                batch.setData(next);
                toast(`Resending to ${plural(failed, 'failed recipient')}.`);
              },
              (failure: unknown) => setError(errorMessage(failure)),
            )
          }
        >
          Resend to the failed {failed === 1 ? 'one' : plural(failed, 'recipient')}
        </button>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <ul className="batch-jobs">
        {data.jobs.map((job) => (
          <li key={job.id} className={job.id === currentId ? 'current' : undefined}>
            <a href={href('jobs', job.id)}>{names[job.toE164] ?? <span className="mono">{job.toE164}</span>}</a>{' '}
            <span className={`status-word status-${job.status}`}>{STATUS_LABELS[job.status]}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A scheduled fax that has not started: when it goes, and a form to change the number or time. */
export function ScheduledPanel({ job, onChanged }: { job: JobView; onChanged: () => void }) {
  const invoke = useInvoke();
  const { settings } = useShell();
  const [editing, setEditing] = useState(false);
  const [to, setTo] = useState(job.to);
  const [when, setWhen] = useState(() => (job.sendAt ? toLocalInput(Date.parse(job.sendAt)) : ''));
  const [error, setError] = useState<string | null>(null);
  if (!job.sendAt || job.status !== 'queued' || job.attempts > 0) return null;
  const number = normalizeFaxNumber(to, settings?.settings.defaultRegion ?? 'US');

  async function save(event: FormEvent) {
    event.preventDefault();
    const sendAt = localInputToIso(when);
    if (!number.ok || !sendAt) return;
    try {
      await invoke('jobs:reschedule', { id: job.id, to: number.e164, sendAt });
      setEditing(false);
      setError(null);
      onChanged();
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }

  return (
    <section className="card scheduled-panel" aria-label="Scheduled send" data-testid="scheduled-panel">
      <p>
        <strong>Scheduled for {formatFull(job.sendAt)}.</strong> It can be changed or canceled until it starts.
      </p>
      {!editing ? (
        <button type="button" onClick={() => setEditing(true)}>
          Change number or time…
        </button>
      ) : (
        <form className="inline-form" onSubmit={(e) => void save(e)}>
          <label htmlFor="reschedule-to">Fax number</label>
          <input id="reschedule-to" type="tel" value={to} onChange={(e) => setTo(e.target.value)} />
          <label htmlFor="reschedule-at">Send at</label>
          <input id="reschedule-at" type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} />
          {!number.ok && <p className="field-error">{number.reason.replace(/^'to'/, 'The number')}</p>}
          <button type="submit" className="primary" disabled={!number.ok || !localInputToIso(when)}>
            Save
          </button>
        </form>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** Opens the one-page confirmation report of a finished fax in a new tab (the browser's PDF viewer). */
export function ReportButton({ job }: { job: JobView }) {
  const invoke = useInvoke();
  const [error, setError] = useState<string | null>(null);
  if (!isTerminal(job.status)) return null;
  async function open() {
    // Opened before the await so the browser treats it as the click's own window, not a pop-up.
    const tab = window.open('', '_blank');
    try {
      const report = await invoke('jobs:report', { id: job.id });
      const url = URL.createObjectURL(new Blob([base64ToBytes(report.contentBase64) as BlobPart], { type: 'application/pdf' }));
      if (tab) tab.location.href = url;
      else window.location.assign(url);
      setError(null);
    } catch (failure) {
      tab?.close();
      setError(errorMessage(failure));
    }
  }
  return (
    <>
      <button type="button" onClick={() => void open()}>
        Confirmation report
      </button>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
