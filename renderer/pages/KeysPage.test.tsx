// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiKeyView } from '../../shared/types';
import { App } from '../App';
import { fakeBridge, gatewayStatus, settingsView } from '../test/fake-bridge';

afterEach(cleanup);

function key(over: Partial<ApiKeyView>): ApiKeyView {
  return {
    keyId: 'k1',
    name: 'EHR',
    owner: null,
    scopes: ['fax:send'],
    note: null,
    createdAt: '2025-01-01T00:00:00Z',
    lastUsedAt: null,
    expiresAt: null,
    revokedAt: null,
    ...over,
  };
}

describe('API keys', () => {
  it('creates a key with scopes, shows the token once, and revokes after confirming', async () => {
    window.location.hash = '#/keys';
    let keys: ApiKeyView[] = [];
    const bridge = fakeBridge({
      'gateway:status': () => gatewayStatus(),
      'settings:get': () => settingsView(),
      'keys:list': () => keys,
      'keys:create': (input) => {
        const created = key({ keyId: 'k2', name: input.name ?? null, scopes: input.scopes });
        keys = [created];
        return { key: created, token: 'fbk_live_k2_supersecret' };
      },
      'keys:revoke': ({ keyId }) => {
        keys = keys.map((k) => (k.keyId === keyId ? { ...k, revokedAt: '2025-01-02T00:00:00Z' } : k));
        return keys[0] as ApiKeyView;
      },
    });
    render(<App bridge={bridge} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Create key' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Scanner' } });
    fireEvent.click(screen.getByRole('checkbox', { name: /inbound:list/ }));
    fireEvent.click(within(screen.getByRole('form', { name: 'New API key' })).getByRole('button', { name: 'Create key' }));

    const token = (await screen.findByTestId('new-token')) as HTMLInputElement;
    expect(token.value).toBe('fbk_live_k2_supersecret');
    expect(bridge.calls.find((c) => c.method === 'keys:create')?.input).toMatchObject({
      name: 'Scanner',
      scopes: ['fax:send', 'fax:read', 'inbound:list'],
    });
    fireEvent.click(screen.getByRole('button', { name: 'Done, I saved it' }));
    expect(screen.queryByTestId('new-token')).toBeNull();
    expect(document.body.textContent).not.toContain('supersecret');

    fireEvent.click(await screen.findByRole('button', { name: 'Revoke Scanner' }));
    fireEvent.click(screen.getByRole('button', { name: 'Revoke' }));
    expect(await screen.findByRole('heading', { name: 'Revoked keys' })).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Revoke Scanner' })).toBeNull());
  });
});
