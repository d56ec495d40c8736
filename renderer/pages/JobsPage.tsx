import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { JOB_STATUSES, type JobStatus } from '../../shared/status';
import type { JobView } from '../../shared/types';
import { errorMessage } from '../api/client';
import { useEvent, useInvoke, useNow, useRefreshOnReconnect } from '../api/hooks';
import { ContactName } from '../components/ContactName';
import { hasHistoryFilter, HistoryFilters, historyQuery, NO_HISTORY_FILTER, type HistoryFilter } from '../components/HistoryFilters';
import { StatusChip } from '../components/StatusChip';
import { dayOf, formatTime, formatWhen, plural } from '../lib/format';
import { EMPTY_LIST, appendPage, upsertJob, withDayHeadings, type JobFilter, type JobListState } from '../lib/job-list';
import { STATUS_LABELS } from '../lib/job-status';
import { href, navigate } from '../lib/route';
import { useContactNames } from '../lib/use-contact-names';
import { JobDetailPanel } from './JobDetailPanel';

const PAGE_SIZE = 100;
const ROW_HEIGHT = 56;
const DAY_HEIGHT = 34;

export function JobsPage({ selectedId }: { selectedId: string | null }) {
  const invoke = useInvoke();
  const now = useNow();
  const [search, setSearch] = useState('');
  const [filter, setFilter] = useState<JobFilter>({ statuses: [], search: '' });
  const [history, setHistory] = useState<HistoryFilter>(NO_HISTORY_FILTER);
  const query = useMemo(
    () => ({
      status: filter.statuses.length ? filter.statuses : undefined,
      search: filter.search.trim() || undefined,
      ...historyQuery(history),
    }),
    [filter, history],
  );
  const [list, setList] = useState<JobListState>(EMPTY_LIST);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);
  const scrollRef = useRef<HTMLDivElement>(null);

  // The store does the searching; wait for the user to stop typing.
  useEffect(() => {
    const timer = setTimeout(() => setFilter((f) => (f.search === search ? f : { ...f, search })), 250);
    return () => clearTimeout(timer);
  }, [search]);

  const load = useCallback(
    async (cursor: string | null) => {
      const mine = cursor === null ? ++generation.current : generation.current;
      setLoading(true);
      try {
        const page = await invoke('jobs:list', { ...query, cursor, limit: PAGE_SIZE });
        if (mine !== generation.current) return; // A newer filter replaced this request.
        setList((state) => appendPage(cursor === null ? EMPTY_LIST : state, page));
        setError(null);
      } catch (failure) {
        if (mine === generation.current) setError(errorMessage(failure));
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [invoke, query],
  );

  useEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
    void load(null);
  }, [load]);

  // With a history filter the store decides membership, as it does for a search.
  useEvent('job:updated', (job) =>
    setList((state) => upsertJob(state, job, hasHistoryFilter(history) ? { ...filter, search: '*' } : filter)),
  );
  useRefreshOnReconnect(() => void load(null));

  const rows = useMemo(() => withDayHeadings(list, (iso) => dayOf(iso, now)), [list, now]);
  const virtualizer = useVirtualizer({
    count: rows.length + (list.nextCursor ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => (rows[index]?.kind === 'day' ? DAY_HEIGHT : ROW_HEIGHT),
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const names = useContactNames(items.map((row) => list.byId.get(list.ids[row.index] ?? '')?.toE164));
  const lastIndex = items.at(-1)?.index ?? 0;

  useEffect(() => {
    if (list.nextCursor && !loading && lastIndex >= rows.length - 1) void load(list.nextCursor);
  }, [lastIndex, rows.length, list.nextCursor, loading, load]);

  function toggleStatus(status: JobStatus) {
    setFilter((f) => ({
      ...f,
      statuses: f.statuses.includes(status) ? f.statuses.filter((s) => s !== status) : [...f.statuses, status],
    }));
  }

  /** Arrow keys move between faxes (over the day headings), as in a mail list. */
  function onRowKey(event: KeyboardEvent, index: number) {
    const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    let next = index + step;
    while (rows[next]?.kind === 'day') next += step;
    if (rows[next]?.kind !== 'job') return;
    virtualizer.scrollToIndex(next);
    requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLElement>(`[data-index="${next}"] a`)?.focus());
  }

  return (
    <div className={`page split ${selectedId ? 'has-detail' : ''}`}>
      <section className="split-list" aria-labelledby="jobs-heading">
        <div className="page-head">
          <h1 id="jobs-heading">Jobs</h1>
          <span className="muted" data-testid="jobs-total" aria-live="polite">
            {plural(list.total, 'fax', 'faxes')}
          </span>
        </div>
        <div className="toolbar">
          <label className="visually-hidden" htmlFor="jobs-search">
            Search jobs
          </label>
          <input
            id="jobs-search"
            type="search"
            maxLength={64}
            placeholder="Search number, file or job id"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          <fieldset className="filter-chips">
            <legend className="visually-hidden">Show only</legend>
            {JOB_STATUSES.map((s) => (
              <label key={s} className={`filter-chip ${filter.statuses.includes(s) ? 'on' : ''}`}>
                <input type="checkbox" checked={filter.statuses.includes(s)} onChange={() => toggleStatus(s)} />
                {STATUS_LABELS[s]}
              </label>
            ))}
          </fieldset>
          <HistoryFilters value={history} onChange={setHistory} exportQuery={query} />
        </div>
        {error && (
          <p className="banner banner-error" role="alert">
            {error}{' '}
            <button type="button" onClick={() => void load(null)}>
              Try again
            </button>
          </p>
        )}
        <div className="job-scroll" ref={scrollRef} data-testid="job-list">
          {list.ids.length === 0 && !loading ? (
            <p className="empty">
              {filter.search || filter.statuses.length || hasHistoryFilter(history) ? (
                'No faxes match.'
              ) : (
                <>
                  No faxes yet. <a href={href('send')}>Send one</a>.
                </>
              )}
            </p>
          ) : (
            <ul role="list" className="job-rows" style={{ height: virtualizer.getTotalSize() }} aria-label="Faxes, newest first">
              {items.map((row) => {
                const line = rows[row.index];
                if (line?.kind === 'day') {
                  return (
                    <li
                      key={row.key}
                      data-index={row.index}
                      className="job-day-slot"
                      style={{ transform: `translateY(${row.start}px)`, height: DAY_HEIGHT }}
                    >
                      <h2 className="job-day">{line.label}</h2>
                    </li>
                  );
                }
                const job = line ? list.byId.get(line.id) : undefined;
                return (
                  <li
                    key={row.key}
                    data-index={row.index}
                    className="job-row-slot"
                    style={{ transform: `translateY(${row.start}px)`, height: ROW_HEIGHT }}
                  >
                    {job ? (
                      <JobRow
                        job={job}
                        now={now}
                        names={names}
                        selected={job.id === selectedId}
                        onKeyDown={(e) => onRowKey(e, row.index)}
                      />
                    ) : (
                      <p className="muted job-row-loading">Loading more…</p>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      </section>
      {selectedId && (
        <section className="split-detail" aria-label="Fax details">
          <JobDetailPanel key={selectedId} id={selectedId} now={now} onClose={() => navigate('jobs')} />
        </section>
      )}
    </div>
  );
}

function JobRow(props: {
  job: JobView;
  now: number;
  names: Record<string, string>;
  selected: boolean;
  onKeyDown: (e: KeyboardEvent) => void;
}) {
  const { job } = props;
  return (
    <a
      className={`job-row ${props.selected ? 'selected' : ''}`}
      href={href('jobs', job.id)}
      aria-current={props.selected ? 'true' : undefined}
      onKeyDown={props.onKeyDown}
      data-testid="job-row"
      data-job-id={job.id}
    >
      <span className="job-row-status">
        <StatusChip job={job} now={props.now} />
      </span>
      <span className="job-row-main">
        <span className="job-row-to">
          <ContactName number={job.toE164} names={props.names} /> <span className="mono">{job.to}</span>
        </span>
        <span
          className="job-row-file muted"
          title={[job.fileName, job.sentBy && `sent by ${job.sentBy}`].filter(Boolean).join(' · ') || undefined}
        >
          {job.fileName ?? 'Document'}
          {job.pages !== null && ` · ${plural(job.pages, 'page')}`}
          {job.sendAt && job.status === 'queued' && ` · scheduled ${formatWhen(job.sendAt, props.now)}`}
          {job.sentBy && <span data-testid="job-sender"> · sent by {job.sentBy}</span>}
        </span>
      </span>
      <time className="job-row-time muted" dateTime={job.createdAt}>
        {formatTime(job.createdAt)}
      </time>
    </a>
  );
}
