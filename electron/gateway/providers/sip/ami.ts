import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';

/** One AMI message (action response or event); keys are lower-cased (AMI keys are case-insensitive). */
export type AmiMessage = Readonly<Record<string, string>>;

/** A message larger than this is not AMI: the connection is dropped rather than buffered without end. */
const MAX_BUFFER_BYTES = 1024 * 1024;
const BANNER = /^Asterisk Call Manager\/\S+/;

/**
 * AMI framing (providers.md §4.1): one banner line, then `Key: Value` lines, each message ended
 * by an empty line. Chunks may split anywhere, including inside a CRLF.
 */
export class AmiFramer {
  private buffer = '';
  private bannerSeen = false;

  /** Feeds bytes; returns the banner (once) and complete messages, in order. */
  push(chunk: string): { banner?: string; messages: AmiMessage[] } {
    this.buffer += chunk;
    if (this.buffer.length > MAX_BUFFER_BYTES) throw new Error('AMI message too large');
    const out: { banner?: string; messages: AmiMessage[] } = { messages: [] };
    if (!this.bannerSeen) {
      const end = this.buffer.indexOf('\n');
      if (end < 0) return out;
      out.banner = this.buffer.slice(0, end).replace(/\r$/, '');
      this.buffer = this.buffer.slice(end + 1);
      this.bannerSeen = true;
    }
    for (;;) {
      const match = /\r?\n\r?\n/.exec(this.buffer);
      if (!match) break;
      const block = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const message = parseBlock(block);
      if (message) out.messages.push(message);
    }
    return out;
  }
}

function parseBlock(block: string): AmiMessage | null {
  const message: Record<string, string> = {};
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    // Repeated keys (e.g. Variable) keep the first value: no header we read repeats.
    if (!(key in message)) message[key] = line.slice(colon + 1).trim();
  }
  return Object.keys(message).length ? message : null;
}

/** An action as AMI lines. Values with CR/LF could inject a second action, so they are refused. */
export function formatAction(fields: ReadonlyArray<readonly [string, string]>): string {
  for (const [key, value] of fields) {
    if (/[\r\n]/.test(key) || /[\r\n]/.test(value)) throw new Error(`AMI field ${key} contains a line break`);
  }
  return fields.map(([key, value]) => `${key}: ${value}\r\n`).join('') + '\r\n';
}

export interface AmiOptions {
  host: string;
  port: number;
  username: string;
  secret: string;
  /** Keep-alive: a Ping this often; no answer within `actionTimeoutMs` drops and reconnects. */
  pingIntervalMs?: number;
  actionTimeoutMs?: number;
  /** Reconnect backoff: starts here, doubles, capped at `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  log?: (message: string) => void;
}

export type AmiState = 'connecting' | 'connected' | 'login_failed' | 'disconnected' | 'closed';

export class AmiError extends Error {
  constructor(
    message: string,
    /** Whether the action may have reached Asterisk (written, then the connection dropped). */
    readonly maybeSent: boolean,
  ) {
    super(message);
  }
}

interface Pending {
  resolve: (message: AmiMessage) => void;
  reject: (error: AmiError) => void;
  timer: NodeJS.Timeout;
}

/**
 * A long-lived AMI session: logs in and checks the answer (Faxbot never did), pings to notice a
 * dead peer, reconnects with backoff, and matches responses to actions by ActionID. Events are
 * emitted as `event`; state changes as `state`.
 */
export class AmiClient extends EventEmitter<{ event: [AmiMessage]; state: [AmiState, string | null] }> {
  private socket: Socket | null = null;
  private pending = new Map<string, Pending>();
  private counter = 0;
  private backoffMs: number;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private _state: AmiState = 'disconnected';
  private _problem: string | null = null;
  private readonly opts: Required<Omit<AmiOptions, 'log'>> & Pick<AmiOptions, 'log'>;

  constructor(options: AmiOptions) {
    super();
    this.opts = { pingIntervalMs: 20_000, actionTimeoutMs: 10_000, minBackoffMs: 500, maxBackoffMs: 30_000, ...options };
    this.backoffMs = this.opts.minBackoffMs;
  }

  get state(): AmiState {
    return this._state;
  }

  /** Why the session is not up, in plain words (never the secret). */
  get problem(): string | null {
    return this._problem;
  }

  start(): void {
    if (this._state === 'closed' || this.socket || this.reconnectTimer) return;
    this.open();
  }

  close(): void {
    this.setState('closed', null);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.teardown(new AmiError('AMI client closed', true));
  }

  /** Resolves once logged in, or rejects after `timeoutMs` with the reason the session is down. */
  ready(timeoutMs: number): Promise<void> {
    if (this._state === 'connected') return Promise.resolve();
    if (this._state === 'login_failed' || this._state === 'closed')
      return Promise.reject(new AmiError(this._problem ?? 'AMI is not available', false));
    this.start();
    return new Promise((resolve, reject) => {
      const onState = (state: AmiState) => {
        if (state === 'connected') finish(null);
        else if (state === 'login_failed' || state === 'closed') finish(this._problem ?? 'AMI is not available');
      };
      const timer = setTimeout(() => finish(this._problem ?? `no AMI session within ${timeoutMs} ms`), timeoutMs);
      const finish = (problem: string | null) => {
        clearTimeout(timer);
        this.off('state', onState);
        if (problem === null) resolve();
        else reject(new AmiError(problem, false));
      };
      this.on('state', onState);
    });
  }

