import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { FaxBridge, MethodInput } from '../shared/contract';
import { ownKeyIdOf } from '../shared/notifications';
import { maskNumber } from '../shared/phone';
import { FAILURE_ADVICE } from '../shared/status';
import { createBridge, isBrowserMode } from './api/client';
import { BridgeContext, useBridge, useCall, useEvent, useInvoke } from './api/hooks';
import { RECONNECT_INTERVAL_MS, withConnectivity } from './api/connectivity';
import { checkSession, takeSignInNotice } from './api/session';
import { OfflineNotice } from './components/OfflineNotice';
import { useBackends } from './lib/backend-fields';
import { base64ToBytes, readFiles, type IncomingFile } from './lib/files';
import { href, navigate, useRoute, type PageName } from './lib/route';
import { ShellContext, type Shell } from './lib/shell-context';
import { useSendDocuments } from './lib/use-send-documents';
import { Icon } from './components/Icon';
import { LoginPage } from './pages/LoginPage';
import { SendPage } from './pages/SendPage';
import { JobsPage } from './pages/JobsPage';
import { InboxPage } from './pages/InboxPage';
import { ContactsPage } from './pages/ContactsPage';
import { SetupWizard } from './pages/SetupWizard';
import { SettingsPage } from './pages/SettingsPage';
import { KeysPage } from './pages/KeysPage';
import { DiagnosticsPage } from './pages/DiagnosticsPage';
import { LogsPage } from './pages/LogsPage';

type SessionState = 'checking' | 'unreachable' | 'login' | 'ready';

