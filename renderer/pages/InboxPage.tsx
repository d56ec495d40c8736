import { useCallback, useEffect, useState } from 'react';
import type { InboundPage, InboundView } from '../../shared/types';
import { errorMessage } from '../api/client';
import { useEvent, useInvoke, useNow, useRefreshOnReconnect } from '../api/hooks';
import { ContactName } from '../components/ContactName';
import { InboundActions } from '../components/InboundActions';
import { TestTag } from '../components/StatusChip';
import { useBackends } from '../lib/backend-fields';
import { formatBytes } from '../lib/files';
import { formatFull, formatWhen, plural } from '../lib/format';
import { href, navigate } from '../lib/route';
import { useShell } from '../lib/shell-context';
import { useContactNames } from '../lib/use-contact-names';

const PAGE_SIZE = 50;

export function InboxPage({ selectedId }: { selectedId: string | null }) {
  const invoke = useInvoke();
  const { status, toast, reloadStatus } = useShell();
  const now = useNow();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [showArchived, setShowArchived] = useState(false);
  const [page, setPage] = useState<InboundPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const names = useContactNames(page?.items.map((fax) => fax.from) ?? []);
  const [permission, setPermission] = useState(() => (typeof Notification === 'undefined' ? 'denied' : Notification.permission));

  const load = useCallback(
    async (cursor: string | null) => {
      try {
        const next = await invoke('inbound:list', { cursor, limit: PAGE_SIZE, unreadOnly, includeArchived: showArchived });
        setPage((prev) => (cursor && prev ? { ...next, items: [...prev.items, ...next.items] } : next));
        setError(null);
      } catch (failure) {
        setError(errorMessage(failure));
      }
    },
    [invoke, unreadOnly, showArchived],
  );

  useEffect(() => {
    void load(null);
  }, [load]);
  useRefreshOnReconnect(() => void load(null));

  useEvent('inbound:received', (fax) =>
    setPage((prev) =>
      prev && !prev.items.some((f) => f.id === fax.id)
        ? { ...prev, items: [fax, ...prev.items], total: prev.total + 1, unread: prev.unread + (fax.read ? 0 : 1) }
        : prev,
    ),
  );
  // An archived fax leaves the list unless "Show archived" is on.
  const applyUpdate = useCallback(
    (fax: InboundView) =>
      setPage((prev) => {
        if (!prev) return prev;
        if (!fax.archived || showArchived) return { ...prev, items: prev.items.map((f) => (f.id === fax.id ? fax : f)) };
        const items = prev.items.filter((f) => f.id !== fax.id);
        return { ...prev, items, total: prev.total - (prev.items.length - items.length) };
      }),
    [showArchived],
  );
  useEvent('inbound:updated', applyUpdate);

  function onViewerUpdate(fax: InboundView) {
    applyUpdate(fax);
    reloadStatus();
    if (fax.archived && !showArchived) {
      navigate('inbox');
      toast('Fax archived. Turn on “Show archived” to see it again.');
    }
  }

  async function simulate() {
    try {
      await invoke('inbound:simulate', {});
    } catch (failure) {
      toast(errorMessage(failure), 'error');
    }
  }

  const selected = page?.items.find((f) => f.id === selectedId) ?? null;

  return (
    <div className={`page split ${selectedId ? 'has-detail' : ''}`}>
      <section className="split-list" aria-labelledby="inbox-heading">
        <div className="page-head">
          <h1 id="inbox-heading">Inbox</h1>
          <span className="muted" aria-live="polite">
            {page ? `${plural(page.total, 'fax', 'faxes')} · ${status?.unreadInbound ?? page.unread} unread` : ''}
          </span>
        </div>
        <div className="toolbar">
          <label className="check-inline">
            <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} /> Unread only
          </label>
          <label className="check-inline">
            <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} /> Show archived
          </label>
          {status?.testMode && (
            <button type="button" onClick={() => void simulate()}>
              Receive a test fax
            </button>
          )}
          {permission === 'default' && (
            <button type="button" onClick={() => void Notification.requestPermission().then((p) => setPermission(p))}>
              Turn on desktop alerts
            </button>
          )}
        </div>
        {error && (
          <p className="banner banner-error" role="alert">
            {error}
          </p>
        )}
        {page && page.items.length === 0 && <p className="empty">{unreadOnly ? 'No unread faxes.' : 'No faxes received yet.'}</p>}
        <ul className="inbox-rows" aria-label="Received faxes, newest first">
          {page?.items.map((fax) => (
            <li key={fax.id}>
              <a
                href={href('inbox', fax.id)}
                className={`inbox-row ${fax.read ? '' : 'unread'} ${fax.id === selectedId ? 'selected' : ''}`}
                aria-current={fax.id === selectedId ? 'true' : undefined}
                data-testid="inbox-row"
              >
                <span className={`unread-dot ${fax.read ? 'hidden' : ''}`} aria-hidden="true" />
                <span className="inbox-row-main">
                  <span className="inbox-from">
                    {fax.read ? '' : <span className="visually-hidden">Unread: </span>}From {fax.from || 'unknown'}{' '}
                    <ContactName number={fax.from} names={names} />
                  </span>
                  <span className="muted small">
                    {fax.pages !== null ? plural(fax.pages, 'page') : 'pages unknown'}
                    {fax.archived && ' · archived'}
                  </span>
                </span>
                <time className="muted small" dateTime={fax.receivedAt}>
                  {formatWhen(fax.receivedAt, now)}
                </time>
              </a>
            </li>
          ))}
        </ul>
        {page?.nextCursor && (
          <button type="button" className="load-more" onClick={() => void load(page.nextCursor)}>
            Load more
          </button>
        )}
      </section>
      {selectedId && (
        <section className="split-detail" aria-label="Fax viewer">
          <InboundViewer
            key={selectedId}
            id={selectedId}
            fax={selected}
            testMode={status?.testMode ?? false}
            onChanged={reloadStatus}
            onUpdated={onViewerUpdate}
          />
        </section>
      )}
    </div>
  );
}

