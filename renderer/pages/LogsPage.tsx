import { useEffect, useState } from 'react';
import type { AuditEntry } from '../../shared/types';
import { useCall } from '../api/hooks';
import { formatFull } from '../lib/format';

const FOLLOW_MS = 3000;

function fieldsOf(entry: AuditEntry): string {
  return Object.entries(entry)
    .filter(([key, value]) => key !== 'ts' && key !== 'event' && value !== null && value !== '')
    .map(([key, value]) => `${key}=${String(value)}`)
    .join('  ');
}

export function LogsPage() {
  const [event, setEvent] = useState('');
  const [applied, setApplied] = useState('');
  const [limit, setLimit] = useState(200);
  const [follow, setFollow] = useState(false);
  const tail = useCall('audit:tail', { limit, event: applied || undefined }, `${applied}|${limit}`);
  const { reload } = tail;

  useEffect(() => {
    if (!follow) return;
    const timer = setInterval(reload, FOLLOW_MS);
    return () => clearInterval(timer);
  }, [follow, reload]);

  const entries = tail.data ?? [];
  return (
    <div className="page logs">
      <div className="page-head">
        <h1>Logs</h1>
        <span className="muted">Audit trail: ids and event names only, never fax contents or secrets.</span>
      </div>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(event.trim());
        }}
      >
        <label htmlFor="log-event">Event</label>
        <input id="log-event" value={event} onChange={(e) => setEvent(e.target.value)} placeholder="e.g. job_created" />
        <label htmlFor="log-limit">Show</label>
        <select id="log-limit" value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
          {[50, 200, 1000].map((n) => (
            <option key={n} value={n}>
              last {n}
            </option>
          ))}
        </select>
        <button type="submit">Filter</button>
        <label className="check-inline">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
      </form>
      {tail.error && (
        <p className="banner banner-error" role="alert">
          {tail.error}
        </p>
      )}
      {entries.length === 0 && !tail.loading ? (
        <p className="empty">No audit entries{applied ? ` for “${applied}”` : ''} yet.</p>
      ) : (
        <div className="table-wrap card">
          <table className="table logs-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Event</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry, i) => (
                <tr key={`${entry.ts}-${i}`}>
                  <td className="nowrap">{formatFull(entry.ts)}</td>
                  <td className="mono">{entry.event}</td>
                  <td className="mono small wrap">{fieldsOf(entry)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