  /** Sends an action and resolves with its response (matched by ActionID). */
  action(fields: ReadonlyArray<readonly [string, string]>, actionId = `fbd-${++this.counter}`): Promise<AmiMessage> {
    const socket = this.socket;
    if (!socket || this._state !== 'connected') return Promise.reject(new AmiError('AMI is not connected', false));
    return this.send(socket, [...fields, ['ActionID', actionId]], actionId);
  }

  private send(socket: Socket, fields: ReadonlyArray<readonly [string, string]>, actionId: string): Promise<AmiMessage> {
    const text = formatAction(fields);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(actionId);
        reject(new AmiError('Asterisk did not answer the AMI action in time', true));
      }, this.opts.actionTimeoutMs);
      this.pending.set(actionId, { resolve, reject, timer });
      socket.write(text);
    });
  }

  private open(): void {
    this.setState('connecting', this._problem);
    const socket = connect({ host: this.opts.host, port: this.opts.port });
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    const framer = new AmiFramer();
    let loggedIn = false;
    socket.on('data', (chunk: string) => {
      let parsed;
      try {
        parsed = framer.push(chunk);
      } catch (error) {
        this._problem = (error as Error).message;
        socket.destroy();
        return;
      }
      if (parsed.banner !== undefined) {
        if (!BANNER.test(parsed.banner)) {
          this._problem = `${this.opts.host}:${this.opts.port} is not an Asterisk manager port`;
          socket.destroy();
          return;
        }
        void this.login(socket).then(
          () => {
            loggedIn = true;
            this.backoffMs = this.opts.minBackoffMs;
            this.setState('connected', null);
            this.schedulePing(socket);
          },
          (error: Error) => {
            this._problem = error.message;
            if (/Authentication failed/i.test(error.message)) this.setState('login_failed', this._problem);
            socket.destroy();
          },
        );
      }
      for (const message of parsed.messages) this.dispatch(message);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!loggedIn) this._problem ??= `cannot reach Asterisk AMI at ${this.opts.host}:${this.opts.port} (${error.code ?? 'error'})`;
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.teardown(new AmiError('the AMI connection dropped', true));
      if (this._state === 'closed') return;
      if (this._state !== 'login_failed') this.setState('disconnected', this._problem ?? 'the AMI connection dropped');
      this.scheduleReconnect();
    });
  }

  private async login(socket: Socket): Promise<void> {
    const actionId = `fbd-login-${++this.counter}`;
    const answer = await this.send(
      socket,
      [
        ['Action', 'Login'],
        ['Username', this.opts.username],
        ['Secret', this.opts.secret],
        ['Events', 'on'],
        ['ActionID', actionId],
      ],
      actionId,
    );
    if (answer.response?.toLowerCase() !== 'success') {
      throw new Error(`Asterisk refused the AMI login for user ${this.opts.username}: ${answer.message ?? 'Authentication failed'}`);
    }
  }

  private dispatch(message: AmiMessage): void {
    if (message.response !== undefined && message.actionid !== undefined) {
      const pending = this.pending.get(message.actionid);
      if (pending) {
        this.pending.delete(message.actionid);
        clearTimeout(pending.timer);
        pending.resolve(message);
        return;
      }
    }
    if (message.event !== undefined) this.emit('event', message);
  }

  private schedulePing(socket: Socket): void {
    this.pingTimer = setInterval(() => {
      this.action([['Action', 'Ping']]).catch(() => {
        // A dead peer often leaves the socket open: drop it so the reconnect starts now.
        this._problem = 'Asterisk stopped answering keep-alive pings';
        socket.destroy();
      });
    }, this.opts.pingIntervalMs);
    this.pingTimer.unref();
  }

  private scheduleReconnect(): void {
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.opts.maxBackoffMs, this.backoffMs * 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this._state !== 'closed') this.open();
    }, delay);
  }

  private teardown(error: AmiError): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.pending.clear();
    const socket = this.socket;
    this.socket = null;
    socket?.destroy();
  }

  private setState(state: AmiState, problem: string | null): void {
    if (this._state === 'closed' && state !== 'closed') return;
    this._problem = problem;
    const changed = this._state !== state;
    this._state = state;
    if (!changed) return;
    // Host, port and user name only: the secret never reaches a log line.
    if (state === 'connected' || state === 'login_failed' || state === 'disconnected')
      this.opts.log?.(`asterisk ami ${this.opts.host}:${this.opts.port} ${state}${problem ? `: ${problem}` : ''}`);
    this.emit('state', state, problem);
  }
}
