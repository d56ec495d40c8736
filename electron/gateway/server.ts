import fastifyMultipart from '@fastify/multipart';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { HTTP_STATUS_FOR, type RpcResult } from '../../shared/contract';
import { processOptions, type SecretStore, type SettingsStore } from './config';
import { createCore, type CoreOptions, type GatewayCore } from './core';
import { PROVIDER_MODULES, type RouteRegistrar } from './providers/catalog';
import { registerAdminRoutes } from './http/admin-routes';
import { registerContactsRoutes } from './http/contacts-routes';
import { registerFaxRoutes } from './http/fax-routes';
import { registerHealthRoutes } from './http/health-routes';
import { registerInboundRoutes } from './http/inbound-routes';
import { registerOpenApiRoutes } from './http/openapi-routes';
import { collectRoutes, type RegisteredRoute } from './http/openapi-collect';
import { registerPrintRoutes } from './http/print-routes';
import { clientErrorHandler, frameworkErrors, refuseRepeatedQuery } from './http/request-guards';
import { lazySchemaCompilers } from './http/schema-compilers';
import { registerStaticRoutes } from './http/static-routes';
import { registerUiRoutes, UiSessions } from './http/ui-routes';
import { createLogger, logFunction } from './logging';
import { registerMcpRoutes } from './mcp/routes';
import { invoke } from './rpc-handlers';
import { saveReportsToFolder } from './services/batch-send';
import { AppError } from './services/errors';
import type { EventBus } from './services/event-bus';
import { UI_CALLER } from './services/keys';
import { startIdleCheckpoints } from './store/db';

type Env = Record<string, string | undefined>;

export interface GatewayOptions extends Partial<Omit<CoreOptions, 'dataDir' | 'env' | 'settingsStore' | 'secretStore'>> {
  dataDir: string;
  port?: number;
  host?: string;
  env?: Env;
  settingsStore?: SettingsStore;
  secretStore?: SecretStore;
  /** Built renderer to serve at / (browser mode); omitted inside Electron, which uses app://. */
  rendererDir?: string | null;
  /** Provider webhook routes; defaults to every shipped provider's. */
  routes?: readonly RouteRegistrar[];
  /**
   * When the REST port is taken, listen on a free loopback port instead and report the busy one
   * (the desktop app: its window talks over IPC, so only scripts need the fixed port). Headless
   * fails instead, naming the port.
   */
  fallbackWhenPortBusy?: boolean;
  /** Start the outbox, poller and retention sweeper (tests may drive them by hand). */
  startWorkers?: boolean;
  /**
   * Remote mode: the window's calls and events go to this office server with this API key. Without
   * it, the server chosen in the setup wizard (saved in the data folder and keychain) is used, if any.
   */
  remote?: { url: string; apiKey: string };
}

export interface Gateway {
  url: string;
  port: number;
  core: GatewayCore;
  events: EventBus;
  /** The same dispatcher IPC and /rpc use: parses `input` with the contract schema. */
  invoke(method: string, input: unknown): Promise<RpcResult<unknown>>;
  /** A fresh one-time sign-in link for a browser. */
  uiLoginUrl(): string;
  /** Every registered HTTP route (HEAD excluded; what /openapi.json must describe), and in-process requests to them (property tests). */
  routes: readonly RegisteredRoute[];
  inject: FastifyInstance['inject'];
  close(): Promise<void>;
}

function mapError(error: FastifyError | AppError | Error): { status: number; detail: string; headers: Record<string, string> } {
  if (error instanceof AppError) return { status: HTTP_STATUS_FOR[error.code], detail: error.message, headers: error.headers };
  const code = (error as FastifyError).code ?? '';
  const status = (error as FastifyError).statusCode;
  if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return { status: 413, detail: 'Request body too large', headers: {} };
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' || code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return { status: 415, detail: 'Unsupported content type', headers: {} };
  if (code.startsWith('FST_') || (status !== undefined && status >= 400 && status < 500)) {
    return {
      status: status && status < 500 ? status : 400,
      detail: code.startsWith('FST_') ? 'Malformed request body' : error.message,
      headers: {},
    };
  }
  // busboy and friends throw plain errors on hostile multipart bodies: that is the client's fault.
  if (/multipart|boundary|Unexpected end of form|Malformed|part/i.test(error.message))
    return { status: 400, detail: 'Malformed multipart body', headers: {} };
  return { status: 500, detail: 'Internal Server Error', headers: {} };
}

/** Headless start with the REST port held by another program. */
export class PortBusyError extends Error {
  constructor(readonly port: number) {
    super(`Port ${port} is already in use by another program. Stop it, or start with PORT=<free port> (or --port <free port>).`);
    this.name = 'PortBusyError';
  }
}

