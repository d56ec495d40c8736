import { useState } from 'react';
import type { JobListQuery } from '../../shared/contract';
import { errorMessage } from '../api/client';
import { useCall, useInvoke } from '../api/hooks';

/** Date range, contact, sender and batch: the history filters beside status and search. */
export interface HistoryFilter {
  fromDate: string;
  untilDate: string;
  contactId: string;
  batchId: string;
  /** The sending API key's id ("who sent it?"). */
  sender: string;
}

export const NO_HISTORY_FILTER: HistoryFilter = { fromDate: '', untilDate: '', contactId: '', batchId: '', sender: '' };

export function hasHistoryFilter(filter: HistoryFilter): boolean {
  return Boolean(filter.fromDate || filter.untilDate || filter.contactId || filter.batchId || filter.sender);
}

/** The filter as jobs:list / jobs:exportCsv fields; dates are whole local days. */
export function historyQuery(filter: HistoryFilter): Pick<JobListQuery, 'from' | 'until' | 'contactId' | 'batchId' | 'sender'> {
  const dayStart = (date: string, plusDays = 0) => {
    const d = new Date(`${date}T00:00`);
    d.setDate(d.getDate() + plusDays);
    return d.toISOString();
  };
  return {
    from: filter.fromDate ? dayStart(filter.fromDate) : undefined,
    until: filter.untilDate ? dayStart(filter.untilDate, 1) : undefined,
    contactId: filter.contactId || undefined,
    batchId: filter.batchId || undefined,
    sender: filter.sender || undefined,
  };
}

export function HistoryFilters(props: {
  value: HistoryFilter;
  onChange: (value: HistoryFilter) => void;
  exportQuery: Omit<JobListQuery, 'cursor' | 'limit'>;
}) {
  const invoke = useInvoke();
  const contacts = useCall('contacts:list', { limit: 200 });
  const senders = useCall('jobs:senders', {});
  const [error, setError] = useState<string | null>(null);
  const { value, onChange } = props;

  async function exportCsv() {
    try {
      const file = await invoke('jobs:exportCsv', props.exportQuery);
      const url = URL.createObjectURL(new Blob([file.text], { type: 'text/csv' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = file.fileName;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setError(null);
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }

  return (
    <div className="history-filters">
      <label>
        From <input type="date" value={value.fromDate} onChange={(e) => onChange({ ...value, fromDate: e.target.value })} />
      </label>
      <label>
        To <input type="date" value={value.untilDate} onChange={(e) => onChange({ ...value, untilDate: e.target.value })} />
      </label>
      <label>
        Contact{' '}
        <select value={value.contactId} onChange={(e) => onChange({ ...value, contactId: e.target.value })}>
          <option value="">Anyone</option>
          {(contacts.data?.items ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      {(senders.data?.length ?? 0) > 0 && (
        <label>
          Sent by{' '}
          <select value={value.sender} onChange={(e) => onChange({ ...value, sender: e.target.value })}>
            <option value="">Everyone</option>
            {(senders.data ?? []).map((s) => (
              <option key={s.keyId} value={s.keyId}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {value.batchId && (
        <button type="button" onClick={() => onChange({ ...value, batchId: '' })}>
          One batch only ✕
        </button>
      )}
      {hasHistoryFilter(value) && (
        <button type="button" className="link-button" onClick={() => onChange(NO_HISTORY_FILTER)}>
          Clear
        </button>
      )}
      <button type="button" onClick={() => void exportCsv()}>
        Export CSV
      </button>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
