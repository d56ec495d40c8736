import { useEffect, useState } from 'react';
import type { ContactView, GroupView, RecentNumber } from '../../shared/contacts';
import { maskNumber } from '../../shared/phone';
import { useCall, useInvoke } from '../api/hooks';
import { plural } from '../lib/format';

/** Someone a fax goes to: a typed number, a phone book contact, or a whole group. */
export type Recipient =
  | { kind: 'number'; key: string; e164: string; label: string }
  | { kind: 'contact'; key: string; id: string; e164: string; label: string }
  | { kind: 'group'; key: string; id: string; label: string; count: number };

export function contactRecipient(contact: ContactView): Recipient {
  return { kind: 'contact', key: `contact:${contact.id}`, id: contact.id, e164: contact.faxE164, label: contact.name };
}

export function groupRecipient(group: GroupView): Recipient {
  return { kind: 'group', key: `group:${group.id}`, id: group.id, label: group.name, count: group.contactIds.length };
}

/** The chosen recipients as removable chips. */
export function RecipientChips(props: { recipients: Recipient[]; onRemove: (key: string) => void }) {
  if (props.recipients.length === 0) return null;
  return (
    <ul className="recipient-chips" aria-label="Recipients" data-testid="recipients">
      {props.recipients.map((r) => (
        <li key={r.key} className={`recipient-chip recipient-${r.kind}`}>
          <span>
            {r.kind === 'group' ? `${r.label} (${plural(r.count, 'contact')})` : r.label}
            {r.kind === 'contact' && <span className="mono small"> {r.e164}</span>}
          </span>
          <button type="button" className="icon" aria-label={`Remove ${r.label}`} onClick={() => props.onRemove(r.key)}>
            ✕
          </button>
        </li>
      ))}
    </ul>
  );
}

/**
 * Search as you type under the number field: contacts by name, company or digits, and groups by
 * name. With nothing typed, recent and frequent numbers are offered instead.
 */
export function RecipientSuggestions(props: { query: string; onPick: (recipient: Recipient) => void }) {
  const invoke = useInvoke();
  const [contacts, setContacts] = useState<ContactView[]>([]);
  const groups = useCall('groups:list', {});
  const recent = useCall('contacts:recent', { order: 'recent', limit: 5 });
  const query = props.query.trim();

  useEffect(() => {
    if (!query) {
      setContacts([]);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      invoke('contacts:list', { search: query, limit: 6 }).then(
        (page) => live && setContacts(page.items),
        () => live && setContacts([]),
      );
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [invoke, query]);

  const matchingGroups = query ? (groups.data ?? []).filter((g) => g.name.toLowerCase().includes(query.toLowerCase())).slice(0, 3) : [];

  if (!query) {
    const numbers: RecentNumber[] = recent.data ?? [];
    if (numbers.length === 0) return null;
    return (
      <div className="suggestions">
        <p className="muted small">Recent</p>
        <ul aria-label="Recent numbers">
          {numbers.map((n) => (
            <li key={n.e164}>
              <button
                type="button"
                className="suggestion"
                onClick={() => props.onPick({ kind: 'number', key: `number:${n.e164}`, e164: n.e164, label: n.contactName ?? n.e164 })}
              >
                {n.contactName ?? <span className="mono">{n.e164}</span>}
                <span className="muted small">
                  {' '}
                  {n.contactName ? maskNumber(n.e164) : ''} · {plural(n.count, 'fax', 'faxes')}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </div>
    );
  }
  if (contacts.length === 0 && matchingGroups.length === 0) return null;
  return (
    <div className="suggestions">
      <ul aria-label="Matching contacts and groups" data-testid="suggestions">
        {matchingGroups.map((g) => (
          <li key={g.id}>
            <button type="button" className="suggestion" onClick={() => props.onPick(groupRecipient(g))}>
              <strong>Group: {g.name}</strong>
              <span className="muted small"> · {plural(g.contactIds.length, 'contact')}</span>
            </button>
          </li>
        ))}
        {contacts.map((c) => (
          <li key={c.id}>
            <button type="button" className="suggestion" onClick={() => props.onPick(contactRecipient(c))}>
              <strong>{c.name}</strong>
              {c.company && <span> · {c.company}</span>}
              <span className="mono small muted"> {c.faxE164}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** "Send later": a local date and time, sent to the gateway as ISO 8601 (UTC). */
export function ScheduleField(props: { value: string | null; onChange: (value: string | null) => void; now: number }) {
  const later = props.value !== null;
  const min = toLocalInput(props.now + 60_000);
  return (
    <div className="field schedule-field">
      <label className="check">
        <input
          type="checkbox"
          checked={later}
          onChange={(e) => props.onChange(e.target.checked ? toLocalInput(props.now + 3600_000) : null)}
        />
        Send later
      </label>
      {later && (
        <>
          <label htmlFor="send-at" className="visually-hidden">
            Send at
          </label>
          <input id="send-at" type="datetime-local" min={min} value={props.value ?? ''} onChange={(e) => props.onChange(e.target.value)} />
        </>
      )}
    </div>
  );
}

/** `yyyy-MM-ddTHH:mm` in local time, the format of a datetime-local input. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (local time) as ISO 8601 with an offset (Z), or null when empty or invalid. */
export function localInputToIso(value: string | null): string | null {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
