/** Where the gateway serves MCP (one copy: the gateway routes, the stdio bridge and the Settings page read these). */
export const MCP_HTTP_PATH = '/mcp/http';
export const MCP_SSE_PATH = '/mcp/sse';
export const MCP_SSE_MESSAGES_PATH = '/mcp/sse/messages';

/** What the assistant's key needs for every tool; fewer scopes simply turn some tools into refusals. */
export const MCP_SCOPES = ['fax:send', 'fax:read', 'inbound:list', 'inbound:read'] as const;

export const API_KEY_PLACEHOLDER = '<your API key>';

export interface McpClientConfigs {
  httpUrl: string;
  sseUrl: string;
  /** Claude Desktop / Cursor style: the assistant starts `faxbot-desktop mcp` (stdio). */
  stdio: string;
  /** Clients that speak Streamable HTTP directly. */
  http: string;
}

/** Ready-to-paste client configurations for a gateway at `gatewayUrl` (no trailing slash). */
export function mcpClientConfigs(gatewayUrl: string, command = 'faxbot-desktop'): McpClientConfigs {
  const base = gatewayUrl.replace(/\/+$/, '');
  const httpUrl = `${base}${MCP_HTTP_PATH}`;
  const stdio = {
    mcpServers: {
      faxbot: { command, args: ['mcp'], env: { FAX_API_URL: base, API_KEY: API_KEY_PLACEHOLDER } },
    },
  };
  const http = {
    mcpServers: { faxbot: { type: 'http', url: httpUrl, headers: { 'X-API-Key': API_KEY_PLACEHOLDER } } },
  };
  return {
    httpUrl,
    sseUrl: `${base}${MCP_SSE_PATH}`,
    stdio: JSON.stringify(stdio, null, 2),
    http: JSON.stringify(http, null, 2),
  };
}
