// A loopback Asterisk Manager Interface emulator (providers.md §4.1-4.5): banner, Login (error and
// close on bad credentials), Ping, and Async Originate answered by the event sequences a real
// Asterisk sends for each outcome, with unrelated events interleaved and frames split across reads.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';

export type AmiOutcome =
  'success' | 'busy' | 'no_answer' | 'congestion' | 'chanunavail' | 't38_failure' | 'hangup_before_result' | 'silent' | 'drop_connection';

/** The destination's last four digits pick the outcome, like the other emulators' magic numbers. */
export const AMI_MAGIC_ENDINGS: Readonly<Record<string, AmiOutcome>> = {
  '0017': 'busy',
  '0030': 'no_answer',
  '0034': 'congestion',
  '0035': 'chanunavail',
  '0038': 't38_failure',
  '0044': 'hangup_before_result',
  '0050': 'silent',
  '0066': 'drop_connection',
};

export interface OriginateRecord {
  actionId: string | null;
  channel: string;
  channelId: string | null;
  application: string | null;
  timeout: string | null;
  callerId: string | null;
  variables: Record<string, string>;
  outcome: AmiOutcome;
  /** FAXFILE as SendFAX read it when the call started (null when it was not readable). */
  faxFile: Buffer | null;
}

export interface AmiEmulatorOptions {
  username?: string;
  secret?: string;
  /** Pause between the events of one call. */
  stepDelayMs?: number;
  /** Real Asterisk sleeps 1 s before refusing a login. */
  loginFailureDelayMs?: number;
  /** Write every frame in pieces of this many bytes (tests framing split across reads). */
  chunkBytes?: number;
  /** 'shipped': our build/asterisk dialplan (FaxDial/FaxResult from hangup handlers); 'faxbot': Faxbot's, which emits only FaxResult after SendFAX. */
  dialplan?: 'shipped' | 'faxbot';
  pages?: number;
  /** A hung Asterisk: the socket stays open but Pings are never answered. */
  ignorePings?: boolean;
}

export interface AmiEmulator {
  host: string;
  port: number;
  originates: OriginateRecord[];
  /** Successful and failed logins, in order. */
  logins: { username: string; ok: boolean }[];
  /** Open, logged-in sessions. */
  sessions(): number;
  /** Drops every connection (as if Asterisk restarted). */
  dropAll(): void;
  close(): Promise<void>;
}

type Fields = ReadonlyArray<readonly [string, string | number]>;

function frame(fields: Fields): string {
  return fields.map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n';
}

function parse(block: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of block.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const key = line.slice(0, i).trim().toLowerCase();
    out.set(key, [...(out.get(key) ?? []), line.slice(i + 1).trim()]);
  }
  return out;
}

