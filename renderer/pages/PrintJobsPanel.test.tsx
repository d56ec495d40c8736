// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { PrintJobView } from '../../shared/types';
import { App } from '../App';
import { fakeBridge, gatewayStatus, job, settingsView } from '../test/fake-bridge';

function waiting(id: string, fileName: string, tagNumbers: string[] = []): PrintJobView {
  return {
    id,
    source: 'printer',
    fileName,
    pages: 1,
    tagNumbers,
    state: 'waiting',
    reason: null,
    jobIds: [],
    createdAt: '2026-11-28T12:00:00Z',
  };
}

function setup(list: PrintJobView[]) {
  window.location.hash = '#/send';
  return fakeBridge({
    'gateway:status': () => gatewayStatus(),
    'settings:get': () => settingsView(),
    'printJobs:list': () => list,
    'printJobs:document': ({ id }) => ({
      name: list.find((p) => p.id === id)?.fileName ?? 'Print job.pdf',
      contentBase64: btoa(`Printed ${id}`),
    }),
    'jobs:preflight': () => ({ ok: true, pages: 1, warnings: [], error: null }),
    'jobs:send': () => job({ id: 'job-7' }),
    'jobs:get': () => ({ job: job({ id: 'job-7' }), events: [] }),
    'jobs:list': () => ({ items: [], nextCursor: null, total: 0 }),
  });
}

describe('documents waiting on Send', () => {
  afterEach(cleanup);

  it('a single waiting document opens attached to the form, number from its tag, and is sent as that print job', async () => {
    const bridge = setup([waiting('pj-single', 'lab-order.txt', ['+12025550143'])]);
    render(<App bridge={bridge} />);
    expect((await screen.findByLabelText('Text of lab-order.txt')).textContent).toBe('Printed pj-single');
    await waitFor(() => expect(screen.getByLabelText<HTMLInputElement>('Fax number').value).toBe('+12025550143'));
    // Attached, it is no longer offered in the list, so it cannot be sent from there as well.
    expect(screen.queryByTestId('print-jobs')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Send test fax' }));
    await waitFor(() => expect(window.location.hash).toBe('#/jobs/job-7'));
    expect(bridge.calls.find((c) => c.method === 'jobs:send')?.input).toEqual({
      to: '+12025550143',
      documents: [{ name: 'lab-order.txt', contentBase64: btoa('Printed pj-single') }],
      resolution: 'fine',
      printJobIds: ['pj-single'],
    });
  });

  it('several waiting documents are listed; the one chosen joins the form and leaves the list', async () => {
    const bridge = setup([waiting('pj-a', 'referral.txt'), waiting('pj-b', 'invoice.txt', ['+12025550144', '+12025550145'])]);
    render(<App bridge={bridge} />);
    const panel = await screen.findByTestId('print-jobs');
    expect(within(panel).getByRole('heading', { level: 2 }).textContent).toBe('2 documents waiting for a fax number');
    expect(screen.queryAllByTestId('doc-card')).toHaveLength(0);

    fireEvent.click(within(panel).getByRole('button', { name: 'Attach invoice.txt to the fax' }));
    expect(await screen.findByLabelText('Text of invoice.txt')).toBeTruthy();
    await waitFor(() => expect(within(panel).getByRole('heading', { level: 2 }).textContent).toBe('1 document waiting for a fax number'));
    expect(within(panel).queryByText('invoice.txt')).toBeNull();
    // Two tagged numbers become two recipients.
    expect(screen.getByText('+12025550144')).toBeTruthy();
    expect(screen.getByText('+12025550145')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Remove invoice.txt' }));
    await waitFor(() => expect(within(panel).getByRole('heading', { level: 2 }).textContent).toBe('2 documents waiting for a fax number'));
  });
});
