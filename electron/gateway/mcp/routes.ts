import type { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MCP_HTTP_PATH, MCP_SSE_MESSAGES_PATH, MCP_SSE_PATH } from '../../../shared/mcp';
import type { GatewayCore } from '../core';
import { authenticate } from '../http/auth';
import { isAllowedOrigin } from '../security/origin';
import { AppError } from '../services/errors';
import type { Caller } from '../services/keys';
import type { McpOptions } from './tools';

export { MCP_HTTP_PATH, MCP_SSE_MESSAGES_PATH, MCP_SSE_PATH };
/** Old-style SSE clients hold a stream each; a bound keeps a misbehaving client from exhausting the gateway. */
const MAX_SSE_SESSIONS = 32;
/** Base64 documents travel inside the JSON body: room for the largest allowed file plus JSON overhead. */
const MCP_BODY_LIMIT = 64 * 1024 * 1024;
/** The MCP SDK (about 20 MB and 250 ms) loads with the first MCP request, not at gateway start. */
const loadMcpServer = async () => (await import('./tools')).createMcpServer;

/**
 * Who is calling, decided from the headers before the body is read (so an unauthenticated client
 * never gets a 64 MB body parsed), with the browser rule of every door: no cross-site callers.
 */
async function mcpCaller(core: GatewayCore, request: FastifyRequest): Promise<Caller> {
  if (!isAllowedOrigin(request.headers.origin, request.headers.host))
    throw new AppError('forbidden', 'Cross-site requests are not allowed');
  return authenticate(core.auth, request);
}

export function registerMcpRoutes(app: FastifyInstance, core: GatewayCore, options: McpOptions): void {
  const callers = new WeakMap<FastifyRequest, Caller>();
  const onRequest = async (request: FastifyRequest) => {
    callers.set(request, await mcpCaller(core, request));
  };
  const callerOf = (request: FastifyRequest) => callers.get(request) as Caller;

  /** Streamable HTTP, stateless: every POST is authenticated and served by a fresh server bound to its caller. */
  app.post(MCP_HTTP_PATH, { onRequest, bodyLimit: MCP_BODY_LIMIT }, async (request, reply) => {
    const [createMcpServer, { StreamableHTTPServerTransport }] = await Promise.all([
      loadMcpServer(),
      import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
    ]);
    const server = createMcpServer(core, callerOf(request), options);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.hijack();
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(request.raw, reply.raw, request.body);
  });
  for (const method of ['GET', 'DELETE'] as const) {
    app.route({
      method,
      url: MCP_HTTP_PATH,
      onRequest,
      handler: async (_request, reply) =>
        reply.code(405).header('allow', 'POST').send({ detail: 'This MCP endpoint is stateless: send JSON-RPC with POST' }),
    });
  }

  /** Legacy HTTP+SSE transport: a GET opens the stream, POSTs to the messages path carry the client's requests. */
  const sessions = new Map<string, { transport: SSEServerTransport; caller: Caller }>();
  app.get(MCP_SSE_PATH, { onRequest }, async (request, reply) => {
    if (sessions.size >= MAX_SSE_SESSIONS) throw new AppError('unavailable', 'Too many open MCP SSE sessions; close one and retry');
    const caller = callerOf(request);
    const [createMcpServer, { SSEServerTransport }] = await Promise.all([
      loadMcpServer(),
      import('@modelcontextprotocol/sdk/server/sse.js'),
    ]);
    reply.hijack();
    const transport = new SSEServerTransport(MCP_SSE_MESSAGES_PATH, reply.raw);
    const server = createMcpServer(core, caller, options);
    sessions.set(transport.sessionId, { transport, caller });
    transport.onclose = () => sessions.delete(transport.sessionId);
    reply.raw.on('close', () => {
      sessions.delete(transport.sessionId);
      void server.close();
    });
    await server.connect(transport);
  });

  app.post<{ Querystring: { sessionId?: string } }>(
    MCP_SSE_MESSAGES_PATH,
    { onRequest, bodyLimit: MCP_BODY_LIMIT },
    async (request, reply) => {
      const session = sessions.get(String(request.query.sessionId ?? ''));
      if (!session) throw new AppError('not_found', 'Unknown or closed MCP session');
      // The stream belongs to the key that opened it; another key may not speak into it.
      if (session.caller.keyId !== callerOf(request).keyId) throw new AppError('forbidden', 'This MCP session belongs to another API key');
      reply.hijack();
      await session.transport.handlePostMessage(request.raw, reply.raw, request.body);
    },
  );

  app.addHook('onClose', async () => {
    for (const { transport } of sessions.values()) await transport.close();
    sessions.clear();
  });
}
