import fastifyMultipart from '@fastify/multipart';
import Fastify, { type FastifyError } from 'fastify';
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
import { registerStaticRoutes } from './http/static-routes';
import { registerUiRoutes, UiSessions } from './http/ui-routes';
import { invoke } from './rpc-handlers';
import { saveReportsToFolder } from './services/batch-send';
import { AppError } from './services/errors';
import type { EventBus } from './services/event-bus';
import { UI_CALLER } from './services/keys';

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
  /** Start the outbox, poller and retention sweeper (tests may drive them by hand). */
  startWorkers?: boolean;
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

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const env = options.env ?? process.env;
  const proc = processOptions(env, { port: options.port, host: options.host });
  mkdirSync(options.dataDir, { recursive: true });
  const log = options.log ?? ((message: string) => console.log(`[gateway] ${message}`));
  const settingsStore = options.settingsStore ?? (await import('./settings-store')).createConfSettingsStore(options.dataDir);
  const secretStore =
    options.secretStore ??
    (await (await import('./secrets/default')).createDefaultSecretStore(env, { dataDir: options.dataDir, warn: log }));
  const core = createCore({ ...options, env, settingsStore, secretStore, log });
  await core.providers.refresh();
  core.settings.onChange(() => void core.providers.refresh());

  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 1024 * 1024, trustProxy: false });
  await app.register(fastifyMultipart, { throwFileSizeLimit: true });
  app.setErrorHandler((thrown, request, reply) => {
    const error = thrown instanceof Error ? thrown : new Error(String(thrown));
    const { status, detail, headers } = mapError(error);
    if (status >= 500) log(`${request.method} ${request.routeOptions.url ?? 'unknown route'} failed: ${error.message}`);
    else if (status !== 404) core.audit.record('api_error', { path: request.routeOptions.url ?? 'unknown', status });
    void reply.code(status).headers(headers).send({ detail });
  });
  app.setNotFoundHandler((_request, reply) => void reply.code(404).send({ detail: 'Not Found' }));

  const sessions = new UiSessions(core.now);
  registerHealthRoutes(app, core);
  registerFaxRoutes(app, core);
  registerInboundRoutes(app, core);
  registerContactsRoutes(app, core);
  registerAdminRoutes(app, core);
  registerUiRoutes(app, core, sessions);
  for (const registrar of options.routes ?? PROVIDER_MODULES.flatMap((m) => (m.routes ? [m.routes] : []))) registrar(app, core);
  if (options.rendererDir) registerStaticRoutes(app, options.rendererDir);

  app.server.on('request', () => core.load.hit());
  await app.listen({ port: proc.port, host: proc.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : proc.port;
  const urlHost = proc.host === '0.0.0.0' || proc.host === '::' ? '127.0.0.1' : proc.host.includes(':') ? `[${proc.host}]` : proc.host;
  const url = `http://${urlHost}:${port}`;
  core.localUrl = url;
  const syncTunnel = () => core.tunnel.apply({ ...core.settings.current.tunnel, localPort: port, localHost: proc.host });
  syncTunnel();
  const stopSyncingTunnel = core.settings.onChange(syncTunnel);

  const stopSavingReports = saveReportsToFolder(core);
  if (options.startWorkers !== false) {
    core.outbox.start();
    core.retention.start();
    void core.retention.runOnce().catch((error) => log(`retention sweep failed: ${(error as Error).message}`));
  }

  let closed = false;
  return {
    url,
    port,
    core,
    events: core.events,
    invoke: (method, input) => invoke(core, method, input, UI_CALLER),
    uiLoginUrl: () => `${url}/ui/login?code=${sessions.mintLoginCode()}`,
    async close() {
      if (closed) return;
      closed = true;
      stopSyncingTunnel();
      stopSavingReports();
      core.tunnel.stop();
      core.retention.stop();
      await core.outbox.stop();
      await app.close();
      await core.audit.close();
      core.db.close();
    },
  };
}
