import type { MediaTokens } from '../security/media-tokens';
import type { AuditLog } from './audit';
import type { InboundService } from './inbound';
import type { JobsService } from './jobs';
import type { SettingsService } from './settings';

export interface RetentionDeps {
  now: () => number;
  jobs: JobsService;
  inbound: InboundService;
  tokens: MediaTokens;
  settings: SettingsService;
  audit: AuditLog;
  log: (message: string) => void;
}

const BATCH = 500;
const MAX_BATCHES = 20;

/**
 * ARTIFACT_TTL_DAYS removes finished outbound documents; INBOUND_RETENTION_DAYS removes inbound
 * ones. They are independent (in Faxbot inbound retention silently needed the outbound TTL too).
 * Rows and timelines are kept; every run is logged with its counts. AUDIT_LOG_RETENTION_DAYS deletes
 * old audit rows (the audit file is for the system's own log rotation).
 */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: RetentionDeps) {}

  start(): void {
    this.stop();
    const schedule = () => {
      const minutes = this.deps.settings.current.cleanupIntervalMinutes;
      this.timer = setTimeout(() => {
        void this.runOnce()
          .catch((error) => this.deps.log(`retention sweep failed: ${(error as Error).message}`))
          .finally(schedule);
      }, minutes * 60_000);
      this.timer.unref();
    };
    schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  async runOnce(): Promise<{ outbound: number; inbound: number; tokens: number; audit: number }> {
    let outbound = 0;
    const ttlDays = this.deps.settings.current.artifactTtlDays;
    if (ttlDays > 0) {
      const cutoff = this.deps.now() - ttlDays * 86_400_000;
      for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
        const rows = await this.deps.jobs.finishedBefore(cutoff, BATCH);
        for (const row of rows) await this.deps.jobs.deleteArtifacts(row);
        outbound += rows.length;
        if (rows.length < BATCH) break;
      }
    }
    const inbound = await this.deps.inbound.sweepRetention();
    const tokens = await this.deps.tokens.sweep();
    const auditDays = this.deps.settings.current.audit.retentionDays;
    const audit = auditDays > 0 ? await this.deps.audit.sweep(this.deps.now() - auditDays * 86_400_000) : 0;
    this.deps.audit.record('retention_sweep', {
      count: outbound + inbound + audit,
      reason: `outbound=${outbound},inbound=${inbound},audit=${audit}`,
    });
    if (outbound + inbound > 0) this.deps.log(`retention: removed ${outbound} outbound and ${inbound} inbound documents`);
    if (audit > 0) this.deps.log(`retention: removed ${audit} audit rows older than ${auditDays} days`);
    return { outbound, inbound, tokens, audit };
  }
}
