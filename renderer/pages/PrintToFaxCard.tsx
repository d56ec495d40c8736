import { useState } from 'react';
import type { PrintRoutesView } from '../../shared/types';
import { errorMessage } from '../api/client';
import { useCall, useEvent, useInvoke } from '../api/hooks';
import { CopyButton } from '../components/CopyButton';

const TAG_EXAMPLE = '@@fax:+15551234567@@';

function lastJob(at: string | null): string {
  return at ? `last document received ${new Date(at).toLocaleString()}` : 'nothing received yet';
}

/** Settings → Print to fax: how to reach the app from other programs on this OS, and each route's state. */
export function PrintToFaxCard() {
  const routes = useCall('printRoutes:get', {});
  useEvent('print:changed', routes.reload);
  useEvent('settings:changed', routes.reload);
  const view = routes.data;
  return (
    <section className="card print-routes" aria-labelledby="print-routes-heading" data-testid="print-routes">
      <h2 id="print-routes-heading">Print to fax</h2>
      <p>
        Documents printed or sent to Faxbot from other programs wait on the Send page until you add a number. To have a document faxed
        without asking, type a number tag anywhere in its text: <code>{TAG_EXAMPLE}</code> (several tags send one fax to each number). A tag
        always fills in the number; it sends at once only when the automatic option above is on.
      </p>
      {routes.error && <p className="field-error">{routes.error}</p>}
      {view && <Routes view={view} onChange={routes.setData} />}
    </section>
  );
}

/** Send To (Windows) and PDF Services (macOS): per-user entries the app adds and removes itself. */
function DesktopRoute(props: {
  route: 'send-to' | 'pdf-services';
  title: string;
  state: { installed: boolean; path: string };
  onChange: (view: PrintRoutesView) => void;
}) {
  const invoke = useInvoke();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function toggle() {
    setBusy(true);
    setError(null);
    try {
      props.onChange(await invoke(props.state.installed ? 'printRoutes:remove' : 'printRoutes:install', { route: props.route }));
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <dt>
        {props.title} {props.state.installed ? '(installed)' : '(not installed)'}
      </dt>
      <dd>
        <p className="muted small">
          <code>{props.state.path}</code> (for you only; no administrator needed)
        </p>
        <button type="button" disabled={busy} onClick={() => void toggle()}>
          {props.state.installed ? `Remove ${props.title}` : `Add ${props.title}`}
        </button>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </dd>
    </>
  );
}

function Routes({ view, onChange }: { view: PrintRoutesView; onChange: (view: PrintRoutesView) => void }) {
  const unix = view.platform === 'linux' || view.platform === 'darwin';
  return (
    <dl>
      {view.sendTo && <DesktopRoute route="send-to" title="Send To entry" state={view.sendTo} onChange={onChange} />}
      {view.pdfServices && <DesktopRoute route="pdf-services" title="PDF menu entry" state={view.pdfServices} onChange={onChange} />}
      {unix && (
        <>
          <dt>Faxbot printer {view.printer.installed ? '(installed)' : '(not installed)'}</dt>
          <dd>
            {view.printer.installed ? (
              <>
                Print to the “{view.printer.queue}” printer from any program; {lastJob(view.printer.lastReceivedAt)}.
              </>
            ) : (
              <>
                A system printer needs an administrator once. In the app folder run <code>sudo npm run printer:install</code>{' '}
                <CopyButton text="sudo npm run printer:install" label="Copy command" />
                {view.platform === 'darwin' && ' (on macOS the PDF menu route below needs no administrator).'}
              </>
            )}
            {view.printer.installed && (
              <p className="muted small">
                Remove it with <code>sudo npm run printer:uninstall</code>. Jobs printed while Faxbot is closed are kept in{' '}
                <code>{view.printDir ?? '~/.faxbot-desktop/print'}</code> and appear when it starts.
              </p>
            )}
          </dd>
        </>
      )}
      <dt>Hot folder {view.hotFolder.watching ? '(watching)' : '(off)'}</dt>
      <dd>
        {view.hotFolder.watching ? (
          <>
            Watching <code>{view.hotFolder.folder}</code>; {lastJob(view.hotFolder.lastReceivedAt)}. PDF and text files whose name starts
            with a number (<code>+15551234567 invoice.pdf</code>) or that carry a tag are faxed; they move to <code>sent/</code> or{' '}
            <code>failed/</code> with a <code>.result.json</code>.
          </>
        ) : (
          <>Set a folder above (or HOT_FOLDER) to fax files that other programs save there, such as “Print to PDF” output.</>
        )}
      </dd>
      <dt>Open with Faxbot</dt>
      <dd>
        {view.platform === 'win32' && 'In Explorer, right-click a PDF → Send to → Faxbot Desktop (fax). '}
        {view.platform === 'darwin' && 'In any print dialog, PDF → Fax with Faxbot Desktop; or Open With → Faxbot Desktop. '}
        {view.platform === 'linux' && 'In the file manager, Open With → Faxbot Desktop. '}
        Dropping files on the window works everywhere; {lastJob(view.openFile.lastReceivedAt)}.
      </dd>
      <dt>Waiting now</dt>
      <dd>{view.waiting === 0 ? 'No documents are waiting.' : `${view.waiting} waiting on the Send page.`}</dd>
    </dl>
  );
}
