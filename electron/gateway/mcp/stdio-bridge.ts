import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ErrorCode,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { version } from '../version';
import { MCP_HTTP_PATH } from './routes';

export interface StdioBridgeOptions {
  /** FAX_API_URL: the gateway, http://localhost:8080 by default (Faxbot's default). */
  apiUrl: string;
  /** API_KEY: sent as X-API-Key; scopes decide which tools work. */
  apiKey: string | null;
  /** Where relative filePath arguments resolve (the MCP client's working folder). */
  cwd?: string;
  /** The stdio transport by default; tests pass an in-memory one. */
  transport?: Transport;
}

/** A local file bigger than this is refused before it is read; the gateway applies the real size cap. */
const MAX_LOCAL_FILE_BYTES = 64 * 1024 * 1024;

function refuse(text: string): { refused: CallToolResult } {
  return { refused: { isError: true, content: [{ type: 'text', text }] } };
}

/**
 * filePath is the one argument only this side can honour (the file is on the user's computer):
 * it becomes fileContent before the call is forwarded. Everything else passes through unchanged.
 */
async function inlineLocalFile(
  args: Record<string, unknown>,
  cwd: string,
): Promise<{ args: Record<string, unknown> } | { refused: CallToolResult }> {
  if (typeof args.filePath !== 'string' || args.filePath === '') return { args };
  const { filePath, ...rest } = args as { filePath: string } & Record<string, unknown>;
  if (rest.fileContent !== undefined || rest.fileUrl !== undefined) return refuse('Give exactly one of fileContent, fileUrl or filePath');
  const path = resolve(cwd, filePath);
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) return refuse(`Not a file: ${path}`);
    size = info.size;
  } catch {
    return refuse(`File not found: ${path}`);
  }
  if (size > MAX_LOCAL_FILE_BYTES) return refuse(`The file is too large to fax (${Math.round(size / 1048576)} MB)`);
  const bytes = await readFile(path);
  return { args: { ...rest, fileContent: bytes.toString('base64'), fileName: rest.fileName ?? basename(path) } };
}

/**
 * `npm run mcp` / `faxbot-desktop mcp`: an MCP server on stdio that forwards to the gateway's own
 * MCP endpoint, so the tools and their rules exist once, in the gateway. The connection is made on
 * first use and remade after a failure, so an assistant started before the app still works.
 */
export async function runStdioBridge(options: StdioBridgeOptions): Promise<{ close(): Promise<void> }> {
  const endpoint = new URL(MCP_HTTP_PATH, options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`);
  const headers: Record<string, string> = options.apiKey ? { 'X-API-Key': options.apiKey } : {};
  let connecting: Promise<Client> | null = null;
  const gateway = (): Promise<Client> => {
    connecting ??= (async () => {
      const client = new Client({ name: 'faxbot-desktop-stdio', version });
      await client.connect(new StreamableHTTPClientTransport(endpoint, { requestInit: { headers } }));
      return client;
    })().catch((error: unknown) => {
      connecting = null;
      throw error;
    });
    return connecting;
  };
  const unreachable = (error: unknown) => {
    connecting = null;
    const status = (error as { code?: number }).code;
    if (status === 401)
      return new McpError(ErrorCode.InvalidRequest, 'The gateway refused the API key (set API_KEY to a Faxbot Desktop key)');
    if (status === 403) return new McpError(ErrorCode.InvalidRequest, 'The gateway refused the request (403)');
    return new McpError(ErrorCode.InternalError, `Cannot reach the Faxbot Desktop gateway at ${options.apiUrl}: is the app running?`);
  };

  const server = new Server({ name: 'Faxbot Desktop', version }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => {
    try {
      return await (await gateway()).listTools();
    } catch (error) {
      throw unreachable(error);
    }
  });
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const local = await inlineLocalFile(request.params.arguments ?? {}, options.cwd ?? process.cwd());
    if ('refused' in local) return local.refused;
    try {
      return (await (await gateway()).callTool({ name: request.params.name, arguments: local.args })) as CallToolResult;
    } catch (error) {
      if (error instanceof McpError && error.code !== ErrorCode.ConnectionClosed) throw error;
      throw unreachable(error);
    }
  });
  await server.connect(options.transport ?? new StdioServerTransport());
  return {
    async close() {
      await server.close();
      if (connecting) await (await connecting.catch(() => null))?.close();
    },
  };
}

/**
 * The `mcp` subcommand (CLI and packaged app): Faxbot's environment names, FAX_API_URL (default
 * http://localhost:8080) and API_KEY. stdout carries the protocol only, so the banner goes to
 * stderr; `onEnd` runs when the assistant closes stdin.
 */
export async function runMcpSubcommand(env: Record<string, string | undefined>, onEnd: () => void): Promise<void> {
  const apiUrl = env.FAX_API_URL || 'http://localhost:8080';
  const bridge = await runStdioBridge({ apiUrl, apiKey: env.API_KEY || null });
  process.stdin.on('end', () => void bridge.close().finally(onEnd));
  console.error(`Faxbot Desktop MCP server (stdio), forwarding to ${apiUrl}${MCP_HTTP_PATH}`);
}
