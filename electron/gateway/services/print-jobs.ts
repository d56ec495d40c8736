import { mkdirSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PrintJobView, PrintSource } from '../../../shared/types';
import { findFaxTags, pdfText } from '../documents/fax-tags';
import type { Db } from '../store/db';
import type { AuditLog } from './audit';
import { AppError, badRequest, conflict, notFound } from './errors';
import type { EventBus } from './event-bus';
import { cleanFileName, type IntakeService } from './intake';
import type { SettingsService } from './settings';

interface PrintJobRow {
  id: string;
  origin_key: string;
  source: PrintSource;
  file_name: string | null;
  pages: number;
  tag_numbers: string;
  state: PrintJobView['state'];
  reason: string | null;
  job_ids: string;
  filed_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface PrintJobsDeps {
  db: Db;
  dataDir: string;
  now: () => number;
  newId: () => string;
  intake: IntakeService;
  settings: SettingsService;
  events: EventBus;
  audit: AuditLog;
  /** The phone book: the numbers a `@@fax:NAME@@` tag stands for; throws a readable error for an unknown name. */
  faxNumbersNamed: (name: string) => string[];
  log: (message: string) => void;
}

export interface ReceivedDocument {
  source: PrintSource;
  name: string;
  bytes: Uint8Array;
  /** Where it came from (a spool file, a hot-folder file version): the same origin is taken once. */
  originKey?: string;
  /** Numbers the route itself knows (a hot-folder file name); tags in the text are added to them. */
  numbers?: string[];
  /** Hot folder: a document with no number is refused ("no fax number") instead of waiting. */
  requireNumber?: boolean;
  apiKeyId?: string | null;
}

function view(row: PrintJobRow): PrintJobView {
  return {
    id: row.id,
    source: row.source,
    fileName: row.file_name,
    pages: row.pages,
    tagNumbers: JSON.parse(row.tag_numbers) as string[],
    state: row.state,
    reason: row.reason,
    jobIds: JSON.parse(row.job_ids) as string[],
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/**
 * The one intake for documents that arrive without a confirmed number: printer, hot folder,
 * open-file/second instance/Send To/PDF Services, and REST. Each is checked by the same
 * IntakeService.toPdf as a desktop send; it then waits for a person, except under the two
 * automation rules (tagged + PRINT_AUTOSEND_TAGGED, and the hot folder).
 */
export class PrintJobsService {
  private readonly dir: string;
  private dirReady = false;

  constructor(private readonly deps: PrintJobsDeps) {
    this.dir = join(deps.dataDir, 'print-jobs');
    // A crash while sending leaves the row 'sending'; some faxes may exist, so a person decides.
    deps.db
      .prepare(
        "UPDATE print_jobs SET state = 'waiting', reason = 'Interrupted while sending: check Jobs before sending it again', updated_at = ? WHERE state = 'sending'",
      )
      .run(deps.now());
  }

  private file(id: string): string {
    return join(this.dir, `${id}.pdf`);
  }

  private row(id: string): PrintJobRow {
    const row = this.deps.db.prepare('SELECT * FROM print_jobs WHERE id = ?').get(id) as PrintJobRow | undefined;
    if (!row) throw notFound('Print job not found');
    return row;
  }

  get(id: string): PrintJobView {
    return view(this.row(id));
  }

  byOrigin(originKey: string): PrintJobView | null {
    const row = this.deps.db.prepare('SELECT * FROM print_jobs WHERE origin_key = ?').get(originKey) as PrintJobRow | undefined;
    return row ? view(row) : null;
  }

  /** Documents waiting for a number, newest first. */
  list(): PrintJobView[] {
    const rows = this.deps.db
      .prepare("SELECT * FROM print_jobs WHERE state = 'waiting' ORDER BY created_at DESC, id LIMIT 200")
      .all() as PrintJobRow[];
    return rows.map(view);
  }

  lastReceived(): Partial<Record<PrintSource, string>> {
    const rows = this.deps.db.prepare('SELECT source, MAX(created_at) AS at FROM print_jobs GROUP BY source').all() as {
      source: PrintSource;
      at: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.source, new Date(r.at).toISOString()]));
  }

  /** Hot-folder documents whose outcome has not been filed yet (survives restarts). */
  unfiled(source: PrintSource): PrintJobView[] {
    const rows = this.deps.db
      .prepare("SELECT * FROM print_jobs WHERE source = ? AND filed_at IS NULL AND state IN ('sent', 'rejected', 'waiting')")
      .all(source) as PrintJobRow[];
    return rows.map(view);
  }

  /** The hot folder filed the document under failed/ or sent/: it no longer waits in the window. */
  async markFiled(id: string): Promise<void> {
    const now = this.deps.now();
    this.deps.db
      .prepare(
        "UPDATE print_jobs SET filed_at = ?, updated_at = ?, state = CASE state WHEN 'waiting' THEN 'rejected' ELSE state END WHERE id = ?",
      )
      .run(now, now, id);
    await rm(this.file(id), { force: true });
  }

  async receive(input: ReceivedDocument): Promise<PrintJobView> {
    if (input.originKey) {
      const seen = this.byOrigin(input.originKey);
      if (seen) return seen;
    }
    const name = cleanFileName(input.name) ?? 'Print job';
    const maxMb = this.deps.settings.current.maxFileSizeMb;
    if (input.bytes.length > maxMb * 1024 * 1024) throw new AppError('too_large', `${name}: the file exceeds the ${maxMb} MB limit`);
    const { pdf, pages } = await this.deps.intake.toPdf({ name, bytes: input.bytes });
    let text = '';
    try {
      text = await pdfText(pdf);
    } catch (error) {
      // Preflight accepted the PDF; a text-extraction failure only means no tags are found.
      this.deps.log(`print job: text extraction failed (${(error as Error).message})`);
    }
    const { numbers, problems } = this.tagNumbers([...(input.numbers ?? []), ...findFaxTags(text)]);
    const id = this.deps.newId();
    if (!this.dirReady) {
      mkdirSync(this.dir, { recursive: true });
      this.dirReady = true;
    }
    await writeFile(this.file(id), pdf);
    const now = this.deps.now();
    // A name that is not in the phone book is never guessed at: the document waits (or the hot folder refuses it).
    const problem = problems.length > 0 ? problems.join('; ') : null;
    const refused = input.requireNumber && (numbers.length === 0 || problem !== null);
    this.deps.db
      .prepare(
        `INSERT INTO print_jobs (id, origin_key, source, file_name, pages, tag_numbers, state, reason, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        input.originKey ?? `${input.source}:${id}`,
        input.source,
        name,
        pages,
        JSON.stringify(numbers),
        refused ? 'rejected' : 'waiting',
        problem ?? (refused ? 'no fax number' : null),
        now,
        now,
      );
    this.deps.audit.record('print_job_received', { source: input.source, count: numbers.length });
    if (refused) await rm(this.file(id), { force: true });
    const automatic =
      !refused && !problem && numbers.length > 0 && (input.source === 'hot-folder' || this.deps.settings.current.print.autosendTagged);
    if (automatic) {
      try {
        await this.send(id, numbers, input.apiKeyId ?? null);
      } catch (error) {
        this.update(id, { reason: (error as Error).message });
      }
    }
    const received = this.get(id);
    this.changed(received.state === 'waiting');
    return received;
  }

  /** Tag values as E.164 numbers: a number as written, anything else a phone-book name or group. */
  private tagNumbers(values: readonly string[]): { numbers: string[]; problems: string[] } {
    const numbers: string[] = [];
    const problems: string[] = [];
    for (const value of values) {
      let found: string[];
      try {
        found = [this.deps.intake.normalize(value).e164];
      } catch {
        try {
          found = /[a-z]/i.test(value) ? this.deps.faxNumbersNamed(value) : [];
        } catch (error) {
          problems.push((error as Error).message);
          continue;
        }
        if (found.length === 0) problems.push(`'${value.slice(0, 64)}' is not a fax number`);
      }
      for (const e164 of found) if (!numbers.includes(e164)) numbers.push(e164);
    }
    return { numbers, problems };
  }

  /** A person (or an automation rule) sends a waiting document: one fax per number. */
  async send(id: string, to: readonly string[], apiKeyId: string | null = null): Promise<PrintJobView> {
    if (to.length === 0) throw badRequest('Add a fax number');
    const row = this.row(id);
    if (row.state !== 'waiting') throw conflict(`This print job is ${row.state} and cannot be sent`);
    // Every number is checked before any fax is created, so a typo sends nothing.
    const numbers = to.map((raw) => this.deps.intake.normalize(raw).input);
    const bytes = await readFile(this.file(id));
    const claimed = this.deps.db
      .prepare("UPDATE print_jobs SET state = 'sending', updated_at = ? WHERE id = ? AND state = 'waiting'")
      .run(this.deps.now(), id);
    if (claimed.changes === 0) throw conflict('This print job is already being sent');
    const jobIds: string[] = [];
    try {
      for (const number of numbers) {
        const job = await this.deps.intake.acceptDocuments({
          to: number,
          documents: [{ name: row.file_name ?? 'Print job.pdf', bytes }],
          apiKeyId,
        });
        jobIds.push(job.id);
      }
    } catch (error) {
      this.update(id, {
        state: 'waiting',
        job_ids: JSON.stringify(jobIds),
        reason: `${jobIds.length} of ${numbers.length} faxes were queued before an error: ${(error as Error).message}`,
      });
      this.changed();
      throw error;
    }
    this.update(id, { state: 'sent', job_ids: JSON.stringify(jobIds), reason: null });
    await rm(this.file(id), { force: true });
    this.changed();
    return this.get(id);
  }

  /**
   * The Send form faxes waiting documents with its own recipients and options. Each is claimed
   * first, so the same document cannot also be sent from the list, by the API or twice; it is
   * marked sent with the new faxes, or waits again if the send is refused.
   */
  async sendingWith<T>(ids: readonly string[], send: () => Promise<T>, jobIdsOf: (sent: T) => string[]): Promise<T> {
    const claim = this.deps.db.prepare("UPDATE print_jobs SET state = 'sending', updated_at = ? WHERE id = ? AND state = 'waiting'");
    const release = this.deps.db.prepare("UPDATE print_jobs SET state = 'waiting', updated_at = ? WHERE id = ? AND state = 'sending'");
    const claimed: string[] = [];
    let sent: T;
    try {
      for (const id of new Set(ids)) {
        const row = this.row(id);
        if (claim.run(this.deps.now(), id).changes === 0) {
          throw conflict(`${row.file_name ?? 'This print job'} is already ${row.state === 'sending' ? 'being sent' : row.state}`);
        }
        claimed.push(id);
      }
      sent = await send();
    } catch (error) {
      for (const id of claimed) release.run(this.deps.now(), id);
      throw error;
    }
    for (const id of claimed) {
      this.update(id, { state: 'sent', job_ids: JSON.stringify(jobIdsOf(sent)), reason: null });
      await rm(this.file(id), { force: true });
    }
    if (claimed.length > 0) this.changed();
    return sent;
  }

  async discard(id: string): Promise<PrintJobView> {
    const row = this.row(id);
    if (row.state !== 'waiting') throw conflict(`This print job is ${row.state} and cannot be discarded`);
    this.update(id, { state: 'discarded' });
    await rm(this.file(id), { force: true });
    this.changed();
    return this.get(id);
  }

  /** The waiting document itself, for the Send page's preview and attachment. */
  async document(id: string): Promise<Buffer> {
    const row = this.row(id);
    if (row.state !== 'waiting') throw conflict(`This print job is ${row.state}`);
    return readFile(this.file(id));
  }

  private update(id: string, fields: Partial<Pick<PrintJobRow, 'state' | 'reason' | 'job_ids'>>): void {
    const sets = Object.keys(fields).map((key) => `${key} = @${key}`);
    this.deps.db
      .prepare(`UPDATE print_jobs SET ${sets.join(', ')}, updated_at = @now WHERE id = @id`)
      .run({ ...fields, now: this.deps.now(), id });
  }

  private changed(added = false): void {
    this.deps.events.emit('print:changed', { waiting: this.list().length, added });
  }
}
