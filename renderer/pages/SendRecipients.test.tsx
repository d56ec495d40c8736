// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContactView, GroupView } from '../../shared/contacts';
import type { BatchView } from '../../shared/types';
import { App } from '../App';
import { batchSummary } from '../components/JobExtras';
import { fakeBridge, gatewayStatus, job, settingsView } from '../test/fake-bridge';

const ann: ContactView = {
  id: 'c-ann',
  name: 'Ann Example',
  company: 'Riverside Clinic',
  fax: '(202) 555-0143',
  faxE164: '+12025550143',
  voice: '',
  email: '',
  notes: '',
  coverPolicy: 'default',
  groupIds: [],
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};
const branches: GroupView = { id: 'g-1', name: 'Branches', contactIds: ['a', 'b', 'c'], createdAt: '', updatedAt: '' };
const batch: BatchView = {
  id: 'b-1',
  createdAt: '2026-01-01T00:00:00Z',
  jobs: [job({ id: 'job-a', batchId: 'b-1' })],
  counts: { total: 6, delivered: 0, failed: 0, canceled: 0, pending: 6 },
};

function setup() {
  window.location.hash = '#/send';
  return fakeBridge({
    'gateway:status': () => gatewayStatus(),
    'settings:get': () => settingsView(),
    'jobs:preflight': () => ({ ok: true, pages: 1, warnings: [], error: null }),
    'contacts:list': (input) => ({
      items: input.search && 'ann example riverside'.includes(input.search.toLowerCase()) ? [ann] : [],
      total: 1,
    }),
    'groups:list': () => [branches],
    'contacts:recent': () => [],
    'contacts:names': () => ({}),
    'jobs:sendBatch': () => batch,
    'jobs:send': (input) => job({ id: 'job-single', toE164: input.to }),
    'jobs:get': () => ({ job: job({ id: 'job-a', batchId: 'b-1' }), events: [] }),
    'jobs:batch': () => batch,
    'jobs:list': () => ({ items: [], nextCursor: null, total: 0 }),
  });
}

afterEach(cleanup);

describe('Send to several recipients', () => {
  it('picks a contact by name, takes pasted numbers and a group, and sends one batch', async () => {
    const bridge = setup();
    render(<App bridge={bridge} />);
    fireEvent.change(await screen.findByTestId('file-input'), { target: { files: [new File(['Hello'], 'memo.txt')] } });
    await screen.findByText('1 page');

    const field = screen.getByLabelText('Fax number');
    fireEvent.change(field, { target: { value: 'ann' } });
    fireEvent.click(await screen.findByRole('button', { name: /Ann Example/ }));
    fireEvent.change(field, { target: { value: '(202) 555-0101, 202 555 0102, 12' } });
    const chips = screen.getByTestId('recipients');
    expect(within(chips).getByText('Ann Example')).toBeTruthy();
    expect(within(chips).getByText('(202) 555-0101')).toBeTruthy();
    expect((field as HTMLInputElement).value).toBe('12'); // what cannot be read stays for fixing
    fireEvent.change(field, { target: { value: 'branch' } });
    fireEvent.click(await screen.findByRole('button', { name: /Group: Branches/ }));

    fireEvent.click(screen.getByRole('button', { name: 'Send test fax' }));
    await waitFor(() => expect(window.location.hash).toBe('#/jobs/job-a'));
    const sent = bridge.calls.find((c) => c.method === 'jobs:sendBatch');
    expect(sent?.input).toMatchObject({ to: ['+12025550101', '+12025550102'], contactIds: ['c-ann'], groupIds: ['g-1'] });
    expect(bridge.calls.some((c) => c.method === 'jobs:send')).toBe(false);
  });

  it('a single picked contact is an ordinary fax, and Send later passes the time', async () => {
    const bridge = setup();
    render(<App bridge={bridge} />);
    fireEvent.change(await screen.findByTestId('file-input'), { target: { files: [new File(['Hello'], 'memo.txt')] } });
    await screen.findByText('1 page');
    fireEvent.change(screen.getByLabelText('Fax number'), { target: { value: 'riverside' } });
    fireEvent.click(await screen.findByRole('button', { name: /Ann Example/ }));
    fireEvent.click(screen.getByLabelText('Send later'));
    fireEvent.change(screen.getByLabelText('Send at'), { target: { value: '2099-05-04T09:30' } });
    fireEvent.click(screen.getByRole('button', { name: 'Schedule fax' }));
    await waitFor(() => expect(bridge.calls.some((c) => c.method === 'jobs:send')).toBe(true));
    const sent = bridge.calls.find((c) => c.method === 'jobs:send')?.input as { to: string; sendAt: string };
    expect(sent.to).toBe('+12025550143');
    expect(sent.sendAt).toBe(new Date('2099-05-04T09:30').toISOString());
  });

  it('says a batch result in office words', () => {
    expect(batchSummary({ total: 4, delivered: 3, failed: 1, canceled: 0, pending: 0 })).toBe('3 of 4 delivered, 1 failed');
  });
});
