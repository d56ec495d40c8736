// @vitest-environment jsdom
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
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
