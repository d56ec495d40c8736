// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SettingsView } from '../../shared/types';
import { App } from '../App';
import { fakeBridge, gatewayStatus, settingsView } from '../test/fake-bridge';

afterEach(cleanup);

describe('Settings', () => {
  it('says which port is busy and how to change it when another program holds the REST port', async () => {
    window.location.hash = '#/settings';
    const bridge = fakeBridge({
      'gateway:status': () => ({ ...gatewayStatus(), restPortBusy: 8080 }),
      'settings:get': () => settingsView(),
    });
    render(<App bridge={bridge} />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Port 8080 is in use by another program');
    expect(alert.textContent).toContain('PORT');
  });

  it('shows no port warning when the REST port is free', async () => {
    window.location.hash = '#/settings';
    const bridge = fakeBridge({ 'gateway:status': () => gatewayStatus(), 'settings:get': () => settingsView() });
    render(<App bridge={bridge} />);
    await screen.findByRole('heading', { name: 'Settings' });
    expect(screen.queryByText(/is in use by another program/)).toBeNull();
  });
});

function renderSettings(view: SettingsView) {
  window.location.hash = '#/settings';
  const bridge = fakeBridge({
    'gateway:status': () => gatewayStatus(),
    'settings:get': () => view,
    'settings:update': ({ patch }) => ({ ...view, settings: { ...view.settings, ...(patch as object) } }),
  });
  render(<App bridge={bridge} />);
  return bridge;
}

describe('Settings in plain words', () => {
  it('lists saved secrets by name and names the store they are really in', async () => {
    const view = { ...settingsView(['phaxio.apiKey', 'phaxio.callbackToken']), secretStoreKind: 'encrypted-file' };
    view.secrets['signalwire.apiToken'] = { configured: true, source: 'env' };
    renderSettings(view);
    const list = (await screen.findByRole('heading', { name: 'Saved secrets' })).parentElement as HTMLElement;
    expect(within(list).getByText(/encrypted file in the data folder, because no OS keychain was found/)).toBeTruthy();
    const items = within(list)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(items).toEqual([
      expect.stringMatching(/^Phaxio: API keyencrypted fileRemove$/),
      expect.stringMatching(/^Phaxio: Webhook tokenencrypted fileRemove$/),
      expect.stringMatching(/^SignalWire: API tokenenvironment variable$/),
    ]);
    expect(list.textContent).not.toMatch(/phaxio\.apiKey|keychain\b(?! was)/);
    expect(within(list).getByRole('button', { name: 'Remove Phaxio: API key' })).toBeTruthy();
  });

  it('the default country is picked from a list of countries by name', async () => {
    const bridge = renderSettings(settingsView());
    const select = (await screen.findByLabelText('Default country for numbers without +')) as HTMLSelectElement;
    expect(select.tagName).toBe('SELECT');
    const labels = Array.from(select.options).map((o) => o.textContent);
    expect(labels).toContain('United Kingdom (GB)');
    expect(labels).not.toContain('UK');
    fireEvent.change(select, { target: { value: 'GB' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() =>
      expect(bridge.calls.find((c) => c.method === 'settings:update')?.input).toEqual({ patch: { defaultRegion: 'GB' } }),
    );
  });
});
