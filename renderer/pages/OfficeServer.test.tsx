// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { RemoteStatus } from '../../shared/types';
import { App } from '../App';
import { fakeBridge, gatewayStatus, settingsView } from '../test/fake-bridge';

afterEach(cleanup);

const connected: RemoteStatus = {
  mode: 'remote',
  url: 'https://fax.example.com',
  serverName: 'fax.example.com',
  keyId: 'k1',
  keyName: 'Alice',
  state: 'connected',
  problem: null,
};

describe('the office server in the window', () => {
  it('the wizard asks where faxes go first, and shows the server’s refusal as a sentence', async () => {
    window.location.hash = '#/setup';
    const asked: unknown[] = [];
    const bridge = fakeBridge({
      'gateway:status': () => gatewayStatus({ setupCompleted: false }),
      'settings:get': () => settingsView(),
      'remote:connect': (input) => {
        asked.push(input);
        throw new Error('The office server did not accept this API key.');
      },
    });
    render(<App bridge={bridge} />);
    fireEvent.click(await screen.findByRole('radio', { name: /Connect to the office server/ }));
    expect(screen.queryByRole('radio', { name: /Phaxio/ })).toBeNull();
    fireEvent.change(screen.getByLabelText('Office server address'), { target: { value: 'https://fax.example.com' } });
    fireEvent.change(screen.getByLabelText('Your API key'), { target: { value: 'fbk_live_k1_wrong' } });
    fireEvent.click(screen.getByRole('button', { name: 'Check and connect' }));
    expect((await screen.findByTestId('office-error')).textContent).toBe('The office server did not accept this API key.');
    expect(asked).toEqual([{ url: 'https://fax.example.com', apiKey: 'fbk_live_k1_wrong' }]);
    fireEvent.click(screen.getByRole('radio', { name: /Use this computer/ }));
    expect(await screen.findByRole('radio', { name: /Phaxio/ })).toBeTruthy();
  });

  it('connected: the title, sidebar and Settings name the server, provider sections are gone, admin pages hidden', async () => {
    window.location.hash = '#/settings';
    const bridge = fakeBridge({
      'gateway:status': () => gatewayStatus(),
      'settings:get': () => settingsView(['phaxio.apiKey']),
      'remote:status': () => connected,
    });
    render(<App bridge={bridge} />);
    expect((await screen.findByTestId('office-server-name')).textContent).toBe('fax.example.com');
    expect(screen.getByText(/Managed by the office server/)).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Fax service' })).toBeNull();
    expect(screen.queryByText('Saved secrets')).toBeNull();
    expect(screen.getByTestId('office-server').textContent).toBe('Office server: fax.example.com');
    expect(document.title).toBe('Faxbot — fax.example.com');
    expect(screen.queryByRole('link', { name: 'API keys' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Use this computer instead' })).toBeTruthy();
  });

  it('a rejected key brings the window to the connect step with the reason', async () => {
    window.location.hash = '#/jobs';
    const bridge = fakeBridge({
      'gateway:status': () => gatewayStatus(),
      'settings:get': () => settingsView(),
      'remote:status': () => connected,
      'jobs:list': () => ({ items: [], nextCursor: null, total: 0 }),
    });
    render(<App bridge={bridge} />);
    await screen.findByTestId('office-server');
    bridge.emit('remote:changed', { ...connected, state: 'key_rejected', problem: 'The office server no longer accepts this key.' });
    expect((await screen.findByTestId('key-rejected')).textContent).toContain('no longer accepts this key');
    expect(window.location.hash).toBe('#/setup');
    expect(await screen.findByLabelText('Your API key')).toBeTruthy();
  });
});
