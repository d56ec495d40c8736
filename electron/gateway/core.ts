import { randomBytes, randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Settings } from '../../shared/settings';
import type { GatewayStatus } from '../../shared/types';
import { processOptions, type SecretStore, type SettingsStore } from './config';
import { Outbox } from './dispatch/outbox';
import { createLogger, logFunction, type LogFn } from './logging';
import { publicBaseUrl } from './public-url';
import { PROVIDER_MODULES } from './providers/catalog';
import { ProviderRegistry, type ProviderFactory } from './providers/registry';
import { MediaTokens } from './security/media-tokens';
import { RateLimiter } from './security/rate-limit';
import { AuditLog } from './services/audit';
import { DiskHealth } from './services/disk-health';
import { ContactsService } from './services/contacts';
import { CoverTemplatesService } from './services/cover-templates';
import { EventBus } from './services/event-bus';
import { InboundService } from './services/inbound';
import { IntakeService } from './services/intake';
import { JobsService } from './services/jobs';
import { KeysService } from './services/keys';
import { PrintJobsService } from './services/print-jobs';
import { sourceTreeDesktop, type DesktopRouteContext } from './print/desktop-routes';
import { HotFolder } from './print/hot-folder';
import { PrintSpool } from './print/spool';
import { RemoteLink } from './remote/remote-link';
import { RetentionSweeper } from './services/retention';
import { SettingsService } from './services/settings';
import { LocalArtifactStore, StoredDocuments, type ArtifactStore, type StoreSet } from './storage/artifact-store';
import { s3StoreFromSettings } from './storage/s3-store';
import { openDatabase, type Db } from './store/db';
import { sqliteStore } from './store/sqlite';
import type { Store } from './store/types';
import type { AuthDeps } from './http/auth';
import { TunnelManager, type TunnelDeps } from './tunnel/manager';
import { probeHealth } from './tunnel/probe';
import { version } from './version';

type Env = Record<string, string | undefined>;

export interface CoreOptions {
  dataDir: string;
  /** The folder holding documents when STORAGE_BACKEND=local (jobs/, files/inbound/); default dataDir. May be shared by several gateways. */
  documentsDir?: string;
  env: Env;
  settingsStore: SettingsStore;
  secretStore: SecretStore;
  now?: () => number;
  newId?: () => string;
  /** Identifies this process's leases; a new value per start so a crashed process's leases are stale. */
  workerOwner?: string;
  providerFactories?: Partial<Record<Settings['backend'], ProviderFactory>>;
  /** Tests inject the localtunnel connect function, the probe and the clock. */
  tunnel?: Partial<Omit<TunnelDeps, 'onChange' | 'log'>>;
  log?: LogFn;
  /** better-sqlite3's addon for this runtime (see electron/main/native-binding.ts); omitted in plain Node. */
  sqliteBinding?: string;
  outbox?: { tickMs?: number; leaseMs?: number; batchSize?: number; reconcileGiveUpMs?: number };
  /** Tests inject the free-space probe (a full disk is simulated at the file and database boundary). */
  disk?: { probe?: () => Promise<void>; probeIntervalMs?: number };
  /** The per-user print folder the CUPS backend delivers into (print/spool.ts); null: no printer route. */
  printDir?: string | null;
  /** Electron passes its names and executable, for the Send To / PDF Services routes (print/desktop-routes.ts). */
  desktop?: { productName: string; appExecutable: string | null; printIntakeDir: string };
}

/** Everything a door (HTTP, IPC, /rpc) needs, built once; services take their dependencies as arguments. */
export interface GatewayCore {
  db: Db;
  /** Every repository (all SQL goes through it). */
  store: Store;
  dataDir: string;
  now: () => number;
  newId: () => string;
  events: EventBus;
  audit: AuditLog;
  /** Full or failing disk under the data folder: every door reports storage errors here and reads it. */
  disk: DiskHealth;
  settings: SettingsService;
  tokens: MediaTokens;
  keys: KeysService;
  jobs: JobsService;
  intake: IntakeService;
  printJobs: PrintJobsService;
  printSpool: PrintSpool | null;
  desktopRoutes: DesktopRouteContext;
  hotFolder: HotFolder;
  inbound: InboundService;
  /** Outbound jobs' documents (uploads, fax PDFs), in the local folder or S3: every reader goes through this. */
  outboundDocuments: StoredDocuments;
  contacts: ContactsService;
  /** Cover page templates: built in, and PDFs an admin imported. */
  covers: CoverTemplatesService;
  providers: ProviderRegistry;
  outbox: Outbox;
  retention: RetentionSweeper;
  auth: AuthDeps;
  bootstrapApiKey: string | null;
  /** The gateway's own base URL once listening (set by the server). */
  localUrl: string;
  /** The REST port another program held at start (the gateway then took a free port); null otherwise. */
  restPortBusy: number | null;
  tunnel: TunnelManager;
  /** Counts HTTP requests so background work can yield to intake under load. */
  load: RequestLoad;
  /** The window's link to an office server (remote mode); its `events` are what windows see. */
  remote: RemoteLink;
  publicUrl(): string | null;
  status(): Promise<GatewayStatus>;
  log: LogFn;
}

