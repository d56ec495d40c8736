import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Settings } from '../../shared/settings';
import type { GatewayStatus } from '../../shared/types';
import { processOptions, type SecretStore, type SettingsStore } from './config';
import { Outbox } from './dispatch/outbox';
import { publicBaseUrl } from './public-url';
import { PROVIDER_MODULES } from './providers/catalog';
import { ProviderRegistry, type ProviderFactory } from './providers/registry';
import { MediaTokens } from './security/media-tokens';
import { RateLimiter } from './security/rate-limit';
import { AuditLog } from './services/audit';
import { ContactsService } from './services/contacts';
import { EventBus } from './services/event-bus';
import { InboundService } from './services/inbound';
import { IntakeService } from './services/intake';
import { JobsService } from './services/jobs';
import { KeysService } from './services/keys';
import { RetentionSweeper } from './services/retention';
import { SettingsService } from './services/settings';
import { LocalArtifactStore, type ArtifactStore } from './storage/artifact-store';
import { s3StoreFromSettings } from './storage/s3-store';
import { openDatabase, type Db } from './store/db';
import type { AuthDeps } from './http/auth';
import { connectLocaltunnel } from './tunnel/localtunnel-connect';
import { TunnelManager, type TunnelDeps } from './tunnel/manager';
import { probeHealth } from './tunnel/probe';
import { version } from './version';

type Env = Record<string, string | undefined>;

export interface CoreOptions {
  dataDir: string;
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
  log?: (message: string) => void;
  outbox?: { tickMs?: number; leaseMs?: number; batchSize?: number };
}

/** Everything a door (HTTP, IPC, /rpc) needs, built once; services take their dependencies as arguments. */
export interface GatewayCore {
  db: Db;
  dataDir: string;
  now: () => number;
  newId: () => string;
  events: EventBus;
  audit: AuditLog;
  settings: SettingsService;
  tokens: MediaTokens;
  keys: KeysService;
  jobs: JobsService;
  intake: IntakeService;
  inbound: InboundService;
  contacts: ContactsService;
  providers: ProviderRegistry;
  outbox: Outbox;
  retention: RetentionSweeper;
  auth: AuthDeps;
  bootstrapApiKey: string | null;
  /** The gateway's own base URL once listening (set by the server). */
  localUrl: string;
  tunnel: TunnelManager;
  /** Counts HTTP requests so background work can yield to intake under load. */
  load: RequestLoad;
  publicUrl(): string | null;
  status(): GatewayStatus;
  log: (message: string) => void;
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
  const log = options.log ?? ((message: string) => console.log(message));
  const { bootstrapApiKey } = processOptions(options.env);
  const db = openDatabase(join(options.dataDir, 'gateway.db'));
  const events = new EventBus();
  let settingsRef: SettingsService | null = null;
  const audit = new AuditLog(db, now, () => {
    const current = settingsRef?.current.audit ?? { enabled: true, file: '', format: 'json' as const };
    return { ...current, file: current.file || join(options.dataDir, 'audit.jsonl') };
  });
  const settings = new SettingsService(options.settingsStore, options.env, options.secretStore, events, audit, now);
  settingsRef = settings;
  const tokens = new MediaTokens(db, now);
  const keys = new KeysService(db, now, audit, events, () => bootstrapApiKey);
  const tunnel = new TunnelManager({
    connect: connectLocaltunnel,
    probe: probeHealth,
    ...options.tunnel,
    log,
    onChange: () => events.emit('gateway:status', core.status()),
  });
  const core = {} as GatewayCore;
  const publicUrl = () => publicBaseUrl(settings.current, core.tunnel.url());
  /** Document links point at the public URL when there is one, else at this gateway. */
  const linkBase = () => publicUrl() ?? core.localUrl;
  const jobs = new JobsService(db, now, events, audit, settings, tokens, linkBase);
  const localStore = new LocalArtifactStore(join(options.dataDir, 'files', 'inbound'));
  const storeOf = (kind: ArtifactStore['kind']): ArtifactStore =>
    kind === 's3'
      ? s3StoreFromSettings(settings.current, () => settings.secret('storage.s3SecretAccessKey'), options.env.S3_KMS_KEY_ID || null)
      : localStore;
  const inbound = new InboundService(
    db,
    now,
    newId,
    { current: () => storeOf(settings.current.storage.backend), of: storeOf },
    tokens,
    settings,
    events,
    audit,
    linkBase,
  );
  const providers = new ProviderRegistry(
    { db, now, settings: () => settings.current, secret: (name) => settings.secret(name), log },
    options.providerFactories ?? Object.fromEntries(PROVIDER_MODULES.map((m) => [m.backend, m.factory])),
  );
  /** Test mode is whatever the backend's provider says; the simulator is test mode even before it is built. */
  const isTestMode = (backend: Settings['backend']) => providers.forBackend(backend)?.traits.testMode ?? backend === 'simulator';
  const load = new RequestLoad(now);
  const outbox = new Outbox({
    db,
    busy: () => load.busy(),
    jobs,
    now,
    providerFor: (backend) => providers.forBackend(backend),
    prepare: (job) => intake.prepare(job),
    urlsFor: (job, provider) => {
      const base = publicUrl();
      if (!base) return { mediaUrl: null, callbackUrl: null };
      return {
        mediaUrl: provider.traits.needsPublicMediaUrl || provider.traits.wantsMediaUrl ? jobs.mintMediaLink(job.id).url : null,
        callbackUrl: provider.traits.callbackPath ? `${base}${provider.traits.callbackPath}?job_id=${job.id}` : null,
      };
    },
    owner: options.workerOwner ?? `${process.pid}-${randomBytes(4).toString('hex')}`,
    log,
    ...options.outbox,
  });
  const intake = new IntakeService({
    dataDir: options.dataDir,
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
  const retention = new RetentionSweeper({ db, now, jobs, inbound, tokens, settings, audit, log });
  Object.assign(core, {
    db,
    dataDir: options.dataDir,
    now,
    newId,
    events,
    audit,
    settings,
    tokens,
    keys,
    jobs,
    intake,
    inbound,
    contacts,
    providers,
    outbox,
    retention,
    bootstrapApiKey,
    load,
    localUrl: '',
    log,
    auth: {
      keys,
      audit,
      limiter: new RateLimiter(now),
      authRequired: () => settings.current.requireApiKey || bootstrapApiKey !== null,
    },
    tunnel,
    publicUrl,
    status: (): GatewayStatus => {
      const s = settings.current;
      const base = publicUrl();
      return {
        version,
        url: core.localUrl,
        backend: s.backend,
        testMode: isTestMode(s.backend),
        setupCompleted: s.setupCompleted,
        publicUrl: base,
        publicUrlSource: base === null ? null : s.publicApiUrl ? 'setting' : 'tunnel',
        callbacksEnabled: base !== null && providers.forBackend(s.backend)?.traits.callbackPath != null,
        tunnel: core.tunnel.state(),
        jobsInFlight: jobs.inFlightCount(),
        unreadInbound: inbound.unreadCount(),
      };
    },
  } satisfies Partial<GatewayCore>);
  return core;
}
