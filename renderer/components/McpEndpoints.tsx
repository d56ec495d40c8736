import { MCP_SCOPES, mcpClientConfigs } from '../../shared/mcp';
import type { GatewayStatus } from '../../shared/types';
import { href } from '../lib/route';
import { CopyButton } from './CopyButton';

/**
 * Settings → AI assistants (MCP): where the built-in MCP server answers and ready-made client
 * configurations. Its own component so the Settings page only gains one line.
 */
export function McpEndpoints({ status }: { status: GatewayStatus | undefined }) {
  if (!status?.url) return null;
  const local = mcpClientConfigs(status.url);
  const endpoints: { label: string; url: string }[] = [
    { label: 'Streamable HTTP', url: local.httpUrl },
    { label: 'SSE (older clients)', url: local.sseUrl },
  ];
  if (status.publicUrl) endpoints.push({ label: 'Streamable HTTP (public address)', url: mcpClientConfigs(status.publicUrl).httpUrl });
  return (
    <section className="card" aria-labelledby="mcp-heading">
      <h2 id="mcp-heading">AI assistants (MCP)</h2>
      <p>
        Assistants such as Claude Desktop or Cursor can send faxes and read received ones through the built-in MCP server. Give each
        assistant its own <a href={href('keys')}>API key</a> with the scopes it needs ({MCP_SCOPES.join(', ')}).
      </p>
      <ul className="mcp-endpoints">
        {endpoints.map((endpoint) => (
          <li key={endpoint.label}>
            <span>{endpoint.label}</span> <code className="mono">{endpoint.url}</code>{' '}
            <CopyButton text={endpoint.url} label={`Copy ${endpoint.label} address`} compact />
          </li>
        ))}
      </ul>
      <h3>Assistant on this computer (stdio)</h3>
      <p className="muted small">
        Paste into the assistant&apos;s MCP settings (for Claude Desktop: claude_desktop_config.json) and replace the key. From a source
        checkout, use <code>npm run mcp</code> instead of <code>faxbot-desktop mcp</code>.
      </p>
      <pre className="mono" data-testid="mcp-stdio-config">
        {local.stdio}
      </pre>
      <CopyButton text={local.stdio} label="Copy stdio configuration" />
      <h3>Assistant that connects over HTTP</h3>
      <pre className="mono" data-testid="mcp-http-config">
        {local.http}
      </pre>
      <CopyButton text={local.http} label="Copy HTTP configuration" />
      <p className="muted small">
        API reference: <a href={`${status.url}/docs`}>{status.url}/docs</a> (OpenAPI document at /openapi.json).
      </p>
    </section>
  );
}
