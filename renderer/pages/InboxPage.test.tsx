// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundView } from '../../shared/types';
import { App } from '../App';
import { fakeBridge, gatewayStatus, settingsView } from '../test/fake-bridge';

afterEach(cleanup);

const fax: InboundView = {
  id: 'in-1',
  from: '+12025550111',
  to: '+12025550100',
  status: 'received',
  backend: 'simulator',
  pages: 3,
  sizeBytes: 2048,
  providerId: 'sim-1',
  read: false,
  archived: false,
  receivedAt: '2025-01-01T10:00:00Z',
  title: null,
  note: null,
  assignee: null,
};

describe('Inbox', () => {
  it('shows a badge and the new fax as unread when one arrives', async () => {
    window.location.hash = '#/inbox';
    let unread = 0;
    let items: InboundView[] = [];
    const bridge = fakeBridge({
      'gateway:status': () => gatewayStatus({ unreadInbound: unread }),
      'settings:get': () => settingsView(),
      'inbound:list': () => ({ items, nextCursor: null, total: items.length, unread }),
    });
    render(<App bridge={bridge} />);
    await screen.findByText('No faxes received yet.');
    expect(screen.queryByTestId('inbox-badge')).toBeNull();

    unread = 1;
    items = [fax];
    act(() => bridge.emit('inbound:received', fax));
    expect((await screen.findByTestId('inbox-badge')).textContent).toBe('1');
    const row = await screen.findByTestId('inbox-row');
    expect(row.className).toContain('unread');
    expect(row.textContent).toContain('Unread');
    await waitFor(() => expect(document.title).toBe('(1) Faxbot'));
    expect(screen.getByRole('status').textContent).toContain('****0111');
  });
});

describe('Archive', () => {
  it('takes the fax out of the list unless "Show archived" is on', async () => {
    const archived = new Set<string>();
    const view = (f: InboundView): InboundView => ({ ...f, read: true, archived: archived.has(f.id) });
    const all = [fax, { ...fax, id: 'in-2', from: '+12025550122' }];
    window.location.hash = '#/inbox/in-1';
    const bridge = fakeBridge({
      'gateway:status': () => gatewayStatus(),
      'settings:get': () => settingsView(),
      'inbound:list': ({ includeArchived }) => {
        const items = all.map(view).filter((f) => includeArchived || !f.archived);
        return { items, nextCursor: null, total: items.length, unread: 0 };
      },
      'inbound:get': ({ id }) => view(all.find((f) => f.id === id)!),
      'inbound:markRead': ({ id }) => view(all.find((f) => f.id === id)!),
      'inbound:documentLink': () => ({ url: 'https://gw.example.com/doc', expiresAt: '2030-01-01T00:00:00Z' }),
      'inbound:archive': ({ id, archived: on }) => {
        if (on) archived.add(id);
        else archived.delete(id);
        return view(all.find((f) => f.id === id)!);
      },
    });
    render(<App bridge={bridge} />);
    await waitFor(() => expect(screen.getAllByTestId('inbox-row')).toHaveLength(2));
    fireEvent.click(await screen.findByRole('button', { name: 'Archive' }));
    await waitFor(() => expect(screen.getAllByTestId('inbox-row')).toHaveLength(1));
    expect(screen.getByTestId('inbox-row').textContent).toContain('+12025550122');
    expect(window.location.hash).toBe('#/inbox');
    expect(screen.getByRole('status').textContent).toContain('Show archived');
    fireEvent.click(screen.getByLabelText('Show archived'));
    await waitFor(() => expect(screen.getAllByTestId('inbox-row')).toHaveLength(2));
  });
});