/** Picks the bridge and, in a browser, makes sure there is a session before showing anything. */
export function App({ bridge: given }: { bridge?: FaxBridge }) {
  const [session, setSession] = useState<SessionState>(given || !isBrowserMode() ? 'ready' : 'checking');
  const [signInNotice] = useState(() => (given ? null : takeSignInNotice()));
  const [online, setOnline] = useState(true);
  const bridge = useMemo(() => {
    let reportStream = (_online: boolean) => undefined as void;
    const base = given ?? createBridge({ onUnauthorized: () => setSession('login'), onStreamError: () => reportStream(false) });
    const watched = withConnectivity(base, setOnline);
    reportStream = watched.report;
    return watched.bridge;
  }, [given]);

  // Before the window has a session: ask once, and keep asking while the gateway does not answer.
  useEffect(() => {
    if (session !== 'checking' && session !== 'unreachable') return;
    let live = true;
    const check = () =>
      void checkSession().then((result) => {
        if (live) setSession(result === 'signed-in' ? 'ready' : result === 'signed-out' ? 'login' : 'unreachable');
      });
    if (session === 'checking') check();
    const timer = session === 'unreachable' ? setInterval(check, RECONNECT_INTERVAL_MS) : undefined;
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [session]);

  if (session === 'checking') return <p className="splash">Connecting to the fax gateway…</p>;
  if (session === 'unreachable')
    return (
      <main className="login" id="main">
        <OfflineNotice />
      </main>
    );
  if (session === 'login') return <LoginPage notice={signInNotice} onLoggedIn={() => setSession('ready')} />;
  return (
    <BridgeContext.Provider value={bridge}>
      <AppShell online={online} />
    </BridgeContext.Provider>
  );
}

const NAV: { page: PageName; label: string }[] = [
  { page: 'send', label: 'Send' },
  { page: 'jobs', label: 'Jobs' },
  { page: 'inbox', label: 'Inbox' },
  { page: 'contacts', label: 'Contacts' },
  { page: 'keys', label: 'API keys' },
  { page: 'diagnostics', label: 'Diagnostics' },
  { page: 'logs', label: 'Logs' },
  { page: 'settings', label: 'Settings' },
];

/** Pages that need an admin key on an office server: a connected window's staff key cannot use them. */
const ADMIN_PAGES = new Set<PageName>(['keys', 'diagnostics', 'logs']);

interface Toast {
  id: number;
  message: string;
  tone: 'info' | 'error';
}

function AppShell({ online }: { online: boolean }) {
  const invoke = useInvoke();
  const route = useRoute();
  const status = useCall('gateway:status', {});
  const settings = useCall('settings:get', {});
  const remote = useCall('remote:status', {});
  const office = remote.data?.mode === 'remote' ? remote.data : null;
  const backends = useBackends();
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [dragging, setDragging] = useState(false);
  const preflight = useCallback((input: MethodInput<'jobs:preflight'>) => invoke('jobs:preflight', input), [invoke]);
  const documents = useSendDocuments(preflight, settings.data?.settings.maxFileSizeMb ?? 10, settings.data?.settings.pageSize ?? 'letter');
  const { addFiles } = documents;
  const wizardShown = useRef(false);
  // Bumped when the gateway comes back, so the open page refetches everything it shows.
  const [pageGeneration, setPageGeneration] = useState(0);
  const wasOnline = useRef(online);
  const { reload: reloadStatus } = status;
  const { reload: reloadSettings } = settings;

  useEffect(() => {
    if (online && !wasOnline.current) {
      reloadSettings();
      setPageGeneration((n) => n + 1);
    }
    wasOnline.current = online;
    if (online) return;
    // Offline: ask every few seconds; the first answer flips `online` back (api/connectivity.ts).
    reloadStatus();
    const timer = setInterval(reloadStatus, RECONNECT_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [online, reloadStatus, reloadSettings]);

  const toast = useCallback((message: string, tone: 'info' | 'error' = 'info') => {
    const id = Date.now() + Math.random();
    setToasts((list) => [...list, { id, message, tone }]);
    setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), tone === 'error' ? 8000 : 4000);
  }, []);

  useEvent('gateway:status', status.setData);
  // The office-server link changed: a status call finds out at once whether the window is online.
  useEvent('remote:changed', (change) => {
    remote.setData(change);
    status.reload();
    // A revoked or replaced key: back to the step that asks for one, with the reason on screen.
    if (change.state === 'key_rejected') navigate('setup');
  });
  useEvent('settings:changed', settings.reload);
  useEvent('inbound:updated', status.reload);
  useEvent('inbound:received', (fax) => {
    status.reload();
    toast(`New fax received from ${maskNumber(fax.from)}.`);
    notify('New fax received', `From ${maskNumber(fax.from)}${fax.pages ? ` · ${fax.pages} pages` : ''}`, `inbound-${fax.id}`, () =>
      navigate('inbox', fax.id),
    );
  });
  // Failures always alert; successes only when the user asked for it (office-fax.md §3.3).
  const notifyDelivered = settings.data?.settings.ui.notifyOnDelivered ?? false;
  // A printed or opened document waits on Send for a number: show it there.
  useEvent('print:changed', (change) => {
    if (change.added) navigate('send');
  });
  const ownKeyId = ownKeyIdOf(remote.data);
  useEvent('job:updated', (job) => {
    // Connected to an office server: colleagues' faxes are theirs to hear about.
    if (ownKeyId !== null && job.apiKeyId !== ownKeyId) return;
    if (job.status !== 'failed' && !(job.status === 'delivered' && notifyDelivered)) return;
    const title = job.status === 'failed' ? `Fax to ${maskNumber(job.toE164)} failed` : `Fax to ${maskNumber(job.toE164)} delivered`;
    const body =
      job.status === 'failed'
        ? FAILURE_ADVICE[job.failureClass ?? 'unknown'].reason
        : job.pages
          ? `${job.pages} pages sent`
          : 'Confirmed by the fax service';
    notify(title, body, `job-${job.id}-${job.status}`, () => navigate('jobs', job.id));
  });

  // First launch: open the wizard once per session until setup is completed.
  useEffect(() => {
    if (!status.data || status.data.setupCompleted || wizardShown.current) return;
    wizardShown.current = true;
    if (sessionStorage.getItem('setup-dismissed') !== '1') navigate('setup');
  }, [status.data]);

  const theme = settings.data?.settings.ui.theme ?? 'system';
  useEffect(() => {
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  }, [theme]);

  const unread = status.data?.unreadInbound ?? 0;
  const serverName = office?.serverName ?? null;
  useEffect(() => {
    document.title = `${unread > 0 ? `(${unread}) ` : ''}Faxbot${serverName ? ` — ${serverName}` : ''}`;
  }, [unread, serverName]);

  // Files dropped anywhere on the window, or handed over by the OS, go to the Send screen.
  useEffect(() => {
    let depth = 0;
    const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    const onEnter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth++;
      setDragging(true);
    };
    const onLeave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onOver = (event: DragEvent) => {
      if (hasFiles(event)) event.preventDefault();
    };
    const onDrop = (event: DragEvent) => {
      event.preventDefault();
      depth = 0;
      setDragging(false);
      const files = event.dataTransfer?.files;
      if (!files || files.length === 0) return;
      void readFiles(files).then((list) => {
        addFiles(list);
        navigate('send');
      });
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
  }, [addFiles]);

  const shell: Shell = {
    status: status.data,
    settings: settings.data,
    reloadStatus: status.reload,
    reloadSettings: settings.reload,
    setSettings: settings.setData,
    documents,
    toast,
    remote: remote.data,
  };

  return (
    <ShellContext.Provider value={shell}>
      <OpenFilesListener onFiles={addFiles} />
      <div className="app">
        <a
          className="skip-link"
          href="#main"
          onClick={(e) => {
            e.preventDefault();
            document.getElementById('main')?.focus();
          }}
        >
          Skip to content
        </a>
        <header className="sidebar">
          <a className="brand" href={href('send')}>
            <span className="brand-mark">
              <Icon name="fax" />
            </span>
            Faxbot
          </a>
          <nav aria-label="Main">
            <ul>
              {NAV.filter((item) => !office || !ADMIN_PAGES.has(item.page)).map((item) => (
                <li key={item.page}>
                  <a href={href(item.page)} aria-current={route.page === item.page ? 'page' : undefined}>
                    {item.label}
                    {item.page === 'inbox' && unread > 0 && (
                      <span className="badge" aria-label={`${unread} unread`} data-testid="inbox-badge">
                        {unread}
                      </span>
                    )}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          {office && (
            <p className="sidebar-status" data-testid="office-server">
              <span className={`dot ${online && office.state === 'connected' ? 'dot-ok' : 'dot-error'}`} aria-hidden="true" />
              <span className="server-name">Office server: {office.serverName}</span>
            </p>
          )}
          {!online ? (
            <p className="sidebar-status">
              <span className="dot dot-error" aria-hidden="true" />
              {office ? 'Office server offline' : 'Gateway offline'}
            </p>
          ) : (
            status.data && (
              <p className="sidebar-status">
                <span className={`dot ${status.data.testMode ? 'dot-warn' : 'dot-ok'}`} aria-hidden="true" />
                {status.data.testMode ? 'Test mode' : `Fax service: ${backends.info(status.data.backend).name}`}
              </p>
            )
          )}
        </header>
        <div className="main-col">
          {online && status.data?.testMode && route.page !== 'setup' && (
            <p className="banner banner-test" role="note">
              <strong>Test mode.</strong> Faxes are simulated; nothing is sent to a real fax line.{' '}
              {office ? 'The office server’s administrator chooses the fax service.' : <a href={href('setup')}>Choose a fax service</a>}
            </p>
          )}
          {online && !office && status.data && !status.data.testMode && !status.data.callbacksEnabled && route.page !== 'setup' && (
            <p className="banner banner-info" role="note">
              <strong>Callbacks are off.</strong> There is no public URL, so the fax service cannot call back and inbound faxes cannot
              arrive; fax status is checked by polling instead. <a href={href('setup')}>Turn on the tunnel or set your own HTTPS URL</a>
            </p>
          )}
          {office?.state === 'key_rejected' && (
            <p className="banner banner-error" role="alert" data-testid="key-rejected">
              {office.problem} <a href={href('setup')}>Connect again</a>
            </p>
          )}
          {status.data?.diskProblem && (
            <p className="banner banner-error" role="alert">
              <strong>Disk full.</strong> {status.data.diskProblem}
            </p>
          )}
          {online && status.error && (
            <p className="banner banner-error" role="alert">
              {status.error}
            </p>
          )}
          <main id="main" tabIndex={-1}>
            {online ? <Page key={pageGeneration} page={route.page} id={route.id} /> : <OfflineNotice server={serverName} />}
          </main>
        </div>
        {dragging && (
          <div className="drop-overlay" aria-hidden="true">
            <p>Drop PDF, text or image files to fax them</p>
          </div>
        )}
        <div className="toasts" role="status" aria-live="polite">
          {toasts.map((t) => (
            <p key={t.id} className={`toast toast-${t.tone}`}>
              {t.message}
            </p>
          ))}
        </div>
      </div>
    </ShellContext.Provider>
  );
}

/** A desktop notification when allowed. Masked numbers only: it may show on a locked screen. */
function notify(title: string, body: string, tag: string, onClick: () => void): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const note = new Notification(title, { body, tag });
  note.onclick = () => {
    window.focus();
    onClick();
  };
}

function OpenFilesListener({ onFiles }: { onFiles: (files: IncomingFile[]) => void }) {
  const bridge = useBridge();
  useEffect(
    () =>
      bridge.onOpenFiles((files) => {
        onFiles(files.map((f) => ({ name: f.name, bytes: base64ToBytes(f.contentBase64) })));
        navigate('send');
      }),
    [bridge, onFiles],
  );
  return null;
}

function Page({ page, id }: { page: PageName; id: string | null }): ReactNode {
  switch (page) {
    case 'send':
      return <SendPage />;
    case 'jobs':
      return <JobsPage selectedId={id} />;
    case 'inbox':
      return <InboxPage selectedId={id} />;
    case 'contacts':
      return <ContactsPage />;
    case 'setup':
      return <SetupWizard />;
    case 'settings':
      return <SettingsPage />;
    case 'keys':
      return <KeysPage />;
    case 'diagnostics':
      return <DiagnosticsPage />;
    case 'logs':
      return <LogsPage />;
  }
}
