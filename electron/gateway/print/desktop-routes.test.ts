import { execFile, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../testing/harness';
import { installRoute, removeRoute, routeInstalled, routePath, type DesktopRouteContext } from './desktop-routes';
import { readShellLink } from './shell-link';

const root = resolve(__dirname, '../../..');
/** The names the packaged app really gets: read from the builder config, not repeated here. */
const builderConfig = createRequire(__filename)(join(root, 'build/electron-builder.config.cjs')) as { productName: string };
const productName = builderConfig.productName;
const letter = readFileSync(join(root, 'e2e/fixtures/three-page-letter.pdf'));

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.close();
  gw = null;
});

function context(over: Partial<DesktopRouteContext>): DesktopRouteContext {
  return {
    platform: 'linux',
    env: {},
    home: mkdtempSync(join(tmpdir(), 'fbd-home-')),
    productName,
    appExecutable: null,
    printIntakeDir: join(root, 'build/print-intake'),
    printDir: null,
    ...over,
  };
}

describe('Windows Send To', () => {
  it('writes "<productName> (fax).lnk" in the per-user SendTo folder, pointing at the app, and removes it', async () => {
    const appData = mkdtempSync(join(tmpdir(), 'fbd-appdata-'));
    const exe = `C:\\Program Files\\${productName}\\${productName}.exe`;
    const ctx = context({ platform: 'win32', env: { APPDATA: appData }, appExecutable: exe });
    const path = await installRoute('send-to', ctx);
    expect(path).toBe(join(appData, 'Microsoft', 'Windows', 'SendTo', `${productName} (fax).lnk`));
    expect(await routeInstalled('send-to', ctx)).toBe(true);
    expect(readShellLink(readFileSync(path))).toEqual({ target: exe, description: `Fax with ${productName}`, iconLocation: exe });
    // An independent reader (libyal's lnkinfo, installed by scripts/setup-system.sh) agrees.
    const info = spawnSync('lnkinfo', [path], { encoding: 'utf8', timeout: 10_000 });
    expect(info.status, info.stderr).toBe(0);
    expect(info.stdout).toContain(`Local path\t\t\t: ${exe}`);
    expect(info.stdout).toContain(`Description\t\t\t: Fax with ${productName}`);
    await removeRoute('send-to', ctx);
    expect(existsSync(path)).toBe(false);
  });

  it('is refused with a reason outside Windows or without the desktop app', async () => {
    await expect(installRoute('send-to', context({ platform: 'linux' }))).rejects.toThrow('Send To exists only on Windows');
    const headless = context({ platform: 'win32', env: { APPDATA: mkdtempSync(join(tmpdir(), 'fbd-appdata-')) } });
    await expect(installRoute('send-to', headless)).rejects.toThrow(/Open the desktop app/);
  });
});

describe('macOS PDF Services', () => {
  it('adds "Fax with <productName>" to ~/Library/PDF Services; printing through it delivers the PDF to the gateway', async () => {
    const printDir = join(mkdtempSync(join(tmpdir(), 'fbd-print-')), 'print');
    gw = await startTestGateway({ printDir });
    await gw.core.printSpool?.initialScan;
    const ctx = context({ platform: 'darwin', printDir });
    const path = await installRoute('pdf-services', ctx);
    expect(path).toBe(join(ctx.home, 'Library', 'PDF Services', `Fax with ${productName}`));
    expect(statSync(path).mode & 0o777).toBe(0o755);
    expect(routePath('pdf-services', context({ platform: 'linux' }))).toBeNull();

    // What macOS does from the print dialog: run the item with title, options and a temporary PDF.
    const spooled = join(ctx.home, 'print-spool-temp.pdf');
    writeFileSync(spooled, letter);
    // Asynchronously: the gateway in this process must answer the script's poke meanwhile.
    await promisify(execFile)('/bin/sh', [path, 'Referral from Preview', 'copies=1', spooled], { timeout: 20_000 });
    const listed = (await gw.get('/print-jobs')).body.print_jobs;
    expect(listed).toMatchObject([{ source: 'printer', file_name: 'Referral from Preview', pages: 3, state: 'waiting' }]);

    await removeRoute('pdf-services', ctx);
    expect(await routeInstalled('pdf-services', ctx)).toBe(false);
  });
});
