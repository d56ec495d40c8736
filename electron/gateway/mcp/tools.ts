import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import type { MethodName, MethodOutput, MethodInput } from '../../../shared/contract';
import { statusesForFilter } from '../../../shared/status';
import type { InboundPage, InboundView, JobDetail, JobPage, JobView } from '../../../shared/types';
import type { GatewayCore } from '../core';
import { authorize } from '../http/auth';
import { faxJobOut } from '../http/fax-routes';
import { requireInboundEnabled } from '../http/inbound-routes';
import { invoke } from '../rpc-handlers';
import { AppError, badRequest } from '../services/errors';
import { faxbotInbound } from '../services/inbound';
import type { Caller } from '../services/keys';
import { version } from '../version';
import { fetchFileUrl } from './file-url';

export interface McpOptions {
  /** Owners who fax from their own LAN (a scanner's web page, an intranet) opt in with MCP_FILE_URL_ALLOW_PRIVATE. */
  allowPrivateFileUrls: boolean;
}
const FILE_URL_TIMEOUT_MS = 20_000;

export const FILE_PATH_REFUSED =
  'filePath only works with the stdio MCP server on your own computer (npm run mcp); over HTTP send fileContent (base64) or fileUrl';

type ToolResult = CallToolResult;

/** Same contract method, same handler, same sentences as /rpc and IPC; errors become AppErrors. */
async function call<M extends MethodName>(core: GatewayCore, caller: Caller, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const result = await invoke(core, method, input, caller);
  if (!result.ok) throw new AppError(result.error.code, result.error.message);
  return result.value as MethodOutput<M>;
}

function done(text: string, structured: Record<string, unknown>): ToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

/** Tool errors carry the API's plain sentence; anything unexpected is logged, never shown (no stack traces). */
function guarded<A>(core: GatewayCore, name: string, run: (args: A) => Promise<ToolResult>) {
  return async (args: A): Promise<ToolResult> => {
    try {
      return await run(args);
    } catch (error) {
      if (error instanceof AppError) return { isError: true, content: [{ type: 'text', text: error.message }] };
      core.log(`mcp ${name} failed: ${(error as Error).message}`);
      return { isError: true, content: [{ type: 'text', text: 'Something went wrong; see the gateway log.' }] };
    }
  };
}

function jobText(job: JobView, lead: string): string {
  const lines = [lead, `Job ID: ${job.id}`, `Status: ${job.faxbotStatus} (${job.status})`];
  if (job.pages !== null) lines.push(`Pages: ${job.pages}`);
  if (job.error) lines.push(`Error: ${job.error}`);
  lines.push(`Updated: ${job.updatedAt}`);
  return lines.join('\n');
}

function inboundText(fax: InboundView): string {
  return [
    `Inbound fax ${fax.id}`,
    `From: ${fax.from}`,
    `To: ${fax.to}`,
    `Pages: ${fax.pages ?? 'unknown'}`,
    `Received: ${fax.receivedAt}`,
  ].join('\n');
}

const jobId = z.string().min(1).max(64).describe('Job ID returned by send_fax');

/**
 * The MCP door: Faxbot's tool names and argument shapes, plus ours. Every tool authorises with the
 * REST scope and rate bucket of the route it mirrors, then calls the same service method.
 */
