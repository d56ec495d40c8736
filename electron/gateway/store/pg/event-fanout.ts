import pg from 'pg';
import { describePgError, parseDatabaseUrl, type PgClient, type PgPool } from './pool';

/**
 * Events fan out to every instance on one database with LISTEN/NOTIFY, so a window connected to one
 * gateway sees work done by another. A notification names what changed (kind + ids), never a body:
 * PostgreSQL refuses payloads of 8000 bytes or more, and each instance reads the rows itself.
 */
export const EVENTS_CHANNEL = 'faxbot_events';
/** Bytes per payload, below PostgreSQL's 8000-byte limit. */
export const NOTIFY_PAYLOAD_LIMIT = 7_900;

export interface FanoutEvent {
  /** An event name of the shared contract, e.g. `job:updated`. */
  kind: string;
  /** Ids of the rows that changed (job ids, inbound ids, key ids). */
  ids: string[];
}

export interface ReceivedEvent extends FanoutEvent {
  /** The publishing instance. */
  from: string;
}

interface Wire {
  from: string;
  kind: string;
  ids: string[];
}

/** The event as payloads that each fit the limit: many ids are split over several notifications. */
export function notificationPayloads(from: string, event: FanoutEvent): string[] {
  const payload = (ids: string[]) => JSON.stringify({ from, kind: event.kind, ids } satisfies Wire);
  const payloads: string[] = [];
  let ids: string[] = [];
  for (const id of event.ids) {
    if (Buffer.byteLength(payload([...ids, id])) <= NOTIFY_PAYLOAD_LIMIT) {
      ids.push(id);
      continue;
    }
    if (ids.length === 0) throw new Error(`An id of ${Buffer.byteLength(id)} bytes does not fit a notification.`);
    payloads.push(payload(ids));
    ids = [id];
    if (Buffer.byteLength(payload(ids)) > NOTIFY_PAYLOAD_LIMIT)
      throw new Error(`An id of ${Buffer.byteLength(id)} bytes does not fit a notification.`);
  }
  if (ids.length > 0 || event.ids.length === 0) payloads.push(payload(ids));
  return payloads;
}

/**
 * Publishes an event to every instance. Given the client of an open transaction, the notification
 * is delivered when (and only if) that transaction commits, together with the change it describes.
 */
export async function publishEvent(db: PgPool | PgClient, from: string, event: FanoutEvent): Promise<void> {
  // unnest yields the payloads in array order, so they are sent (and received) in that order.
  await db.query('SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', [EVENTS_CHANNEL, notificationPayloads(from, event)]);
}

function parseWire(payload: string): Wire | null {
  try {
    const value = JSON.parse(payload) as Partial<Wire>;
    if (typeof value.from !== 'string' || typeof value.kind !== 'string') return null;
    if (!Array.isArray(value.ids) || !value.ids.every((id) => typeof id === 'string')) return null;
    return { from: value.from, kind: value.kind, ids: value.ids };
  } catch {
    return null;
  }
}

export interface EventListenerOptions {
  url: string;
  /** This instance: its own notifications are not handed back to it (it already emitted them locally). */
  instanceId: string;
  onEvent(event: ReceivedEvent): void;
  /**
   * Called after a lost connection is listening again: notifications sent in between are gone, so
   * the consumer re-reads what it shows (a window reloads its lists).
   */
  onResync(): void;
  log?: (line: string) => void;
  /** The connection is checked this often, so a silently dead one is noticed and replaced. */
  heartbeatMs?: number;
  reconnectFirstMs?: number;
  reconnectMaxMs?: number;
}

/** LISTENs on its own connection (a pooled one would be recycled), reconnecting with backoff. */
export class EventListener {
  private client: pg.Client | null = null;
  private closed = false;
  private everListened = false;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private lastProblem = '';

  constructor(private readonly options: EventListenerOptions) {
    parseDatabaseUrl(options.url);
  }

  get listening(): boolean {
    return this.client !== null;
  }

  /** Resolves after the first try; if the database is unreachable it keeps trying in the background (see `listening`). */
  async start(): Promise<void> {
    this.closed = false;
    await this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const target = parseDatabaseUrl(this.options.url);
    const heartbeatMs = this.options.heartbeatMs ?? 10_000;
    const client = new pg.Client({
      ...target.config,
      application_name: `faxbot-events:${this.options.instanceId}`,
      connectionTimeoutMillis: 5_000,
      query_timeout: heartbeatMs,
    });
    client.on('error', (error) => this.dropped(client, error));
    client.on('end', () => this.dropped(client));
    client.on('notification', (message) => {
      if (message.channel !== EVENTS_CHANNEL) return;
      const wire = parseWire(message.payload ?? '');
      if (!wire) {
        this.options.log?.('events: ignored a notification that is not a Faxbot event');
        return;
      }
      if (wire.from === this.options.instanceId) return;
      this.options.onEvent(wire);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch (error) {
      this.problem(error);
      client.removeAllListeners('end');
      void client.end().catch(() => undefined);
      this.retry();
      return;
    }
    if (this.closed) {
      void client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.failures = 0;
    this.lastProblem = '';
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => void client.query('SELECT 1').catch((error: unknown) => this.dropped(client, error)), heartbeatMs);
    this.heartbeat.unref();
    if (this.everListened) {
      this.options.log?.('events: listening again');
      this.options.onResync();
    }
    this.everListened = true;
  }

  private dropped(client: pg.Client, error?: unknown): void {
    if (this.client !== client) return;
    this.client = null;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.problem(error ?? new Error('connection ended'));
    void client.end().catch(() => undefined);
    this.retry();
  }

  private retry(): void {
    if (this.closed) return;
    const first = this.options.reconnectFirstMs ?? 250;
    const delay = Math.min(this.options.reconnectMaxMs ?? 5_000, first * 2 ** this.failures);
    this.failures += 1;
    this.timer = setTimeout(() => void this.connect(), delay);
    this.timer.unref();
  }

  private problem(error: unknown): void {
    const message = describePgError(error, parseDatabaseUrl(this.options.url).label);
    if (message !== this.lastProblem) this.options.log?.(`events: ${message}`);
    this.lastProblem = message;
  }
}
