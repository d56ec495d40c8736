// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../App';
import { fakeBridge, gatewayStatus, settingsView } from '../test/fake-bridge';

afterEach(cleanup);

describe('Settings: AI assistants (MCP)', () => {
  it('shows the MCP endpoints with copy buttons and client configurations that point at this gateway', async () => {
    window.location.hash = '#/settings';
    const copied: string[] = [];
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: async (text: string) => void copied.push(text) },
      configurable: true,
    });
    const bridge = fakeBridge({
      'gateway:status': () => gatewayStatus({ url: 'http://127.0.0.1:8080', publicUrl: 'https://fax.example.org' }),
      'settings:get': () => settingsView(),
    });
    render(<App bridge={bridge} />);
    const card = (await screen.findByRole('heading', { name: 'AI assistants (MCP)' })).closest('section') as HTMLElement;
    expect(card.textContent).toContain('http://127.0.0.1:8080/mcp/http');
    expect(card.textContent).toContain('http://127.0.0.1:8080/mcp/sse');
    expect(card.textContent).toContain('https://fax.example.org/mcp/http');

    const stdio = JSON.parse(within(card).getByTestId('mcp-stdio-config').textContent ?? '');
    expect(stdio.mcpServers.faxbot).toEqual({
      command: 'faxbot-desktop',
      args: ['mcp'],
      env: { FAX_API_URL: 'http://127.0.0.1:8080', API_KEY: '<your API key>' },
    });
    const http = JSON.parse(within(card).getByTestId('mcp-http-config').textContent ?? '');
    expect(http.mcpServers.faxbot).toMatchObject({ type: 'http', url: 'http://127.0.0.1:8080/mcp/http' });

    fireEvent.click(within(card).getByRole('button', { name: 'Copy Streamable HTTP address' }));
    fireEvent.click(within(card).getByRole('button', { name: 'Copy stdio configuration' }));
    await screen.findByRole('button', { name: 'Copied' });
    expect(copied).toEqual(['http://127.0.0.1:8080/mcp/http', within(card).getByTestId('mcp-stdio-config').textContent]);
  });
});
