import { useEffect, useId, useState } from 'react';
import type { PrintJobView } from '../../shared/types';
import { normalizeFaxNumber } from '../../shared/phone';
import { errorMessage } from '../api/client';
import { useCall, useEvent, useInvoke } from '../api/hooks';
import { plural } from '../lib/format';
import { navigate } from '../lib/route';
import { useShell } from '../lib/shell-context';

const SOURCE_LABEL: Record<PrintJobView['source'], string> = {
  printer: 'Printed',
  'hot-folder': 'Hot folder',
  'open-file': 'Opened with Faxbot',
  api: 'From a script (API)',
};

/**
 * Documents that arrived without a confirmed number (printed, opened with the app, posted to
 * /print-jobs). Each waits here until a person adds a number and sends it, or discards it.
 */
/** Print jobs already offered to an empty form once: a removed one stays in the list. */
const offered = new Set<string>();

export function PrintJobsPanel(props: { attached: readonly string[]; formEmpty: boolean; onAttach: (job: PrintJobView) => void }) {
  const { attached, formEmpty, onAttach } = props;
  const list = useCall('printJobs:list', {});
  useEvent('print:changed', list.reload);
  const jobs = (list.data ?? []).filter((job) => !attached.includes(job.id));
  const single = list.data?.length === 1 ? list.data[0] : undefined;
  // Send opens with a lone waiting document attached; several wait in the list for a choice.
  useEffect(() => {
    if (!single || !formEmpty || offered.has(single.id)) return;
    offered.add(single.id);
    onAttach(single);
  }, [single, formEmpty, onAttach]);
  if (jobs.length === 0) return null;
  return (
    <section className="card print-jobs" aria-labelledby="print-jobs-heading" data-testid="print-jobs">
      <h2 id="print-jobs-heading">{plural(jobs.length, 'document')} waiting for a fax number</h2>
      <p className="muted small">
        Printed to the Faxbot printer or opened with Faxbot. Nothing is faxed until you add a number and press Send, here or after attaching
        it to the fax below.
      </p>
      <ul className="print-job-list">
        {jobs.map((job) => (
          <PrintJobRow key={job.id} job={job} onDone={list.reload} onAttach={() => onAttach(job)} />
        ))}
      </ul>
    </section>
  );
}

function PrintJobRow({ job, onDone, onAttach }: { job: PrintJobView; onDone: () => void; onAttach: () => void }) {
  const { settings, toast } = useShell();
  const invoke = useInvoke();
  const id = useId();
  const [to, setTo] = useState(job.tagNumbers.join(', '));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(job.reason);
  const region = settings?.settings.defaultRegion ?? 'US';
  const numbers = to
    .split(/[,;]/)
    .map((n) => n.trim())
    .filter(Boolean);
  const invalid = numbers.find((n) => !normalizeFaxNumber(n, region).ok);

  async function act(action: () => Promise<unknown>, done: string) {
    setBusy(true);
    setError(null);
    try {
      await action();
      toast(done);
      onDone();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  function send() {
    if (numbers.length === 0) return setError('Add a fax number.');
    if (invalid) return setError(`${invalid} is not a fax number.`);
    void act(
      async () => {
        const sent = await invoke('printJobs:send', { id: job.id, to: numbers });
        if (sent.jobIds[0]) navigate('jobs', sent.jobIds[0]);
      },
      numbers.length > 1 ? `${numbers.length} faxes queued.` : 'Fax queued.',
    );
  }

  return (
    <li className="print-job" data-testid="print-job">
      <div>
        <h3 className="doc-name">{job.fileName ?? 'Print job'}</h3>
        <p className="muted small">
          {SOURCE_LABEL[job.source]} · {plural(job.pages, 'page')} · {new Date(job.createdAt).toLocaleTimeString()}
          {job.tagNumbers.length > 0 && ' · number from a @@fax:…@@ tag'}
        </p>
      </div>
      <div className="print-job-actions">
        <label htmlFor={id} className="visually-hidden">
          Fax number for {job.fileName ?? 'print job'}
        </label>
        <input
          id={id}
          type="tel"
          placeholder="Fax number"
          value={to}
          onChange={(e) => setTo(e.target.value)}
          aria-invalid={invalid ? true : undefined}
        />
        <button type="button" className="primary" disabled={busy} onClick={send}>
          Send
        </button>
        <button type="button" disabled={busy} onClick={onAttach} aria-label={`Attach ${job.fileName ?? 'print job'} to the fax`}>
          Attach
        </button>
        <button type="button" disabled={busy} onClick={() => void act(() => invoke('printJobs:discard', { id: job.id }), 'Discarded.')}>
          Discard
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