/** Requests seen in the current and previous 250 ms window: cheap, no timers. */
export class RequestLoad {
  private window = 0;
  private current = 0;
  private previous = 0;

  constructor(
    private readonly now: () => number,
    private readonly busyAbovePerSecond = 200,
  ) {}

  hit(): void {
    this.roll();
    this.current += 1;
  }

  busy(): boolean {
    this.roll();
    return (this.current + this.previous) * 2 > this.busyAbovePerSecond;
  }

  private roll(): void {
    const window = Math.floor(this.now() / 250);
    if (window === this.window) return;
    this.previous = window === this.window + 1 ? this.current : 0;
    this.current = 0;
    this.window = window;
  }
}

export function createCore(options: CoreOptions): GatewayCore {
  const now = options.now ?? Date.now;
  const newId = options.newId ?? (() => randomUUID().replace(/-/g, ''));
  const log = options.log ?? logFunction(createLogger({ level: options.env.LOG_LEVEL }));
  const { bootstrapApiKey } = processOptions(options.env);
  const db = openDatabase(join(options.dataDir, 'gateway.db'), undefined, { nativeBinding: options.sqliteBinding });
  const store = sqliteStore(db);
  const events = new EventBus();
  let settingsRef: SettingsService | null = null;
  const emitStatus = () =>
    void core.status().then(
      (status) => events.emit('gateway:status', status),
      (error: unknown) => log(`status failed: ${(error as Error).message}`),
    );
  const disk = new DiskHealth({
    dataDir: options.dataDir,
    now,
    log,
    onChange: () => emitStatus(),
    ...options.disk,
  });
  const audit = new AuditLog(store.audit, {
    now,
    target: () => {
      const current = settingsRef?.current.audit ?? { enabled: true, file: '', format: 'json' as const };
      return { ...current, file: current.file || join(options.dataDir, 'audit.jsonl') };
    },
    onStorageError: (error) => disk.report(error),
  });
  const settings = new SettingsService(options.settingsStore, options.env, options.secretStore, events, audit, now);
  settingsRef = settings;
  const tokens = new MediaTokens(store.mediaTokens, now);
  const keys = new KeysService(store.keys, now, audit, events, () => bootstrapApiKey);
  const tunnel = new TunnelManager({
    // localtunnel (and its HTTP stack) loads only when a tunnel is turned on.
    connect: async (options) => (await import('./tunnel/localtunnel-connect')).connectLocaltunnel(options),
    probe: probeHealth,
    ...options.tunnel,
    log,
    onChange: () => emitStatus(),
  });
  const core = {} as GatewayCore;
  const publicUrl = () => publicBaseUrl(settings.current, core.tunnel.url());
  /** Document links point at the public URL when there is one, else at this gateway. */
  const linkBase = () => publicUrl() ?? core.localUrl;
  const documentsDir = options.documentsDir ?? options.dataDir;
  const storesFor = (localRoot: string, s3Prefix: () => string): StoreSet => {
    const local = new LocalArtifactStore(localRoot);
    const of = (kind: ArtifactStore['kind']): ArtifactStore =>
      kind === 's3'
        ? s3StoreFromSettings(settings.current, () => settings.secret('storage.s3SecretAccessKey'), {
            kmsKeyId: options.env.S3_KMS_KEY_ID || null,
            prefix: s3Prefix(),
          })
        : local;
    return { current: () => of(settings.current.storage.backend), of };
  };
  // Inbound objects keep Faxbot's S3_PREFIX; outbound ones sit beside them under S3_OUTBOUND_PREFIX.
  const inboundDocuments = new StoredDocuments(storesFor(join(documentsDir, 'files', 'inbound'), () => settings.current.storage.s3Prefix));
  const outboundDocuments = new StoredDocuments(storesFor(join(documentsDir, 'jobs'), () => options.env.S3_OUTBOUND_PREFIX || 'outbound/'));
  const jobs = new JobsService(store, now, events, audit, settings, tokens, linkBase, outboundDocuments);
  const inbound = new InboundService(db, now, newId, inboundDocuments, tokens, settings, events, audit, linkBase);
  const providers = new ProviderRegistry(
    { db, now, settings: () => settings.current, secret: (name) => settings.secret(name), log, dataDir: options.dataDir },
    options.providerFactories ?? Object.fromEntries(PROVIDER_MODULES.map((m) => [m.backend, m.factory])),
  );
  /** Test mode is whatever the backend's provider says; the simulator is test mode even before it is built. */
  const isTestMode = (backend: Settings['backend']) => providers.forBackend(backend)?.traits.testMode ?? backend === 'simulator';
  const load = new RequestLoad(now);
  const outbox = new Outbox({
    store: store.jobs,
    busy: () => load.busy(),
    jobs,
    now,
    providerFor: (backend) => providers.forBackend(backend),
    prepare: (job) => intake.prepare(job),
    document: (ref) => outboundDocuments.handle(ref),
    urlsFor: async (job, provider) => {
      const base = publicUrl();
      if (!base) return { mediaUrl: null, callbackUrl: null };
      return {
        mediaUrl: provider.traits.needsPublicMediaUrl || provider.traits.wantsMediaUrl ? (await jobs.mintMediaLink(job.id)).url : null,
        callbackUrl: provider.traits.callbackPath ? `${base}${provider.traits.callbackPath}?job_id=${job.id}` : null,
      };
    },
    owner: options.workerOwner ?? `${process.pid}-${randomBytes(4).toString('hex')}`,
    providerTimeoutMs: () => settings.current.providerTimeoutSeconds * 1000,
    log,
    onStorageError: (error) => disk.report(error),
    paused: () => disk.problem() !== null,
    ...options.outbox,
  });
  const intake = new IntakeService({
    stagingDir: join(documentsDir, 'jobs'),
    documentStore: outboundDocuments,
    newId,
    now,
    settings,
    jobs,
    activeBackend: () => {
      const backend = settings.current.backend;
      return { backend, testMode: isTestMode(backend) };
    },
    onAccepted: () => outbox.nudge(),
  });
  const contacts = new ContactsService({ db, now, newId, audit, normalize: (number) => intake.normalize(number) });
  const covers = new CoverTemplatesService({ db, now, audit, toPdf: (doc) => intake.toPdf(doc) });
  const printJobs = new PrintJobsService({
    db,
    dataDir: options.dataDir,
    now,
    newId,
    intake,
    settings,
    events,
    audit,
    faxNumbersNamed: (name) => contacts.faxNumbersNamed(name),
    log,
  });
  const printSpool = options.printDir ? new PrintSpool(options.printDir, printJobs, log) : null;
  const hotFolder = new HotFolder({
    folder: () => settings.current.print.hotFolder,
    maxBytes: () => settings.current.maxFileSizeMb * 1024 * 1024,
    printJobs,
    job: (id) => jobs.get(id),
    now,
    log,
  });
  const desktopRoutes: DesktopRouteContext = {
    platform: process.platform,
    env: options.env,
    home: homedir(),
    appExecutable: null,
    ...(options.desktop ?? sourceTreeDesktop()),
    printDir: options.printDir ?? null,
  };
  const retention = new RetentionSweeper({ now, jobs, inbound, tokens, settings, audit, log });
  Object.assign(core, {
    db,
    store,
    dataDir: options.dataDir,
    now,
    newId,
    events,
    audit,
    disk,
    settings,
    tokens,
    keys,
    jobs,
    intake,
    printJobs,
    printSpool,
    desktopRoutes,
    hotFolder,
    inbound,
    outboundDocuments,
    contacts,
    covers,
    providers,
    outbox,
    retention,
    bootstrapApiKey,
    load,
    localUrl: '',
    restPortBusy: null,
    log,
    auth: {
      keys,
      audit,
      limiter: new RateLimiter(now),
      authRequired: () => settings.current.requireApiKey || bootstrapApiKey !== null,
    },
    tunnel,
    publicUrl,
    remote: new RemoteLink({ dataDir: options.dataDir, secrets: options.secretStore, localEvents: events, log }),
    status: async (): Promise<GatewayStatus> => {
      const s = settings.current;
      const base = publicUrl();
      return {
        version,
        url: core.localUrl,
        ...(core.restPortBusy === null ? {} : { restPortBusy: core.restPortBusy }),
        backend: s.backend,
        testMode: isTestMode(s.backend),
        setupCompleted: s.setupCompleted,
        publicUrl: base,
        publicUrlSource: base === null ? null : s.publicApiUrl ? 'setting' : 'tunnel',
        callbacksEnabled: base !== null && providers.forBackend(s.backend)?.traits.callbackPath != null,
        tunnel: core.tunnel.state(),
        jobsInFlight: await jobs.inFlightCount(),
        unreadInbound: inbound.unreadCount(),
        diskProblem: disk.problem(),
      };
    },
  } satisfies Partial<GatewayCore>);
  return core;
}
