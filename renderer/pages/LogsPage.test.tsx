// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../shared/types';
import { App } from '../App';
import { fakeBridge, gatewayStatus, settingsView } from '../test/fake-bridge';

afterEach(cleanup);

describe('Logs', () => {
  it('shows events in words, with seconds, and ids that open the fax', async () => {
    window.location.hash = '#/logs';
    const bridge = fakeBridge({
      'gateway:status': () => gatewayStatus(),
      'settings:get': () => settingsView(),
      'audit:tail': ({ event }) =>
        (
          [
            { ts: '2025-01-01T10:00:03Z', event: 'job_status', job_id: 'job-7', status: 'retry_wait', failure_class: 'no_answer' },
            { ts: '2025-01-01T10:00:01Z', event: 'inbound_received', inbound_id: 'in-3', backend: 'phaxio' },
          ] as AuditEntry[]
        ).filter((e) => !event || e.event === event),
    });
    render(<App bridge={bridge} />);
    const table = await screen.findByRole('table');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows[0]?.textContent).toContain('Fax status changed');
    expect(rows[0]?.textContent).toContain('retry wait');
    expect(rows[0]?.textContent).toContain(':00:03');
    expect(table.textContent).not.toMatch(/job_status|job_id|inbound_received|retry_wait/);
    expect(
      within(rows[0] as HTMLElement)
        .getByRole('link', { name: 'Open the fax' })
        .getAttribute('href'),
    ).toBe('#/jobs/job-7');
    expect(
      within(rows[1] as HTMLElement)
        .getByRole('link', { name: 'Open the fax' })
        .getAttribute('href'),
    ).toBe('#/inbox/in-3');

    fireEvent.change(screen.getByLabelText('Event'), { target: { value: 'inbound_received' } });
    await waitFor(() => expect(within(screen.getByRole('table')).getAllByRole('row')).toHaveLength(2));
    expect(bridge.calls.at(-1)?.input).toMatchObject({ event: 'inbound_received' });
    expect(within(screen.getByLabelText('Event')).getByRole('option', { name: 'Fax received' })).toBeTruthy();
  });
});