/** `Variable: A=1,B=2` and repeated `Variable:` headers (manager.c man_do_variable_value). */
function variables(values: string[] | undefined): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const value of values ?? []) {
    for (const pair of value.split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) vars[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return vars;
}

export async function startAmiEmulator(options: AmiEmulatorOptions = {}): Promise<AmiEmulator> {
  const username = options.username ?? 'faxbot';
  const secret = options.secret ?? 'ami-secret';
  const step = options.stepDelayMs ?? 5;
  const dialplan = options.dialplan ?? 'shipped';
  const pages = options.pages ?? 2;
  const sockets = new Set<Socket>();
  const loggedIn = new Set<Socket>();
  const originates: OriginateRecord[] = [];
  const logins: AmiEmulator['logins'] = [];
  /** Events of a call still in progress when its session dropped: delivered to the next session, as Asterisk broadcasts. */
  const pendingForNextSession: Fields[] = [];
  let channelSeq = 0;
  let closed = false;

  const write = (socket: Socket, text: string) => {
    if (socket.destroyed) return;
    const size = options.chunkBytes ?? 0;
    if (size <= 0) {
      socket.write(text);
      return;
    }
    for (let i = 0; i < text.length; i += size) socket.write(text.slice(i, i + size));
  };
  /** Events go to every logged-in session, like AMI with `Events: on`. */
  const broadcast = (fields: Fields) => {
    for (const socket of loggedIn) write(socket, frame(fields));
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function runCall(record: OriginateRecord, session: Socket): Promise<void> {
    const seq = (++channelSeq).toString(16).padStart(8, '0');
    const local1 = `Local/s@faxout-${seq};1`;
    const local2 = `Local/s@faxout-${seq};2`;
    const trunk = `PJSIP/fax-trunk-${seq}`;
    const uniqueid = record.channelId ?? `1700000000.${channelSeq}`;
    const jobId = record.variables.JOBID ?? '';
    const snapshot = (channel: string, id: string): Fields => [
      ['Privilege', 'call,all'],
      ['Channel', channel],
      ['ChannelState', '6'],
      ['ChannelStateDesc', 'Up'],
      ['CallerIDNum', '<unknown>'],
      ['Context', 'faxout'],
      ['Exten', 's'],
      ['Uniqueid', id],
      ['Linkedid', uniqueid],
    ];
    const originateResponse = (ok: boolean, reason: number): Fields => [
      ['Event', 'OriginateResponse'],
      ['Privilege', 'call,all'],
      ...(record.actionId ? ([['ActionID', record.actionId]] as Fields) : []),
      ['Response', ok ? 'Success' : 'Failure'],
      ['Channel', record.channel],
      ['Context', ''],
      ['Exten', ''],
      ['Reason', reason],
      ['Uniqueid', ok ? uniqueid : '<null>'],
      ['CallerIDNum', '<unknown>'],
      ['CallerIDName', '<unknown>'],
    ];
    const userEvent = (name: string, fields: Fields): Fields => [
      ['Event', 'UserEvent'],
      ...snapshot(trunk, `${uniqueid}-t`),
      ['UserEvent', name],
      ...fields,
    ];
    const hangup = (channel: string, id: string, cause: number, text: string): Fields => [
      ['Event', 'Hangup'],
      ...snapshot(channel, id),
      ['Cause', cause],
      ['Cause-txt', text],
    ];
    const dial = (status: string, cause: number) =>
      dialplan === 'shipped'
        ? [
            userEvent('FaxDial', [
              ['JobID', jobId],
              ['DialStatus', status],
              ['HangupCause', cause],
            ]),
          ]
        : [];
    const unrelated = (): Fields[] => [
      [['Event', 'Newchannel'], ...snapshot(local1, uniqueid), ['Exten', 's']],
      [['Event', 'VarSet'], ...snapshot(local2, `${uniqueid};2`), ['Variable', 'DIALSTATUS'], ['Value', '']],
    ];
    const failed = (reason: number, status: string, cause: number, text: string): Fields[] => [
      ...unrelated(),
      ...dial(status, cause),
      hangup(local2, `${uniqueid};2`, cause, text),
      originateResponse(false, reason),
    ];

    let events: Fields[];
    switch (record.outcome) {
      case 'success':
        events = [
          ...unrelated(),
          originateResponse(true, 4),
          userEvent('FaxResult', [
            ['JobID', jobId],
            ['Status', 'SUCCESS'],
            ['Error', 'OK'],
            ['Pages', pages],
          ]),
          hangup(trunk, `${uniqueid}-t`, 16, 'Normal Clearing'),
          ...dial('ANSWER', 16),
          hangup(local1, uniqueid, 16, 'Normal Clearing'),
        ];
        break;
      case 'busy':
        events = failed(5, 'BUSY', 17, 'User busy');
        break;
      case 'no_answer':
        events = failed(3, 'NOANSWER', 19, 'No answer');
        break;
      case 'congestion':
        events = failed(8, 'CONGESTION', 34, 'Circuit/channel congestion');
        break;
      case 'chanunavail':
        events = failed(0, 'CHANUNAVAIL', 20, 'Subscriber absent');
        break;
      case 't38_failure':
        events = [
          ...unrelated(),
          originateResponse(true, 4),
          userEvent('FaxResult', [
            ['JobID', jobId],
            ['Status', 'FAILED'],
            ['Error', 'T.38 negotiation failed'],
            ['Pages', 0],
          ]),
          hangup(trunk, `${uniqueid}-t`, 16, 'Normal Clearing'),
          ...dial('ANSWER', 16),
          hangup(local1, uniqueid, 16, 'Normal Clearing'),
        ];
        break;
      case 'hangup_before_result':
        // Faxbot's gotcha: SendFAX returns -1 when the far end hangs up, so no UserEvent runs.
        events = [
          ...unrelated(),
          originateResponse(true, 4),
          hangup(trunk, `${uniqueid}-t`, 16, 'Normal Clearing'),
          hangup(local1, uniqueid, 16, 'Normal Clearing'),
        ];
        break;
      case 'silent':
        events = [...unrelated()];
        break;
      case 'drop_connection':
        for (const event of [...unrelated(), originateResponse(true, 4)]) {
          await sleep(step);
          broadcast(event);
        }
        await sleep(step);
        loggedIn.delete(session);
        session.destroy();
        pendingForNextSession.push(
          userEvent('FaxResult', [
            ['JobID', jobId],
            ['Status', 'SUCCESS'],
            ['Error', 'OK'],
            ['Pages', pages],
          ]),
          hangup(local1, uniqueid, 16, 'Normal Clearing'),
        );
        return;
    }
    for (const event of events) {
      await sleep(step);
      if (closed) return;
      broadcast(event);
    }
  }

  function handle(socket: Socket, message: Map<string, string[]>): void {
    const get = (key: string) => message.get(key)?.[0] ?? null;
    const action = (get('action') ?? '').toLowerCase();
    const actionId = get('actionid');
    const reply = (fields: Fields) => write(socket, frame([...fields, ...(actionId ? ([['ActionID', actionId]] as Fields) : [])]));
    if (action === 'login') {
      const ok = get('username') === username && get('secret') === secret;
      logins.push({ username: get('username') ?? '', ok });
      if (!ok) {
        setTimeout(() => {
          reply([
            ['Response', 'Error'],
            ['Message', 'Authentication failed'],
          ]);
          socket.end();
        }, options.loginFailureDelayMs ?? 50);
        return;
      }
      reply([
        ['Response', 'Success'],
        ['Message', 'Authentication accepted'],
      ]);
      write(
        socket,
        frame([
          ['Event', 'FullyBooted'],
          ['Privilege', 'system,all'],
          ['Uptime', 10],
          ['LastReload', 10],
          ['Status', 'Fully Booted'],
        ]),
      );
      loggedIn.add(socket);
      for (const event of pendingForNextSession.splice(0)) setTimeout(() => broadcast(event), step);
      return;
    }
    if (!loggedIn.has(socket)) {
      reply([
        ['Response', 'Error'],
        ['Message', 'Permission denied'],
      ]);
      return;
    }
    if (action === 'ping') {
      if (options.ignorePings) return;
      reply([
        ['Response', 'Success'],
        ['Ping', 'Pong'],
        ['Timestamp', (Date.now() / 1000).toFixed(6)],
      ]);
      return;
    }
    if (action === 'originate') {
      const vars = variables(message.get('variable'));
      const dest = vars.DEST ?? '';
      const record: OriginateRecord = {
        actionId,
        channel: get('channel') ?? '',
        channelId: get('channelid'),
        application: get('application'),
        timeout: get('timeout'),
        callerId: get('callerid'),
        variables: vars,
        outcome: AMI_MAGIC_ENDINGS[dest.slice(-4)] ?? 'success',
        faxFile: vars.FAXFILE && existsSync(vars.FAXFILE) ? readFileSync(vars.FAXFILE) : null,
      };
      originates.push(record);
      if (!record.channel || (get('async') ?? '').toLowerCase() !== 'true') {
        reply([
          ['Response', 'Error'],
          ['Message', 'Originate failed'],
        ]);
        return;
      }
      reply([
        ['Response', 'Success'],
        ['Message', 'Originate successfully queued'],
      ]);
      void runCall(record, socket);
      return;
    }
    reply([
      ['Response', 'Error'],
      ['Message', 'Invalid/unknown command'],
    ]);
  }

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setEncoding('utf8');
    socket.write('Asterisk Call Manager/13.0.0\r\n');
    let buffer = '';
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        const match = /\r?\n\r?\n/.exec(buffer);
        if (!match) break;
        const block = buffer.slice(0, match.index);
        buffer = buffer.slice(match.index + match[0].length);
        handle(socket, parse(block));
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      loggedIn.delete(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: '127.0.0.1',
    port,
    originates,
    logins,
    sessions: () => loggedIn.size,
    dropAll() {
      for (const socket of sockets) socket.destroy();
    },
    async close() {
      closed = true;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