export function createMcpServer(core: GatewayCore, caller: Caller, options: McpOptions): McpServer {
  const server = new McpServer({ name: 'Faxbot Desktop', version }, { capabilities: { tools: {} } });
  const rest = (bucket: string) => ({ bucket, limit: core.settings.current.maxRequestsPerMinute });
  const inboundGet = (bucket: string) => ({ bucket, limit: core.settings.current.inboundGetRpm });

  server.registerTool(
    'send_fax',
    {
      description:
        'Send a fax. Give the recipient number and exactly one document: fileContent (base64 PDF, text or JPEG/PNG/TIFF image, with fileName), ' +
        'fileUrl (an http(s) link the gateway downloads) or filePath (stdio server only). PDF, TXT, JPEG, PNG and TIFF are accepted.',
      inputSchema: {
        to: z.string().min(1).max(64).describe('Fax number, E.164 preferred (e.g. +15551234567)'),
        filePath: z.string().max(4096).optional().describe('Path to a local PDF, TXT or image file (stdio server only)'),
        fileUrl: z.string().max(2048).optional().describe('http(s) URL of a PDF, TXT or image file'),
        fileContent: z.string().optional().describe('Base64 of the file bytes'),
        fileName: z.string().max(255).optional().describe('File name, e.g. letter.pdf'),
        fileType: z.enum(['pdf', 'txt']).optional().describe('pdf or txt; the type is read from the bytes either way'),
      },
    },
    guarded(core, 'send_fax', async (args) => {
      authorize(core.auth, caller, 'fax:send', rest('/fax'));
      const sources = [args.filePath, args.fileUrl, args.fileContent].filter((v) => v !== undefined && v !== '');
      if (sources.length !== 1) throw badRequest('Give exactly one of fileContent, fileUrl or filePath');
      if (args.filePath) throw badRequest(FILE_PATH_REFUSED);
      let contentBase64 = args.fileContent ?? '';
      let name = args.fileName ?? `document.${args.fileType ?? 'pdf'}`;
      if (args.fileUrl) {
        const fetched = await fetchFileUrl(args.fileUrl, {
          maxBytes: core.settings.current.maxFileSizeMb * 1024 * 1024,
          timeoutMs: FILE_URL_TIMEOUT_MS,
          allowPrivate: options.allowPrivateFileUrls,
        });
        contentBase64 = fetched.bytes.toString('base64');
        name = args.fileName ?? fetched.fileName;
      } else if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(contentBase64.replace(/\s+/g, ''))) {
        throw badRequest('fileContent must be base64');
      }
      const job = await call(core, caller, 'jobs:send', { to: args.to, documents: [{ name, contentBase64 }] });
      return done(jobText(job, 'Fax queued.'), faxJobOut(job));
    }),
  );

  server.registerTool(
    'get_fax_status',
    { description: 'Status of a sent fax job (Faxbot status plus our detailed state and timeline)', inputSchema: { jobId } },
    guarded(core, 'get_fax_status', async ({ jobId: id }) => {
      authorize(core.auth, caller, 'fax:read', rest('/fax/{id}'));
      const detail: JobDetail = await call(core, caller, 'jobs:get', { id });
      return done(jobText(detail.job, 'Fax job'), {
        ...faxJobOut(detail.job),
        events: detail.events.map((e) => ({ at: e.at, kind: e.kind, status: e.status, message: e.message })),
      });
    }),
  );

  server.registerTool(
    'get_fax',
    {
      description: 'A sent fax job or a received fax by id',
      inputSchema: {
        id: z.string().min(1).max(64).describe('Outbound job id or inbound fax id'),
        type: z.enum(['outbound', 'inbound']).optional().describe('Which kind of fax; both are tried when omitted'),
      },
    },
    guarded(core, 'get_fax', async ({ id, type }) => {
      if (type !== 'inbound') {
        try {
          authorize(core.auth, caller, 'fax:read', rest('/fax/{id}'));
          const job = await call(core, caller, 'jobs:get', { id });
          return done(jobText(job.job, 'Sent fax'), { kind: 'outbound', ...faxJobOut(job.job) });
        } catch (error) {
          if (type === 'outbound' || !(error instanceof AppError) || !['not_found', 'forbidden'].includes(error.code)) throw error;
        }
      }
      authorize(core.auth, caller, 'inbound:read', inboundGet('/inbound/{id}'));
      requireInboundEnabled(core);
      const fax = await call(core, caller, 'inbound:get', { id });
      return done(inboundText(fax), { kind: 'inbound', ...faxbotInbound(fax) });
    }),
  );

  server.registerTool(
    'list_inbound',
    {
      description: 'Received faxes, newest first (metadata only)',
      inputSchema: {
        limit: z.number().int().min(1).max(100).optional().describe('How many (1-100, default 20)'),
        cursor: z.string().max(200).optional().describe('next_cursor from the previous page'),
      },
    },
    guarded(core, 'list_inbound', async ({ limit, cursor }) => {
      authorize(core.auth, caller, 'inbound:list', { bucket: '/inbound', limit: core.settings.current.inboundListRpm });
      requireInboundEnabled(core);
      const page: InboundPage = await call(core, caller, 'inbound:list', { limit: limit ?? 20, cursor, includeArchived: true });
      const items = page.items.map(faxbotInbound);
      const lines = page.items.map(
        (f) => `${f.id}  ${f.receivedAt}  from ${f.from}  ${f.pages ?? '?'} page(s)${f.read ? '' : '  (unread)'}`,
      );
      return done([`${items.length} received fax(es)${page.nextCursor ? ' (more available)' : ''}`, ...lines].join('\n'), {
        items,
        next_cursor: page.nextCursor,
      });
    }),
  );

  server.registerTool(
    'get_inbound_pdf',
    {
      description: 'A received fax PDF: a short-lived download link, or the PDF itself when asBase64 is true',
      inputSchema: {
        inboundId: z.string().min(1).max(64).describe('Inbound fax id'),
        asBase64: z.boolean().optional().describe('Return the PDF embedded (base64) instead of a link'),
      },
    },
    guarded(core, 'get_inbound_pdf', async ({ inboundId, asBase64 }) => {
      authorize(core.auth, caller, 'inbound:read', inboundGet('/inbound/{id}/pdf'));
      requireInboundEnabled(core);
      const uri = `faxbot://inbound/${inboundId}/pdf`;
      if (asBase64) {
        const bytes = Buffer.from(await core.inbound.document(inboundId));
        return {
          content: [
            { type: 'text', text: `Inbound fax ${inboundId}: PDF, ${bytes.length} bytes` },
            { type: 'resource', resource: { uri, mimeType: 'application/pdf', blob: bytes.toString('base64') } },
          ],
          structuredContent: { id: inboundId, mime_type: 'application/pdf', size_bytes: bytes.length },
        };
      }
      const link = await call(core, caller, 'inbound:documentLink', { id: inboundId });
      return {
        content: [
          { type: 'text', text: `Download link for inbound fax ${inboundId} (valid until ${link.expiresAt}):\n${link.url}` },
          { type: 'resource_link', uri: link.url, name: `inbound_${inboundId}.pdf`, mimeType: 'application/pdf' },
        ],
        structuredContent: { id: inboundId, url: link.url, expires_at: link.expiresAt },
      };
    }),
  );

  server.registerTool(
    'list_faxes',
    {
      description: 'Sent fax jobs, newest first, with optional filters',
      inputSchema: {
        status: z
          .string()
          .max(32)
          .optional()
          .describe('queued, in_progress, SUCCESS, FAILED, or one of our states (sending, delivered, ...)'),
        search: z.string().max(64).optional().describe('Part of a number or file name'),
        limit: z.number().int().min(1).max(200).optional().describe('How many (1-200, default 20)'),
        cursor: z.string().max(200).optional().describe('next_cursor from the previous page'),
      },
    },
    guarded(core, 'list_faxes', async ({ status, search, limit, cursor }) => {
      authorize(core.auth, caller, 'fax:read', rest('/fax/{id}'));
      const statuses = status ? statusesForFilter(status) : undefined;
      if (statuses === null) throw badRequest(`Unknown status filter "${status}"`);
      const page: JobPage = await call(core, caller, 'jobs:list', { limit: limit ?? 20, cursor, status: statuses, search });
      const lines = page.items.map((j) => `${j.id}  ${j.createdAt}  ${j.faxbotStatus} (${j.status})  ${j.fileName ?? ''}`.trimEnd());
      return done([`${page.items.length} of ${page.total} fax job(s)`, ...lines].join('\n'), {
        total: page.total,
        next_cursor: page.nextCursor,
        jobs: page.items.map(faxJobOut),
      });
    }),
  );

  server.registerTool(
    'cancel_fax',
    { description: 'Cancel a fax that has not been handed to the provider yet', inputSchema: { jobId } },
    guarded(core, 'cancel_fax', async ({ jobId: id }) => {
      authorize(core.auth, caller, 'fax:send', rest('/fax'));
      const job = await call(core, caller, 'jobs:cancel', { id });
      return done(jobText(job, 'Fax canceled.'), faxJobOut(job));
    }),
  );

  server.registerTool(
    'resend_fax',
    {
      description: 'Send the document of an earlier job again, as a new job (optionally to another number)',
      inputSchema: { jobId, to: z.string().min(1).max(64).optional().describe('Another fax number; the original one when omitted') },
    },
    guarded(core, 'resend_fax', async ({ jobId: id, to }) => {
      authorize(core.auth, caller, 'fax:send', rest('/fax'));
      const job = await call(core, caller, 'jobs:resend', { id, to });
      return done(jobText(job, `Fax queued again as a new job (from ${id}).`), faxJobOut(job));
    }),
  );

  return server;
}
