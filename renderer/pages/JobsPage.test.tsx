// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JobListQuery } from '../../shared/contract';
import { App } from '../App';
import { fakeBridge, gatewayStatus, job, settingsView } from '../test/fake-bridge';

beforeAll(() => {
  // jsdom lays nothing out; give the virtual list a viewport so it renders rows.
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
});
afterEach(cleanup);

const failed = job({
  id: 'job-f',
  status: 'failed',
  failureClass: 'invalid_number',
  error: 'Phaxio: number not in service',
  attempts: 1,
  providerId: 'px-99',
});

function bridgeWith(items = [job({ id: 'job-a' }), failed]) {
  const queries: JobListQuery[] = [];
  const bridge = fakeBridge({
    'gateway:status': () => gatewayStatus(),
    'settings:get': () => settingsView(),
    'jobs:list': (input) => {
      queries.push(input as JobListQuery);
      return { items, nextCursor: null, total: 100_000 };
    },
    'jobs:get': ({ id }) => ({
      job: items.find((j) => j.id === id) ?? failed,
      events: [{ id: 1, jobId: id, at: '2025-01-01T10:00:00Z', kind: 'status', status: 'queued', message: 'Queued' }],
    }),
    'jobs:resend': () => job({ id: 'job-copy' }),
  });
  return { bridge, queries };
}

describe('Jobs', () => {
  it('lists jobs newest first and updates a chip live without reloading', async () => {
    window.location.hash = '#/jobs';
    const { bridge, queries } = bridgeWith();
    render(<App bridge={bridge} />);
    const rows = await screen.findAllByTestId('job-row');
    expect(rows.map((r) => r.dataset.jobId)).toEqual(['job-a', 'job-f']);
    expect(screen.getByTestId('jobs-total').textContent).toBe('100,000 faxes');
    expect(within(rows[0] as HTMLElement).getByText('TEST')).toBeTruthy();
    const listCalls = queries.length;

    act(() => bridge.emit('job:updated', job({ id: 'job-a', status: 'delivered' })));
    expect(within(screen.getAllByTestId('job-row')[0] as HTMLElement).getByText(/Delivered/)).toBeTruthy();
    act(() => bridge.emit('job:updated', job({ id: 'job-new', status: 'sending' })));
    expect(screen.getAllByTestId('job-row')[0]?.dataset.jobId).toBe('job-new');
    expect(queries.length).toBe(listCalls);

    // The event stream opens with a status event; another one means it reconnected: refetch.
    act(() => bridge.emit('gateway:status', gatewayStatus()));
    expect(queries.length).toBe(listCalls);
    act(() => bridge.emit('gateway:status', gatewayStatus()));
    await waitFor(() => expect(queries.length).toBe(listCalls + 1));
  });

  it('leaves search and status filtering to the store', async () => {
    window.location.hash = '#/jobs';
    const { bridge, queries } = bridgeWith();
    render(<App bridge={bridge} />);
    await screen.findAllByTestId('job-row');
    fireEvent.change(screen.getByLabelText('Search jobs'), { target: { value: '0143' } });
    fireEvent.click(screen.getByLabelText('Failed'));
    await waitFor(() => expect(queries.at(-1)).toMatchObject({ search: '0143', status: ['failed'], cursor: null }));
  });

  it('shows a failure with its reason, what to do, provider id and the timeline', async () => {
    window.location.hash = '#/jobs/job-f';
    const { bridge } = bridgeWith();
    render(<App bridge={bridge} />);
    const detail = await screen.findByTestId('job-detail');
    expect(within(detail).getByTestId('job-advice').textContent).toContain('The number is not a working fax number.');
    expect(within(detail).getByTestId('job-advice').textContent).toContain('Correct the number and send again.');
    expect(within(detail).getByText('px-99')).toBeTruthy();
    expect(within(detail).getByTestId('job-timeline').textContent).toContain('Queued');

    fireEvent.click(within(detail).getByRole('button', { name: 'Resend…' }));
    fireEvent.change(within(detail).getByLabelText('Send the same document again to'), { target: { value: '+1 202 555 0199' } });
    fireEvent.click(within(detail).getByRole('button', { name: 'Resend fax' }));
    await waitFor(() => expect(window.location.hash).toBe('#/jobs/job-copy'));
    expect(bridge.calls.find((c) => c.method === 'jobs:resend')?.input).toEqual({ id: 'job-f', to: '+12025550199' });
  });
});

describe('the job panel in plain words', () => {
  it('asks before cancelling, and only cancels on "Yes"', async () => {
    const queued = job({ id: 'job-q', status: 'queued' });
    window.location.hash = '#/jobs/job-q';
    const { bridge } = bridgeWith([queued]);
    const handlers = bridge.call.bind(bridge);
    let cancels = 0;
    bridge.call = (method, input) => {
      if (method === 'jobs:cancel') cancels++;
      return handlers(method, input);
    };
    render(<App bridge={bridge} />);
    const detail = await screen.findByTestId('job-detail');
    fireEvent.click(within(detail).getByRole('button', { name: 'Cancel fax…' }));
    expect(cancels).toBe(0);
    expect(within(detail).getByText(/Cancel this fax to/)).toBeTruthy();
    fireEvent.click(within(detail).getByRole('button', { name: 'Keep it' }));
    expect(cancels).toBe(0);
    expect(within(detail).queryByText(/Cancel this fax to/)).toBeNull();
    fireEvent.click(within(detail).getByRole('button', { name: 'Cancel fax…' }));
    fireEvent.click(within(detail).getByRole('button', { name: 'Yes, cancel the fax' }));
    await waitFor(() => expect(cancels).toBe(1));
  });

  it('no developer words up front; ids under "Details for support"; times with seconds; one retry countdown', async () => {
    const nextAttemptAt = new Date(Date.now() + 5 * 60_000 - 1_000).toISOString();
    const waiting = job({
      id: 'job-w',
      status: 'retry_wait',
      backend: 'phaxio',
      testMode: false,
      failureClass: 'busy',
      attempts: 1,
      nextAttemptAt,
      providerId: 'px-77',
      createdAt: '2025-01-01T10:00:07Z',
    });
    window.location.hash = '#/jobs/job-w';
    const { bridge } = bridgeWith([waiting]);
    render(<App bridge={bridge} />);
    const detail = await screen.findByTestId('job-detail');
    const text = detail.textContent ?? '';
    expect(text).not.toMatch(/Provider id|Backend|New document link|phaxio\b/);
    expect(within(detail).getByText('Phaxio')).toBeTruthy();
    expect(within(detail).getByRole('button', { name: 'Get a link to the document' })).toBeTruthy();
    const support = within(detail).getByText('Details for support').closest('details') as HTMLElement;
    expect(within(support).getByText('px-77')).toBeTruthy();
    expect(within(detail).getByText(/10:00:07|:00:07/)).toBeTruthy();
    // The chip and the "Next attempt" line count down from the same time.
    const chip = within(detail).getAllByText(/Retrying in 5 min/);
    expect(chip.length).toBeGreaterThan(0);
    expect(within(detail).getByText(/\(in 5 min\)/)).toBeTruthy();
  });
});
