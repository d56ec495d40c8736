import type { JobStatus } from '../../shared/status';
import type { JobPage, JobView } from '../../shared/types';

/**
 * The loaded window of the jobs timeline. The store pages and searches; this only keeps what
 * has been fetched, newest first, and applies live updates in place.
 */
export interface JobListState {
  ids: string[];
  byId: ReadonlyMap<string, JobView>;
  nextCursor: string | null;
  total: number;
}

export interface JobFilter {
  statuses: JobStatus[];
  search: string;
}

export const EMPTY_LIST: JobListState = { ids: [], byId: new Map(), nextCursor: null, total: 0 };

export function appendPage(state: JobListState, page: JobPage): JobListState {
  const byId = new Map(state.byId);
  const ids = [...state.ids];
  for (const job of page.items) {
    if (!byId.has(job.id)) ids.push(job.id);
    byId.set(job.id, job);
  }
  return { ids, byId, nextCursor: page.nextCursor, total: page.total };
}

/** Whether a job belongs in the current view; search matching is left to the store. */
function matches(job: JobView, filter: JobFilter): boolean {
  return filter.statuses.length === 0 || filter.statuses.includes(job.status);
}

/**
 * Applies a `job:updated` event: replaces a loaded job in place, adds a new one at the top
 * (it is the newest), and drops one that no longer matches the status filter.
 */
export function upsertJob(state: JobListState, job: JobView, filter: JobFilter): JobListState {
  const known = state.byId.has(job.id);
  const fits = matches(job, filter);
  if (known && !fits) {
    const byId = new Map(state.byId);
    byId.delete(job.id);
    return { ...state, ids: state.ids.filter((id) => id !== job.id), byId, total: Math.max(0, state.total - 1) };
  }
  if (known) {
    const byId = new Map(state.byId);
    byId.set(job.id, job);
    return { ...state, byId };
  }
  // New jobs are only shown unsearched: the store decides what a search matches.
  if (!fits || filter.search.trim() !== '') return state;
  const byId = new Map(state.byId);
  byId.set(job.id, job);
  return { ...state, ids: [job.id, ...state.ids], byId, total: state.total + 1 };
}

/** One line of the jobs timeline: a day heading, or a job. */
export type TimelineRow = { kind: 'day'; key: string; label: string } | { kind: 'job'; key: string; id: string };

/**
 * The loaded jobs (newest first) with a heading before each new day, so rows only need the time.
 * `day` gives a job's calendar day (key) and how to say it ("Today", "Monday, 3 March").
 */
export function withDayHeadings(
  state: Pick<JobListState, 'ids' | 'byId'>,
  day: (iso: string) => { key: string; label: string },
): TimelineRow[] {
  const rows: TimelineRow[] = [];
  let current = '';
  for (const id of state.ids) {
    const job = state.byId.get(id);
    if (!job) continue;
    const { key, label } = day(job.createdAt);
    if (key !== current) {
      current = key;
      rows.push({ kind: 'day', key: `day-${key}`, label });
    }
    rows.push({ kind: 'job', key: id, id });
  }
  return rows;
}