async function closeQuietly(core: GatewayCore): Promise<void> {
  core.remote.close();
  core.tunnel.stop();
  await core.audit.close().catch(() => undefined);
  core.db.close();
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const env = options.env ?? process.env;
  const proc = processOptions(env, { port: options.port, host: options.host });
  mkdirSync(options.dataDir, { recursive: true });
  // Structured JSON lines (LOG_LEVEL), redacted and scrubbed by the logger itself; tests pass their own `log`.
  const logger = options.log ? null : createLogger({ level: env.LOG_LEVEL });
  const log = options.log ?? logFunction(logger as NonNullable<typeof logger>);
  const settingsStore = options.settingsStore ?? (await import('./settings-store')).createJsonSettingsStore(options.dataDir);
  const secretStore =
    options.secretStore ??
    (await (await import('./secrets/default')).createDefaultSecretStore(env, { dataDir: options.dataDir, warn: log }));
  const core = createCore({ ...options, env, settingsStore, secretStore, log });
  await core.providers.refresh();
  await core.remote.restore(options.remote);
  const orphans = await core.intake.sweepPartials();
  if (orphans > 0) log(`removed ${orphans} unfinished upload file(s) left by an earlier run`);
  core.settings.onChange(() => core.providers.refresh());

  const app = Fastify({
    logger: false,
    forceCloseConnections: true,
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    // A request id per HTTP request for the log lines it causes; never taken from the client.
    genReqId: () => randomBytes(6).toString('hex'),
    frameworkErrors,
    clientErrorHandler,
    schemaController: { compilersFactory: lazySchemaCompilers() },
  });
  await app.register(fastifyMultipart, { throwFileSizeLimit: true });
  app.addHook('onRequest', refuseRepeatedQuery);
  if (logger?.isLevelEnabled('debug')) {
    // One line per request at debug level: the route pattern only (never the query, which may hold a token).
    app.addHook('onResponse', async (request, reply) => {
      logger.debug(
        {
          reqId: request.id,
          method: request.method,
          route: request.routeOptions.url ?? null,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request',
      );
    });
  }
  const routes = collectRoutes(app);
  app.setErrorHandler((thrown, request, reply) => {
    const error = thrown instanceof Error ? thrown : new Error(String(thrown));
    // A full disk is nobody's bug: say so (503 + Retry-After), never Fastify's raw SQLITE_FULL body;
    // DiskHealth logs it once, not once per refused request.
    const storageFailure = core.disk.report(error);
    const { status, detail, headers } = mapError(storageFailure ? core.disk.error() : error);
    if (status >= 500 && !storageFailure)
      log(`${request.method} ${request.routeOptions.url ?? 'unknown route'} failed: ${error.message}`, {
        level: 'error',
        reqId: request.id,
        status,
      });
    else if (status !== 404) core.audit.record('api_error', { path: request.routeOptions.url ?? 'unknown', status });
    void reply.code(status).headers(headers).send({ detail });
  });
  app.setNotFoundHandler((_request, reply) => void reply.code(404).send({ detail: 'Not Found' }));

  const sessions = new UiSessions(core.store.uiSessions, core.now);
  registerHealthRoutes(app, core);
  registerFaxRoutes(app, core);
  registerInboundRoutes(app, core);
  registerPrintRoutes(app, core);
  registerContactsRoutes(app, core);
  registerAdminRoutes(app, core);
  registerUiRoutes(app, core, sessions);
  registerMcpRoutes(app, core, { allowPrivateFileUrls: proc.mcpAllowPrivateFileUrls });
  registerOpenApiRoutes(app, routes);
  for (const registrar of options.routes ?? PROVIDER_MODULES.flatMap((m) => (m.routes ? [m.routes] : []))) registrar(app, core);
  if (options.rendererDir) registerStaticRoutes(app, options.rendererDir);

  app.server.on('request', () => core.load.hit());
  try {
    await app.listen({ port: proc.port, host: proc.host });
  } catch (error) {
    if (!options.fallbackWhenPortBusy || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
      await closeQuietly(core);
      throw error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? new PortBusyError(proc.port) : error;
    }
    log(`port ${proc.port} is busy; the Faxbot REST API for scripts is off until it is free (set PORT to choose another)`);
    core.restPortBusy = proc.port;
    await app.listen({ port: 0, host: proc.host });
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : proc.port;
  const urlHost = proc.host === '0.0.0.0' || proc.host === '::' ? '127.0.0.1' : proc.host.includes(':') ? `[${proc.host}]` : proc.host;
  const url = `http://${urlHost}:${port}`;
  core.localUrl = url;
  const syncTunnel = () => core.tunnel.apply({ ...core.settings.current.tunnel, localPort: port, localHost: proc.host });
  syncTunnel();
  const stopSyncingTunnel = core.settings.onChange(syncTunnel);

  const stopSavingReports = saveReportsToFolder(core);
  try {
    core.printSpool?.start(url);
  } catch (error) {
    // The printer route is optional: a print folder we cannot use must not stop the gateway.
    log(`print folder unavailable, the Faxbot printer cannot deliver here: ${(error as Error).message}`);
  }
  let stopCheckpoints = () => {};
  if (options.startWorkers !== false) {
    stopCheckpoints = startIdleCheckpoints(
      core.db,
      () => core.load.busy(),
      (error) => {
        if (!core.disk.report(error)) log(`WAL checkpoint failed: ${(error as Error).message}`);
      },
    );
    core.hotFolder.start();
    core.outbox.start();
    core.retention.start();
    void core.retention.runOnce().catch((error) => log(`retention sweep failed: ${(error as Error).message}`));
  }

  let closed = false;
  return {
    url,
    port,
    core,
    events: core.remote.events,
    invoke: (method, input) => invoke(core, method, input, UI_CALLER),
    uiLoginUrl: () => `${url}/ui/login?code=${sessions.mintLoginCode()}`,
    routes,
    inject: app.inject.bind(app),
    async close() {
      if (closed) return;
      closed = true;
      core.remote.close();
      stopSyncingTunnel();
      stopSavingReports();
      core.tunnel.stop();
      core.retention.stop();
      core.disk.stop();
      stopCheckpoints();
      core.printSpool?.stop();
      await core.hotFolder.stop();
      await core.outbox.stop();
      core.providers.close();
      await app.close();
      await core.audit.close();
      core.db.close();
    },
  };
}
