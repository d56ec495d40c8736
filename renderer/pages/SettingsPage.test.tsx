// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
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
