// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { job } from '../test/fake-bridge';
import { EMPTY_LIST, appendPage, upsertJob } from './job-list';

const all = { statuses: [], search: '' };

describe('job list state', () => {
  it('appends pages without duplicates and keeps the cursor', () => {
    let state = appendPage(EMPTY_LIST, { items: [job({ id: 'a' }), job({ id: 'b' })], nextCursor: 'c1', total: 3 });
    state = appendPage(state, { items: [job({ id: 'b' }), job({ id: 'c' })], nextCursor: null, total: 3 });
    expect(state.ids).toEqual(['a', 'b', 'c']);
    expect(state.nextCursor).toBeNull();
  });

  it('updates a known job in place and puts a new one on top', () => {
    let state = appendPage(EMPTY_LIST, { items: [job({ id: 'a' }), job({ id: 'b' })], nextCursor: null, total: 2 });
    state = upsertJob(state, job({ id: 'b', status: 'delivered' }), all);
    expect(state.ids).toEqual(['a', 'b']);
    expect(state.byId.get('b')?.status).toBe('delivered');
    state = upsertJob(state, job({ id: 'new' }), all);
    expect(state.ids).toEqual(['new', 'a', 'b']);
    expect(state.total).toBe(3);
  });

  it('drops a job that leaves the status filter and ignores unmatched new ones', () => {
    const failedOnly = { statuses: ['failed' as const], search: '' };
    let state = appendPage(EMPTY_LIST, { items: [job({ id: 'a', status: 'failed' })], nextCursor: null, total: 1 });
    state = upsertJob(state, job({ id: 'x', status: 'queued' }), failedOnly);
    expect(state.ids).toEqual(['a']);
    state = upsertJob(state, job({ id: 'a', status: 'delivered' }), failedOnly);
    expect(state.ids).toEqual([]);
    expect(state.total).toBe(0);
  });

  it('leaves search results to the store', () => {
    const state = upsertJob(EMPTY_LIST, job({ id: 'n' }), { statuses: [], search: 'smith' });
    expect(state.ids).toEqual([]);
  });
});
