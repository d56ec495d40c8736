import { useCall } from '../api/hooks';
import { CheckList } from '../components/CheckList';
import { formatFull } from '../lib/format';
import { useShell } from '../lib/shell-context';

export function DiagnosticsPage() {
  const report = useCall('diagnostics:run', {});
  const { status } = useShell();
  const checks = report.data?.checks ?? [];
  const failed = checks.filter((c) => c.state === 'fail').length;
  const warned = checks.filter((c) => c.state === 'warn').length;

  return (
    <div className="page diagnostics">
      <div className="page-head">
        <h1>Diagnostics</h1>
        <button type="button" className="primary" onClick={report.reload} disabled={report.loading}>
          {report.loading ? 'Running…' : 'Run checks again'}
        </button>
      </div>
      {status && (
        <dl className="facts card">
          <dt>Gateway</dt>
          <dd className="mono">
            {status.url} (version {status.version})
          </dd>
          <dt>Fax service</dt>
          <dd>
            {status.backend}
            {status.testMode && ' — test mode'}
          </dd>
          <dt>Public address</dt>
          <dd className="mono">{status.publicUrl ?? 'none (status is polled)'}</dd>
          <dt>Tunnel</dt>
          <dd>{status.tunnel.state}</dd>
          <dt>Faxes in flight</dt>
          <dd>{status.jobsInFlight}</dd>
        </dl>
      )}
      {report.error && (
        <p className="banner banner-error" role="alert">
          {report.error}
        </p>
      )}
      {report.data && (
        <section className="card" aria-labelledby="checks-heading">
          <h2 id="checks-heading">
            {failed === 0 && warned === 0 ? 'All checks passed' : `${failed} failed, ${warned} ${warned === 1 ? 'warning' : 'warnings'}`}
          </h2>
          <p className="muted small">Run {formatFull(report.data.at)}</p>
          <CheckList checks={checks} label="Diagnostic checks" />
        </section>
      )}
    </div>
  );
}
