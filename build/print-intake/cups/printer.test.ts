import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobPage } from '../../../shared/types';
import { startTestGateway, type TestGateway } from '../../../electron/gateway/testing/harness';

/**
 * The real fax printer: a private cupsd (own config, spool and socket in a temp folder), the
 * queue installed by `npm run printer:install`, jobs printed with `lp -d Faxbot`, CUPS's own
 * filters and our backend, delivered to a gateway. Needs root (lpadmin, and CUPS runs the backend
 * as root only when it is root-owned) and the Debian packages scripts/setup-system.sh installs.
 */
const root = resolve(__dirname, '../../..');
const isRoot = process.getuid?.() === 0;
const BOUND_MS = 30_000;

let base = '';
let cupsd: ChildProcess | null = null;
let gw: TestGateway | null = null;
let cupsEnv: Record<string, string> = {};
let printDir = '';
let dataDir = '';
/** A developer's own installed printer keeps its backend: the test removes only what it added. */
const backendWasInstalled = existsSync('/usr/lib/cups/backend/faxbot');

function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { cwd: root, env: { ...process.env, ...cupsEnv }, encoding: 'utf8', timeout: BOUND_MS });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

async function until<T>(what: string, probe: () => Promise<T | null> | T | null, timeoutMs = BOUND_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function printText(name: string, text: string): string {
  const file = join(base, name);
  writeFileSync(file, text);
  return file;
}

async function printJobs(): Promise<{ file_name: string; pages: number; state: string; id: string }[]> {
  return (await gw!.get('/print-jobs')).body.print_jobs;
}

function lp(file: string, title: string): void {
  const result = run('lp', ['-d', 'Faxbot', '-t', title, file]);
  expect(result.status, result.output).toBe(0);
}

describe.skipIf(!isRoot)('Faxbot CUPS printer (private cupsd, real filters and backend)', () => {
  beforeAll(async () => {
    expect(existsSync('/usr/sbin/cupsd'), 'cupsd is missing: run bash scripts/setup-system.sh').toBe(true);
    base = mkdtempSync(join(tmpdir(), 'fbd-cups-'));
    chmodSync(base, 0o755);
    for (const dir of ['etc', 'spool', 'cache', 'state', 'log', 'home']) mkdirSync(join(base, dir), { mode: 0o755 });
    mkdirSync(join(base, 'tmp'), { mode: 0o1777 });
    chmodSync(join(base, 'tmp'), 0o1777);
    // FAXBOT_PRINT_HOME stands in for the printing user's home folder, so nothing lands in /root.
    writeFileSync(
      join(base, 'etc', 'cups-files.conf'),
      [
        `ServerRoot ${base}/etc`,
        `RequestRoot ${base}/spool`,
        `TempDir ${base}/tmp`,
        `CacheDir ${base}/cache`,
        `StateDir ${base}/state`,
        `ErrorLog ${base}/log/error_log`,
        `AccessLog ${base}/log/access_log`,
        `PageLog ${base}/log/page_log`,
        'User lp',
        'Group lp',
        'SystemGroup root',
        `SetEnv FAXBOT_PRINT_HOME ${base}/home`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(base, 'etc', 'cupsd.conf'),
      [
        'LogLevel info',
        `Listen ${base}/cups.sock`,
        'Browsing Off',
        'WebInterface No',
        '<Location />',
        '  Order allow,deny',
        '  Allow all',
        '</Location>',
        '<Policy default>',
        '  <Limit All>',
        '    Order deny,allow',
        '  </Limit>',
        '</Policy>',
        '',
      ].join('\n'),
    );
    cupsd = spawn('/usr/sbin/cupsd', ['-f', '-c', join(base, 'etc', 'cupsd.conf'), '-s', join(base, 'etc', 'cups-files.conf')], {
      stdio: 'ignore',
    });
    cupsEnv = { CUPS_SERVER: join(base, 'cups.sock') };
    await until('the private cupsd', () => (existsSync(join(base, 'cups.sock')) && run('lpstat', ['-r']).status === 0 ? true : null));

    const installed = run('npm', ['run', '--silent', 'printer:install']);
    expect(installed.status, installed.output).toBe(0);

    printDir = join(base, 'home', '.faxbot-desktop', 'print');
    dataDir = mkdtempSync(join(tmpdir(), 'fbd-gw-'));
    gw = await startTestGateway({ printDir, dataDir });
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
    if (cupsd?.pid) {
      if (!backendWasInstalled) {
        const removed = run('npm', ['run', '--silent', 'printer:uninstall']);
        expect(removed.status, removed.output).toBe(0);
        expect(run('lpstat', ['-v', 'Faxbot']).status).not.toBe(0);
        expect(existsSync('/usr/lib/cups/backend/faxbot')).toBe(false);
      }
      // cupsd writes its cache while it stops: wait (bounded) before removing its folders.
      const exited = new Promise((resolve) => cupsd!.once('exit', resolve));
      cupsd.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    }
    if (base) rmSync(base, { recursive: true, force: true });
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('installs a PDF queue (not raw) through the faxbot backend', () => {
    expect(run('lpstat', ['-v', 'Faxbot']).output).toContain('faxbot:/');
    const ppd = readFileSync(join(base, 'etc', 'ppd', 'Faxbot.ppd'), 'utf8');
    expect(ppd).toContain('*cupsFilter2: "application/vnd.cups-pdf application/pdf 0 -"');
  });

  it('PDF, PostScript and text print jobs each arrive with the right page count', async () => {
    lp(join(root, 'e2e/fixtures/three-page-letter.pdf'), 'Referral');
    lp(
      printText(
        'two-pages.ps',
        '%!PS\n/Helvetica findfont 24 scalefont setfont\n72 700 moveto (page one) show showpage\n72 700 moveto (page two) show showpage\n',
      ),
      'Chart',
    );
    lp(printText('memo.txt', 'Memo\nPlease call back.\n'), 'Memo');
    const jobs = await until('three print jobs', async () => {
      const list = await printJobs();
      return list.length >= 3 ? list : null;
    });
    const pages = Object.fromEntries(jobs.map((j) => [j.file_name, j.pages]));
    expect(pages).toEqual({ Referral: 3, Chart: 2, Memo: 1 });
    expect(jobs.every((j) => j.state === 'waiting')).toBe(true);
  }, 60_000);

  it('with autosend on, a tagged print job is faxed and reaches SUCCESS', async () => {
    const updated = await gw!.invoke('settings:update', { patch: { print: { autosendTagged: true } } });
    expect(updated.ok).toBe(true);
    lp(printText('tagged.txt', 'Lab order\nSend to @@fax:+15551234567@@\n'), 'Lab order');
    // From a program's print dialog: PostScript, made PDF by Ghostscript; the tag is read from its text layer.
    lp(
      printText('tagged.ps', '%!PS\n/Helvetica findfont 12 scalefont setfont\n72 700 moveto (Fax to @@fax:+15551234568@@) show showpage\n'),
      'Tagged PostScript',
    );
    for (const [title, number] of [
      ['Lab order', '+15551234567'],
      ['Tagged PostScript', '+15551234568'],
    ]) {
      const job = await until(`the tagged fax ${title}`, async () => {
        const page = (await gw!.invoke('jobs:list', {})) as { ok: true; value: JobPage };
        return page.value.items.find((j) => j.fileName === title) ?? null;
      });
      const done = await gw!.waitForJob(job.id, ['delivered', 'failed'], BOUND_MS);
      expect(done).toMatchObject({ status: 'SUCCESS', to_e164: number, pages: 1 });
    }
  }, 60_000);

  it('a job printed while the gateway is stopped is kept and delivered when it starts', async () => {
    await gw!.close();
    gw = null;
    lp(printText('late.txt', 'Printed while the app was closed\n'), 'Late');
    const spool = join(printDir, 'spool');
    await until('the job in the spool', () => (readdirSync(spool).some((f) => f.endsWith('.job')) ? true : null));
    gw = await startTestGateway({ printDir, dataDir });
    const late = await until('the late job', async () => (await printJobs()).find((j) => j.file_name === 'Late') ?? null, 60_000);
    expect(late).toMatchObject({ pages: 1, state: 'waiting' });
    expect(readdirSync(spool).filter((f) => f.endsWith('.job'))).toEqual([]);
  }, 90_000);
});
