import { useState, type FormEvent } from 'react';
import { normalizeFaxNumber } from '../../shared/phone';
import type { InboundView } from '../../shared/types';
import { errorMessage } from '../api/client';
import { useInvoke } from '../api/hooks';
import { navigate } from '../lib/route';
import { useShell } from '../lib/shell-context';
import { RecipientSuggestions } from './RecipientPicker';

type Mode = 'forward' | 'reply' | 'details';

/** Forward a received fax, reply to its sender with a cover page, or print it. */
export function InboundActions({ fax, onChanged }: { fax: InboundView; onChanged: (fax: InboundView) => void }) {
  const invoke = useInvoke();
  const { settings, toast } = useShell();
  const [mode, setMode] = useState<Mode | null>(null);
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');
  const [details, setDetails] = useState({ title: fax.title ?? '', note: fax.note ?? '', assignee: fax.assignee ?? '' });
  const [error, setError] = useState<string | null>(null);
  const number = normalizeFaxNumber(to, settings?.settings.defaultRegion ?? 'US');

  function open(next: Mode) {
    setMode(mode === next ? null : next);
    setTo(next === 'reply' ? fax.from : '');
    setError(null);
  }

  async function send(event: FormEvent) {
    event.preventDefault();
    if (!number.ok || !mode) return;
    try {
      const job = await invoke('inbound:forward', {
        id: fax.id,
        to: number.e164,
        cover: mode === 'reply' ? { template: 'standard', subject: 'Re: your fax', note } : undefined,
      });
      toast(mode === 'reply' ? 'Reply queued.' : 'Fax forwarded.');
      navigate('jobs', job.id);
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }

  return (
    <>
      <button type="button" onClick={() => open('forward')} aria-expanded={mode === 'forward'}>
        Forward…
      </button>
      {fax.from && (
        <button type="button" onClick={() => open('reply')} aria-expanded={mode === 'reply'}>
          Reply with cover page…
        </button>
      )}
      <button type="button" onClick={() => open('details')} aria-expanded={mode === 'details'}>
        Rename, note, assign…
      </button>
      {/* The OS print dialog in the desktop app; the browser's in headless mode. */}
      <button type="button" onClick={() => window.print()}>
        Print
      </button>
      {mode === 'details' && (
        <form
          className="inline-form card inbound-forward"
          onSubmit={(e) => {
            e.preventDefault();
            invoke('inbound:annotate', { id: fax.id, ...details }).then(
              (updated) => {
                onChanged(updated);
                setMode(null);
                toast('Saved.');
              },
              (failure: unknown) => setError(errorMessage(failure)),
            );
          }}
        >
          <label htmlFor="inbound-title">Name</label>
          <input
            id="inbound-title"
            maxLength={200}
            value={details.title}
            onChange={(e) => setDetails({ ...details, title: e.target.value })}
          />
          <label htmlFor="inbound-note">Note</label>
          <textarea
            id="inbound-note"
            rows={2}
            maxLength={2000}
            value={details.note}
            onChange={(e) => setDetails({ ...details, note: e.target.value })}
          />
          <label htmlFor="inbound-assignee">Assigned to</label>
          <input
            id="inbound-assignee"
            maxLength={100}
            value={details.assignee}
            onChange={(e) => setDetails({ ...details, assignee: e.target.value })}
          />
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="primary">
            Save
          </button>
        </form>
      )}
      {(mode === 'forward' || mode === 'reply') && (
        <form className="inline-form card inbound-forward" onSubmit={(e) => void send(e)}>
          <label htmlFor="forward-to">{mode === 'reply' ? 'Reply to' : 'Forward to (number or contact)'}</label>
          <input id="forward-to" type="tel" value={to} onChange={(e) => setTo(e.target.value)} />
          {mode === 'forward' && !number.ok && <RecipientSuggestions query={to} onPick={(r) => r.kind !== 'group' && setTo(r.e164)} />}
          {mode === 'reply' && (
            <>
              <label htmlFor="reply-note">Note on the cover page</label>
              <textarea id="reply-note" rows={3} maxLength={4000} value={note} onChange={(e) => setNote(e.target.value)} />
            </>
          )}
          {to && !number.ok && <p className="field-error">{number.reason.replace(/^'to'/, 'The number')}</p>}
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="primary" disabled={!number.ok}>
            {mode === 'reply' ? 'Send reply' : 'Forward fax'}
          </button>
        </form>
      )}
    </>
  );
}
