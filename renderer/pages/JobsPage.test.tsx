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
