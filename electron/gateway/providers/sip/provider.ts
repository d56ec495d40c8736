import { rmSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { Settings } from '../../../../shared/settings';
import type { CheckResult } from '../../../../shared/types';
import { ghostscriptVersion, GHOSTSCRIPT_MISSING, pdfToFaxTiff, FaxImageError } from '../../documents/tiff';
import type { Db } from '../../store/db';
import type { ProviderContext, ProviderFactory } from '../registry';
import {
  ProviderError,
  documentUnavailable,
  type FaxProvider,
  type LookupRequest,
  type ProviderUpdate,
  type SubmitRequest,
  type SubmitResult,
} from '../types';
import { AmiClient, AmiError, type AmiMessage } from './ami';
import { changeFromEvent, type AttemptChange } from './results';

interface AttemptRow {
  provider_id: string;
  job_id: string;
  attempt: number;
  tiff_path: string;
  pages: number;
  state: 'originating' | 'dialing' | 'answered' | 'hungup' | 'delivered' | 'failed';
  failure_class: string | null;
  error: string | null;
  pages_sent: number | null;
  originated_at: number;
  hungup_at: number | null;
}

export interface SipTimings {
  /** Originate's own Timeout: how long Asterisk waits for the call to be answered (Dial rings 60 s). */
  originateTimeoutMs: number;
  /** After the call hangs up, how long a late FaxResult may still arrive. */
  hangupGraceMs: number;
  /** An attempt with no result this long after the Originate is failed (never redialled blindly). */
  watchdogMs: number;
  /** How long submit waits for the AMI session before calling the provider unavailable. */
  connectWaitMs: number;
  pollIntervalMs: number;
  ami?: { pingIntervalMs?: number; minBackoffMs?: number; maxBackoffMs?: number; actionTimeoutMs?: number };
}

const DEFAULT_TIMINGS: SipTimings = {
  originateTimeoutMs: 90_000,
  hangupGraceMs: 10_000,
  watchdogMs: 45 * 60_000,
  connectWaitMs: 5_000,
  pollIntervalMs: 1_000,
};

const TERMINAL = new Set(['delivered', 'failed']);

/** Where outbound TIFFs are written and inbound TIFFs must live (ASTERISK_SPOOL_DIR, default <data>/asterisk). */
export function spoolDir(settings: Settings, dataDir: string): string {
  const configured = settings.sip.spoolDir;
  return configured ? resolve(isAbsolute(configured) ? configured : join(dataDir, configured)) : join(dataDir, 'asterisk');
}

/**
 * SIP/Asterisk over AMI (providers.md §4). Each attempt is one Async Originate of a Local channel
 * whose ;2 half runs [faxout] (the ;1 half runs Wait, so the number is dialled once), with
 * ActionID and ChannelId set to the attempt's provider id. Results arrive as AMI events and are
 * written to sip_attempts at once; the outbox's poll reads them, and applies the watchdog.
 */
export class SipProvider implements FaxProvider {
  readonly backend = 'sip' as const;
  readonly label = 'Asterisk (SIP)';
  readonly traits;
  private readonly sql;

  constructor(
    db: Db,
    private readonly ami: AmiClient,
    private readonly ctx: Pick<ProviderContext, 'now' | 'settings' | 'log' | 'dataDir'>,
    private readonly target: string,
    private readonly timings: SipTimings,
  ) {
    this.traits = {
      needsPublicMediaUrl: false,
      canPoll: true,
      canLookup: true,
      pollIntervalMs: timings.pollIntervalMs,
      testMode: false,
      callbackPath: null,
    };
    this.sql = {
      insert: db.prepare(
        `INSERT INTO sip_attempts (provider_id, job_id, attempt, tiff_path, pages, state, originated_at, updated_at)
         VALUES (@providerId, @jobId, @attempt, @tiffPath, @pages, 'originating', @now, @now)`,
      ),
      byId: db.prepare('SELECT * FROM sip_attempts WHERE provider_id = ?'),
      remove: db.prepare('DELETE FROM sip_attempts WHERE provider_id = ?'),
      byAttempt: db.prepare('SELECT * FROM sip_attempts WHERE job_id = ? AND attempt = ?'),
      // Progress only moves forward: a late OriginateResponse never undoes a hangup already seen.
      dialing: db.prepare(`UPDATE sip_attempts SET state = 'dialing', updated_at = ? WHERE provider_id = ? AND state = 'originating'`),
      answered: db.prepare(
        `UPDATE sip_attempts SET state = 'answered', updated_at = ? WHERE provider_id = ? AND state IN ('originating','dialing')`,
      ),
      hungup: db.prepare(
        `UPDATE sip_attempts SET state = 'hungup', hungup_at = ?, updated_at = ? WHERE provider_id = ? AND state NOT IN ('hungup','delivered','failed')`,
      ),
      finish: db.prepare(
        `UPDATE sip_attempts SET state = @state, failure_class = @failureClass, error = @error, pages_sent = @pages, updated_at = @now
         WHERE provider_id = @providerId AND state NOT IN ('delivered','failed')`,
      ),
    };
    ami.on('event', this.onEvent);
    ami.start();
  }

  /** Same AMI target (host, port, user, password) means the same session can be kept. */
  get amiTarget(): string {
    return this.target;
  }

  get closed(): boolean {
    return this.ami.state === 'closed';
  }

  close(): void {
    this.ami.off('event', this.onEvent);
    this.ami.close();
  }

  private readonly onEvent = (event: AmiMessage): void => {
    const found = changeFromEvent(event);
    if (!found || !this.sql.byId.get(found.providerId)) return;
    this.record(found.providerId, found.change);
  };

  private record(providerId: string, change: AttemptChange): void {
    const now = this.ctx.now();
    if (change.kind === 'answered') this.sql.answered.run(now, providerId);
    else if (change.kind === 'hungup') this.sql.hungup.run(now, now, providerId);
    else if (change.kind === 'delivered')
      this.sql.finish.run({ providerId, state: 'delivered', failureClass: null, error: null, pages: change.pages, now });
    else
      this.sql.finish.run({
        providerId,
        state: 'failed',
        failureClass: change.failureClass,
        error: change.error,
        pages: change.pages ?? null,
        now,
      });
  }

  async submit(request: SubmitRequest, signal: AbortSignal): Promise<SubmitResult> {
    const providerId = `sip-${request.jobId}-${request.attempt}`;
    // Reconciliation may ask again for an attempt already handed over: never originate it twice.
    if (this.sql.byAttempt.get(request.jobId, request.attempt)) return { providerId, rawStatus: 'originated' };
    try {
      await this.ami.ready(this.timings.connectWaitMs);
    } catch (error) {
      throw new ProviderError(`Asterisk is not reachable: ${(error as Error).message}`, 'provider_unavailable');
    }
    const settings = this.ctx.settings();
    const outDir = join(spoolDir(settings, this.ctx.dataDir), 'out');
    await mkdir(outDir, { recursive: true });
    const tiffPath = join(outDir, `${providerId}.tif`);
    let pages: number;
    try {
      ({ pages } = await request.document.withFile(async (pdfPath) => {
        try {
          return await pdfToFaxTiff(pdfPath, tiffPath, { resolution: request.resolution ?? 'fine', paper: settings.pageSize });
        } catch (error) {
          throw error instanceof FaxImageError ? error : new FaxImageError('The document could not be turned into fax pages.');
        }
      }));
    } catch (error) {
      await rm(tiffPath, { force: true });
      throw error instanceof FaxImageError ? new ProviderError(error.message, 'document') : documentUnavailable(error);
    }
    signal.throwIfAborted();
    // On record before the action leaves, so a crash in between is found by lookup and not redialled.
    this.sql.insert.run({ providerId, jobId: request.jobId, attempt: request.attempt, tiffPath, pages, now: this.ctx.now() });
    let answer: AmiMessage;
    try {
      answer = await this.ami.action(
        [
          ['Action', 'Originate'],
          ['Channel', 'Local/s@faxout/n'],
          // The ;1 half only waits; [faxout] on the ;2 half dials, so the number is dialled once.
          ['Application', 'Wait'],
          ['Data', String(Math.ceil(this.timings.watchdogMs / 1000))],
          ['Timeout', String(this.timings.originateTimeoutMs)],
          ['Async', 'true'],
          ['ChannelId', providerId],
          ['CallerID', settings.sip.stationId],
          // Faxbot's dialplan contract (JOBID, DEST, FAXFILE), plus the header and station id.
          ['Variable', `JOBID=${providerId}`],
          ['Variable', `DEST=${request.toE164}`],
          ['Variable', `FAXFILE=${tiffPath}`],
          ['Variable', `FAXHEADER=${settings.sip.header}`],
          ['Variable', `FAXSTATION=${settings.sip.stationId}`],
        ],
        providerId,
      );
    } catch (error) {
      const sent = error instanceof AmiError && error.maybeSent;
      if (!sent) this.sql.remove.run(providerId);
      throw new ProviderError(`Asterisk did not confirm the call: ${(error as Error).message}`, 'provider_unavailable', sent);
    }
    if ((answer.response ?? '').toLowerCase() !== 'success') {
      this.sql.remove.run(providerId);
      await rm(tiffPath, { force: true });
      throw new ProviderError(`Asterisk refused the call: ${answer.message ?? 'Originate failed'}`, 'provider_unavailable');
    }
    this.sql.dialing.run(this.ctx.now(), providerId);
    return { providerId, rawStatus: 'dialing' };
  }

  async poll(providerId: string): Promise<ProviderUpdate> {
    const row = this.sql.byId.get(providerId) as AttemptRow | undefined;
    if (!row)
      return { providerId, rawStatus: 'unknown', phase: 'failed', failureClass: 'unknown', error: 'Asterisk has no record of this fax.' };
    const now = this.ctx.now();
    if (row.state === 'hungup' && now - (row.hungup_at ?? now) >= this.timings.hangupGraceMs) {
      this.record(providerId, {
        kind: 'failed',
        failureClass: 'line_error',
        error: 'The call ended before Asterisk reported a fax result.',
      });
    } else if (!TERMINAL.has(row.state) && now - row.originated_at >= this.timings.watchdogMs) {
      // No result at all: the fax may or may not have gone through, so it is not redialled blindly.
      this.record(providerId, {
        kind: 'failed',
        failureClass: 'unknown',
        error: 'Asterisk never reported a result for this fax; check the Asterisk log before resending.',
      });
    }
    return this.update(this.sql.byId.get(providerId) as AttemptRow);
  }

  private update(row: AttemptRow): ProviderUpdate {
    const providerId = row.provider_id;
    // Asterisk is done with the pages once the attempt has a result.
    if (TERMINAL.has(row.state)) rmSync(row.tiff_path, { force: true });
    switch (row.state) {
      case 'delivered':
        return { providerId, rawStatus: 'SUCCESS', phase: 'delivered', pages: row.pages_sent ?? row.pages };
      case 'failed':
        return {
          providerId,
          rawStatus: 'FAILED',
          phase: 'failed',
          failureClass: (row.failure_class ?? 'unknown') as ProviderUpdate['failureClass'],
          error: row.error ?? undefined,
          pages: row.pages_sent,
        };
      case 'answered':
      case 'hungup':
        return { providerId, rawStatus: 'answered', phase: 'sending', detail: 'The fax machine answered; sending pages' };
      default:
        return { providerId, rawStatus: row.state, phase: 'sending' };
    }
  }

  async lookup(request: Pick<LookupRequest, 'jobId' | 'attempt'>): Promise<SubmitResult | null> {
    const row = this.sql.byAttempt.get(request.jobId, request.attempt) as AttemptRow | undefined;
    return row ? { providerId: row.provider_id, rawStatus: row.state } : null;
  }

  async checkCredentials(): Promise<CheckResult> {
    const label = 'Asterisk AMI login';
    const where = `${this.ctx.settings().sip.amiHost}:${this.ctx.settings().sip.amiPort}`;
    try {
      await this.ami.ready(this.timings.connectWaitMs);
      return { id: 'credentials', label, state: 'pass', detail: `Logged in to the Asterisk manager at ${where}.` };
    } catch (error) {
      return {
        id: 'credentials',
        label,
        state: 'fail',
        detail: (error as Error).message,
        fix: 'Check ASTERISK_AMI_HOST/PORT, that manager.conf enables AMI for this user (see build/asterisk/manager.conf), and the AMI password.',
      };
    }
  }
}

/** Ghostscript is looked for once per process; its absence is logged once, at startup, in plain words. */
let ghostscript: Promise<string | null> | null = null;

/** Keeps the AMI session across settings changes that do not touch it (registry refreshes are frequent). */
const live = new WeakMap<ProviderContext, SipProvider>();

export function createSipFactory(timings: Partial<SipTimings> = {}): ProviderFactory {
  const effective = { ...DEFAULT_TIMINGS, ...timings };
  return async (ctx) => {
    const password = await ctx.secret('sip.amiPassword');
    if (!password) return { missing: 'ASTERISK_AMI_PASSWORD is not set' };
    if (!ghostscript) {
      ghostscript = ghostscriptVersion();
      if ((await ghostscript) === null) ctx.log(GHOSTSCRIPT_MISSING);
    }
    if ((await ghostscript) === null) return { missing: GHOSTSCRIPT_MISSING };
    const { amiHost, amiPort, amiUsername } = ctx.settings().sip;
    const target = JSON.stringify([amiHost, amiPort, amiUsername, password]);
    const existing = live.get(ctx);
    if (existing?.amiTarget === target && !existing.closed) return existing;
    const ami = new AmiClient({ host: amiHost, port: amiPort, username: amiUsername, secret: password, log: ctx.log, ...effective.ami });
    const provider = new SipProvider(ctx.db, ami, ctx, target, effective);
    live.set(ctx, provider);
    return provider;
  };
}

export const sipFactory = createSipFactory();
