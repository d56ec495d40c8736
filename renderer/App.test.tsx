// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from './App';
import { fakeBridge, gatewayStatus } from './test/fake-bridge';

afterEach(cleanup);

function renderWith(status: ReturnType<typeof gatewayStatus>) {
  window.location.hash = '#/jobs';
  const bridge = fakeBridge({
    'gateway:status': () => status,
    'jobs:list': () => ({ items: [], nextCursor: null, total: 0 }),
  });
  render(<App bridge={bridge} />);
}

describe('the window says when callbacks are off', () => {
  it('shows the notice with a way to fix it when a real backend has no public URL', async () => {
    renderWith(gatewayStatus({ backend: 'phaxio', testMode: false, setupCompleted: true, publicUrl: null, callbacksEnabled: false }));
    const note = await screen.findByText(/Callbacks are off\./);
    expect(note.closest('p')?.textContent).toMatch(/checked by polling/);
    expect(screen.getByRole('link', { name: /Turn on the tunnel/ }).getAttribute('href')).toBe('#/setup');
  });

  it('stays quiet once callbacks work, and in test mode', async () => {
    renderWith(
      gatewayStatus({
        backend: 'phaxio',
        testMode: false,
        setupCompleted: true,
        publicUrl: 'https://gw.example.com',
        callbacksEnabled: true,
      }),
    );
    await screen.findByRole('navigation', { name: 'Main' });
    expect(screen.queryByText(/Callbacks are off\./)).toBeNull();
    cleanup();
    renderWith(gatewayStatus({ testMode: true, setupCompleted: true, callbacksEnabled: false }));
    await screen.findByText(/Test mode\./);
    expect(screen.queryByText(/Callbacks are off\./)).toBeNull();
  });
});

describe('the window says when the disk is full', () => {
  it('shows the gateway sentence as an alert, and nothing once space is back', async () => {
    const sentence = 'The disk is full: the data folder /data cannot save anything until space is freed. Faxbot Desktop resumes by itself.';
    renderWith(gatewayStatus({ setupCompleted: true, diskProblem: sentence }));
    const alert = await screen.findByText(/Disk full\./);
    expect(alert.closest('p')?.getAttribute('role')).toBe('alert');
    expect(alert.closest('p')?.textContent).toBe(`Disk full. ${sentence}`);
    cleanup();
    renderWith(gatewayStatus({ setupCompleted: true, diskProblem: null }));
    await screen.findByRole('navigation', { name: 'Main' });
    expect(screen.queryByText(/Disk full\./)).toBeNull();
  });
});