/** Only fetch document bytes from this machine; anything else (a tunnel URL) is opened as a link. */
/** fax-from-<contact or number>-<date>.pdf: what office staff look for in Downloads later. */
export function inboundFileName(fax: InboundView, names: Record<string, string>): string {
  const who = (names[fax.from] ?? fax.from.replace(/[^\d+]/g, '')) || 'unknown';
  const safe = who.replace(/[^\p{L}\p{N}+]+/gu, '-').replace(/^-+|-+$/g, '');
  return `fax-from-${safe || 'unknown'}-${fax.receivedAt.slice(0, 10)}.pdf`;
}

function isLocal(url: URL): boolean {
  return url.origin === window.location.origin || url.hostname === '127.0.0.1' || url.hostname === 'localhost';
}

function InboundViewer(props: {
  id: string;
  fax: InboundView | null;
  testMode: boolean;
  onChanged: () => void;
  onUpdated: (fax: InboundView) => void;
}) {
  const invoke = useInvoke();
  const backends = useBackends();
  const [fax, setFax] = useState<InboundView | null>(props.fax);
  const [link, setLink] = useState<string | null>(null);
  const [pages, setPages] = useState<string[]>([]);
  const [viewError, setViewError] = useState<string | null>(null);
  const { id, onChanged } = props;
  const names = useContactNames([fax?.from]);

  useEffect(() => {
    let live = true;
    const made: string[] = [];
    void (async () => {
      try {
        let current = await invoke('inbound:get', { id });
        if (!current.read) {
          current = await invoke('inbound:markRead', { id, read: true });
          onChanged();
        }
        if (!live) return;
        setFax(current);
        const minted = await invoke('inbound:documentLink', { id });
        const url = new URL(minted.url, window.location.href);
        if (!live) return;
        setLink(url.href);
        if (!isLocal(url)) return;
        const response = await fetch(url.href, { credentials: 'omit' });
        if (!response.ok) throw new Error(`The document could not be loaded (${response.status}).`);
        const bytes = new Uint8Array(await response.arrayBuffer());
        const { renderForReading } = await import('../lib/pdf-render');
        const urls = await renderForReading(bytes);
        made.push(...urls);
        if (live) setPages(urls);
      } catch (failure) {
        if (live) setViewError(errorMessage(failure));
      }
    })();
    return () => {
      live = false;
      made.forEach((u) => URL.revokeObjectURL(u));
    };
  }, [id, invoke, onChanged]);

  async function update(run: () => Promise<InboundView>) {
    try {
      const updated = await run();
      setFax(updated);
      props.onUpdated(updated);
    } catch (failure) {
      setViewError(errorMessage(failure));
    }
  }

  if (!fax) return <p className="detail muted">{viewError ?? 'Loading…'}</p>;
  return (
    <div className="detail" data-testid="inbound-viewer">
      <div className="detail-head">
        <button type="button" className="link-button" onClick={() => navigate('inbox')}>
          ← Inbox
        </button>
        <h2>
          Fax from <span className="mono">{fax.from || 'unknown'}</span> <ContactName number={fax.from} names={names} />
        </h2>
        {props.testMode && fax.backend === 'simulator' && <TestTag />}
      </div>
      <div className="actions">
        {link && (
          <a className="button primary" href={link} download={inboundFileName(fax, names)}>
            Download PDF
          </a>
        )}
        <button type="button" onClick={() => void update(() => invoke('inbound:markRead', { id: fax.id, read: !fax.read }))}>
          {fax.read ? 'Mark unread' : 'Mark read'}
        </button>
        <button type="button" onClick={() => void update(() => invoke('inbound:archive', { id: fax.id, archived: !fax.archived }))}>
          {fax.archived ? 'Move back to inbox' : 'Archive'}
        </button>
        <InboundActions fax={fax} onChanged={setFax} />
      </div>
      <dl className="facts">
        <dt>From</dt>
        <dd className="mono">{fax.from || '—'}</dd>
        <dt>To</dt>
        <dd className="mono">{fax.to || '—'}</dd>
        {fax.title && (
          <>
            <dt>Name</dt>
            <dd>{fax.title}</dd>
          </>
        )}
        {fax.assignee && (
          <>
            <dt>Assigned to</dt>
            <dd>{fax.assignee}</dd>
          </>
        )}
        {fax.note && (
          <>
            <dt>Note</dt>
            <dd>{fax.note}</dd>
          </>
        )}
        <dt>Received</dt>
        <dd>{formatFull(fax.receivedAt)}</dd>
        <dt>Pages</dt>
        <dd>{fax.pages ?? '—'}</dd>
        <dt>Size</dt>
        <dd>{fax.sizeBytes !== null ? formatBytes(fax.sizeBytes) : '—'}</dd>
        <dt>Received through</dt>
        <dd>
          {fax.backend === 'simulator' ? 'Test mode (simulated)' : (backends.list.find((b) => b.id === fax.backend)?.name ?? fax.backend)}
        </dd>
      </dl>
      <details className="support-details">
        <summary>Details for support</summary>
        <dl className="facts">
          <dt>Fax service reference</dt>
          <dd className="mono">{fax.providerId ?? '—'}</dd>
        </dl>
      </details>
      {viewError && (
        <p className="field-error" role="alert">
          {viewError}
        </p>
      )}
      {link && pages.length === 0 && !viewError && <p className="muted">Loading pages…</p>}
      <ol className="viewer-pages" aria-label="Pages">
        {pages.map((url, i) => (
          <li key={url}>
            <img src={url} alt={`Page ${i + 1} of ${pages.length}`} />
          </li>
        ))}
      </ol>
    </div>
  );
}
