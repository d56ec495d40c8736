import { useEffect, useState } from 'react';
import type { AuditEntry } from '../../shared/types';
import { useCall } from '../api/hooks';
import { auditDetails, auditEventLabel, auditEventLabels } from '../lib/audit-events';
import { useBackends } from '../lib/backend-fields';
import { formatPrecise } from '../lib/format';

const FOLLOW_MS = 3000;

function Details({ entry }: { entry: AuditEntry }) {
  return (
    <>
      {auditDetails(entry).map((detail, i) => (
        <span key={i} className="log-detail">
          <span className="muted">{detail.label}:</span> {detail.link ? <a href={detail.link}>{detail.value}</a> : detail.value}
        </span>
      ))}
    </>
  );
}

export function LogsPage() {
  const backends = useBackends();
  const labels = auditEventLabels(backends.list);
  const eventOptions = Object.entries(labels).sort((a, b) => a[1].localeCompare(b[1]));
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
      <form className="toolbar" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="log-event">Event</label>
        <select id="log-event" value={applied} onChange={(e) => setApplied(e.target.value)}>
          <option value="">All events</option>
          {eventOptions.map(([name, label]) => (
            <option key={name} value={name}>
              {label}
            </option>
          ))}
        </select>
        <label htmlFor="log-limit">Show</label>
        <select id="log-limit" value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
          {[50, 200, 1000].map((n) => (
            <option key={n} value={n}>
              last {n}
            </option>
          ))}
        </select>
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
        <p className="empty">No audit entries{applied ? ` for “${auditEventLabel(applied, labels)}”` : ''} yet.</p>
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
                  <td className="nowrap">{formatPrecise(entry.ts)}</td>
                  <td title={entry.event}>{auditEventLabel(entry.event, labels)}</td>
                  <td className="small wrap">
                    <Details entry={entry} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
