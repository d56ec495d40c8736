import { useEffect, useRef, useState } from 'react';
import { normalizeFaxNumber } from '../../shared/phone';
import { canCancel, isTerminal, RETRYABLE_FAILURES } from '../../shared/status';
import type { JobDetail } from '../../shared/types';
import { errorMessage } from '../api/client';
import { useCall, useEvent, useInvoke } from '../api/hooks';
import { ContactName } from '../components/ContactName';
import { CopyButton } from '../components/CopyButton';
import { BatchPanel, ReportButton, ScheduledPanel } from '../components/JobExtras';
import { StatusChip } from '../components/StatusChip';
import { useBackends } from '../lib/backend-fields';
import { formatFull, formatPrecise, numberReason } from '../lib/format';
import { chipFor, untilText } from '../lib/job-status';
import { href, navigate } from '../lib/route';
import { useShell } from '../lib/shell-context';
import { useContactNames } from '../lib/use-contact-names';

export function JobDetailPanel({ id, now, onClose }: { id: string; now: number; onClose: () => void }) {
  const invoke = useInvoke();
  const { settings, toast } = useShell();
  const detail = useCall('jobs:get', { id }, id);
  const backends = useBackends();
  const [busy, setBusy] = useState<string | null>(null);
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  const [resendTo, setResendTo] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const names = useContactNames([detail.data?.job.toE164]);

  // Keyboard and screen-reader users land on the fax they opened (the panel remounts per job).
  const loaded = detail.data !== undefined;
  useEffect(() => {
    if (loaded) heading.current?.focus();
  }, [loaded]);

  // The event list only grows through the store, so refetch on any change to this job.
  useEvent('job:updated', (job) => {
    if (job.id === id) detail.reload();
  });

  async function act(name: string, run: () => Promise<unknown>) {
    setBusy(name);
    setActionError(null);
    try {
      await run();
    } catch (error) {
      setActionError(errorMessage(error));
    } finally {
      setBusy(null);
    }
  }

  if (detail.error) {
    return (
      <div className="detail">
        <button type="button" className="link-button" onClick={onClose}>
          ← All jobs
        </button>
        <p className="banner banner-error" role="alert">
          {detail.error}
        </p>
      </div>
    );
  }
  const data: JobDetail | undefined = detail.data;
  if (!data) return <p className="detail muted">Loading…</p>;
  const { job, events } = data;
  const chip = chipFor(job, now);
  const region = settings?.settings.defaultRegion ?? 'US';
  const resendNumber = resendTo === null ? null : normalizeFaxNumber(resendTo, region);

  return (
    <div className="detail" data-testid="job-detail">
      <div className="detail-head">
        <button type="button" className="link-button" onClick={onClose}>
          ← All jobs
        </button>
        <h2 ref={heading} tabIndex={-1}>
          Fax to <span className="mono">{job.to}</span> <ContactName number={job.toE164} names={names} />
        </h2>
        <StatusChip job={job} now={now} />
      </div>

      {chip.reason && (
        <div className={`advice advice-${chip.tone}`} role={job.status === 'failed' ? 'alert' : undefined} data-testid="job-advice">
          <p>
            <strong>{chip.reason}</strong>
          </p>
          {chip.action && <p>{chip.action}</p>}
          {job.error && job.error !== chip.reason && <p className="muted small">Provider said: {job.error}</p>}
        </div>
      )}

      <ScheduledPanel job={job} onChanged={detail.reload} />
      {job.batchId && <BatchPanel batchId={job.batchId} currentId={job.id} />}

      <div className="actions">
        {(job.status === 'retry_wait' ||
          (job.status === 'failed' && job.failureClass !== null && RETRYABLE_FAILURES.has(job.failureClass))) && (
          <button
            type="button"
            className="primary"
            disabled={busy !== null}
            onClick={() => void act('retry', () => invoke('jobs:retryNow', { id: job.id }).then(() => detail.reload()))}
          >
            {job.status === 'failed' ? 'Retry' : 'Retry now'}
          </button>
        )}
        {canCancel(job.status) && !confirmingCancel && (
          <button type="button" disabled={busy !== null} onClick={() => setConfirmingCancel(true)}>
            Cancel fax…
          </button>
        )}
        {isTerminal(job.status) && (
          <button
            type="button"
            disabled={busy !== null}
            onClick={() => setResendTo(resendTo === null ? job.to : null)}
            aria-expanded={resendTo !== null}
          >
            Resend…
          </button>
        )}
        <button
          type="button"
          disabled={busy !== null}
          onClick={() => void act('link', () => invoke('jobs:mintMediaLink', { id: job.id }).then(setLink))}
        >
          Get a link to the document
        </button>
        <ReportButton job={job} />
      </div>

      {canCancel(job.status) && confirmingCancel && (
        <div className="card confirm" role="group" aria-labelledby="cancel-question">
          <p id="cancel-question">
            <strong>Cancel this fax to {job.to}?</strong> It will not be sent{job.attempts > 0 ? ' again' : ''}. This cannot be undone.
          </p>
          <div className="actions">
            <button
              type="button"
              className="danger"
              disabled={busy !== null}
              onClick={() =>
                void act('cancel', async () => {
                  await invoke('jobs:cancel', { id: job.id });
                  setConfirmingCancel(false);
                  detail.reload();
                })
              }
            >
              Yes, cancel the fax
            </button>
            <button type="button" disabled={busy !== null} onClick={() => setConfirmingCancel(false)}>
              Keep it
            </button>
          </div>
        </div>
      )}

      {resendTo !== null && (
        <form
          className="inline-form card"
          onSubmit={(e) => {
            e.preventDefault();
            if (!resendNumber?.ok) return;
            void act('resend', async () => {
              const copy = await invoke('jobs:resend', { id: job.id, to: resendNumber.e164 });
              toast('Fax queued again.');
              navigate('jobs', copy.id);
            });
          }}
        >
          <label htmlFor="resend-to">Send the same document again to</label>
          <input id="resend-to" type="tel" value={resendTo} onChange={(e) => setResendTo(e.target.value)} aria-describedby="resend-help" />
          <p id="resend-help" className={resendNumber?.ok ? 'field-help' : 'field-error'}>
            {resendNumber?.ok ? resendNumber.e164 : numberReason(resendNumber?.reason ?? '')}
          </p>
          <button type="submit" className="primary" disabled={!resendNumber?.ok || busy !== null}>
            Resend fax
          </button>
        </form>
      )}

      {actionError && (
        <p className="field-error" role="alert">
          {actionError}
        </p>
      )}

      {link && (
        <div className="card link-card">
          <p className="small">Document link, valid until {formatFull(link.expiresAt)}. Anyone with it can open the document.</p>
          <div className="copy-row">
            <input readOnly value={link.url} aria-label="Document link" className="mono" />
            <CopyButton text={link.url} label="Copy link" />
            <a className="button" href={link.url} target="_blank" rel="noreferrer">
              Open
            </a>
          </div>
        </div>
      )}

      <dl className="facts">
        <dt>Number</dt>
        <dd className="mono">{job.toE164}</dd>
        <dt>Document</dt>
        <dd>{job.fileName ?? '—'}</dd>
        <dt>Pages</dt>
        <dd>{job.pages ?? '—'}</dd>
        <dt>Attempts</dt>
        <dd>
          {job.attempts} of {job.maxAttempts}
        </dd>
        <dt>Sent by</dt>
        <dd data-testid="job-detail-sender">{job.sentBy ?? 'This computer'}</dd>
        <dt>Sent through</dt>
        <dd>{job.testMode ? 'Test mode (simulated, nothing was dialled)' : backends.info(job.backend).name}</dd>
        {job.status === 'retry_wait' && job.nextAttemptAt && (
          <>
            <dt>Next attempt</dt>
            <dd>
              {formatPrecise(job.nextAttemptAt)} ({untilText(job.nextAttemptAt, now)})
            </dd>
          </>
        )}
        {job.resentFrom && (
          <>
            <dt>Resent from</dt>
            <dd>
              <a href={href('jobs', job.resentFrom)}>the earlier fax</a>
            </dd>
          </>
        )}
        <dt>Created</dt>
        <dd>{formatPrecise(job.createdAt)}</dd>
        <dt>Updated</dt>
        <dd>{formatPrecise(job.updatedAt)}</dd>
      </dl>

      <details className="support-details">
        <summary>Details for support</summary>
        <dl className="facts">
          <dt>Reference</dt>
          <dd className="mono">
            {job.id} <CopyButton text={job.id} label="Copy reference" compact />
          </dd>
          <dt>Fax service reference</dt>
          <dd className="mono">{job.providerId ?? '—'}</dd>
          {job.providerStatus && (
            <>
              <dt>Fax service status</dt>
              <dd>{job.providerStatus}</dd>
            </>
          )}
        </dl>
      </details>

      <h3>Timeline</h3>
      <ol className="timeline" data-testid="job-timeline">
        {events.map((event) => (
          <li key={event.id} className={`timeline-${event.kind}`}>
            <time dateTime={event.at}>{formatPrecise(event.at)}</time>
            <span>{event.message}</span>
          </li>
        ))}
        {events.length === 0 && <li className="muted">No events yet.</li>}
      </ol>
    </div>
  );
}
