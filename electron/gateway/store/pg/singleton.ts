import pg from 'pg';
import { advisoryKey } from './advisory-key';
import { describePgError, parseDatabaseUrl } from './pool';

/** Work that must run on exactly one instance at a time (the tunnel, retention, scheduled sends, polling). */
export interface SingletonTask {
  name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

export interface SingletonOptions {
  url: string;
  task: SingletonTask;
  /** How often a non-holder tries the lock and the holder checks its connection. */
  retryMs?: number;
  /**
   * The server ends the lock's session after this long without a heartbeat (idle_session_timeout),
   * so a holder that froze or lost the network frees the lock instead of keeping it for hours.
   */
  sessionTimeoutMs?: number;
  log?: (line: string) => void;
}

export const SINGLETON_RETRY_MS = 3_000;
export const SINGLETON_SESSION_TIMEOUT_MS = 20_000;

/**
 * Runs `task` while this instance holds a session-level advisory lock named after it, on a client of
 * its own (a pooled connection could be shared or recycled, and the lock belongs to the session).
 * When that connection dies the server releases the lock, this instance stops the task at once
 * (connection 'error'/'end', or a failed heartbeat), and another instance's next try takes it:
 * takeover within retryMs after a crash, within sessionTimeoutMs + retryMs after a silent death.
 */
export class SingletonRunner {
  private readonly key: string;
  private readonly retryMs: number;
  private readonly sessionTimeoutMs: number;
  private client: pg.Client | null = null;
  private holding = false;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  /** One step at a time: a try, a heartbeat or a loss never interleave. */
  private chain: Promise<void> = Promise.resolve();
  private lastProblem = '';
  private ending: Promise<void> = Promise.resolve();

  constructor(private readonly options: SingletonOptions) {
    this.key = advisoryKey(`singleton:${options.task.name}`);
    this.retryMs = options.retryMs ?? SINGLETON_RETRY_MS;
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? SINGLETON_SESSION_TIMEOUT_MS;
    parseDatabaseUrl(options.url);
  }

  get isHolder(): boolean {
    return this.holding;
  }

  start(): void {
    this.closed = false;
    this.schedule(0);
  }

  /** Stops the task if it runs here, then gives the lock back (ending the session releases it). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.step(() => this.lose('closing'));
    await Promise.race([this.ending, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => void this.step(() => this.tick()).finally(() => this.schedule(this.retryMs)), delayMs);
    this.timer.unref();
  }

  private step(work: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(work, work);
    return this.chain;
  }

  private async tick(): Promise<void> {
    if (this.closed) return;
    try {
      const client = this.client ?? (await this.connect());
      if (this.holding) {
        await client.query('SELECT 1');
        return;
      }
      const { rows } = await client.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1) AS got', [this.key]);
      if (!rows[0]?.got || this.closed) return;
      this.holding = true;
      this.options.log?.(`singleton ${this.options.task.name}: running on this instance`);
      try {
        await this.options.task.start();
      } catch (error) {
        this.options.log?.(`singleton ${this.options.task.name}: start failed (${error instanceof Error ? error.message : String(error)})`);
        await this.lose('start failed');
      }
    } catch (error) {
      this.problem(error);
      await this.lose('connection lost');
    }
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({
      ...parseDatabaseUrl(this.options.url).config,
      connectionTimeoutMillis: 5_000,
      query_timeout: Math.max(1_000, this.retryMs * 2),
    });
    // The server (or the network) ended the session: the lock is gone with it, so stop right away.
    const dropped = (error?: Error) => {
      if (this.client !== client) return;
      if (error) this.problem(error);
      void this.step(() => this.lose('connection lost'));
    };
    client.on('error', dropped);
    client.on('end', () => dropped());
    this.client = client;
    await client.connect();
    await client.query(`SET idle_session_timeout = ${Math.round(this.sessionTimeoutMs)}`);
    return client;
  }

  private async lose(reason: string): Promise<void> {
    const client = this.client;
    this.client = null; // its 'error'/'end' events are ignored from here on
    const wasHolding = this.holding;
    this.holding = false;
    if (wasHolding) {
      this.options.log?.(`singleton ${this.options.task.name}: stopped on this instance (${reason})`);
      try {
        await this.options.task.stop();
      } catch (error) {
        this.options.log?.(`singleton ${this.options.task.name}: stop failed (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    // Only once the task has stopped here may the session end and free the lock for another instance.
    if (client) this.ending = client.end().catch(() => undefined);
  }

  /** Logs a connection problem once, not every retry. */
  private problem(error: unknown): void {
    const message = describePgError(error, parseDatabaseUrl(this.options.url).label);
    if (message !== this.lastProblem) this.options.log?.(`singleton ${this.options.task.name}: ${message}`);
    this.lastProblem = message;
  }
}
