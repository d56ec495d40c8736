import { chmod, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { badRequest } from '../services/errors';
import { shellLinkBytes } from './shell-link';

/**
 * Per-user, no-admin routes into the app, installed and removed from Settings:
 * - Windows: Explorer → Send to → "<productName> (fax)", a .lnk in %APPDATA%\Microsoft\Windows\SendTo
 *   to the app's executable; the files arrive as arguments (second-instance).
 * - macOS: print dialog → PDF → "Fax with <productName>", a PDF Services tool in ~/Library/PDF Services.
 *   macOS runs it with title, options and a temporary PDF; it hands the PDF to faxbot-deliver (the
 *   CUPS printer's own delivery step), so it lands in the same per-user spool and is never lost.
 */
export type DesktopRoute = 'send-to' | 'pdf-services';

export interface DesktopRouteContext {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  home: string;
  /** The installed names come from build/electron-builder.config.cjs (productName). */
  productName: string;
  /** The running app's executable (Electron's process.execPath); null in headless mode. */
  appExecutable: string | null;
  /** The shipped build/print-intake folder (resources/print-intake when packaged). */
  printIntakeDir: string;
  /** The per-user print folder (print/spool.ts). */
  printDir: string | null;
}

/** Headless and tests: the names from package.json (the builder config's productName comes from there too). */
export function sourceTreeDesktop(): { productName: string; printIntakeDir: string } {
  let productName = 'Faxbot Desktop';
  try {
    productName =
      (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { productName?: string }).productName ??
      productName;
  } catch {
    // A bundle without package.json beside it keeps the default.
  }
  return { productName, printIntakeDir: resolve('build/print-intake') };
}

export function routePath(route: DesktopRoute, ctx: DesktopRouteContext): string | null {
  if (route === 'send-to') {
    if (ctx.platform !== 'win32' || !ctx.env.APPDATA) return null;
    return join(ctx.env.APPDATA, 'Microsoft', 'Windows', 'SendTo', `${ctx.productName} (fax).lnk`);
  }
  if (ctx.platform !== 'darwin') return null;
  return join(ctx.home, 'Library', 'PDF Services', `Fax with ${ctx.productName}`);
}

/** Single-quoted for /bin/sh. */
function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function pdfServicesScript(ctx: DesktopRouteContext): string {
  if (!ctx.printDir) throw badRequest('The print folder is off in this gateway');
  const deliver = join(ctx.printIntakeDir, 'cups', 'faxbot-deliver');
  return [
    '#!/bin/sh',
    `# Fax with ${ctx.productName}: added by its Settings → Print to fax. macOS passes title, options, PDF.`,
    '# The PDF is a temporary file, so it is spooled at once; the app takes it (now, or when it starts).',
    `/bin/sh ${shQuote(deliver)} ${shQuote(ctx.printDir)} "$$" "$1" < "$3" || exit 1`,
    `[ "$(uname -s)" = Darwin ] && open -a ${shQuote(ctx.productName)} >/dev/null 2>&1`,
    'exit 0',
    '',
  ].join('\n');
}

export async function installRoute(route: DesktopRoute, ctx: DesktopRouteContext): Promise<string> {
  const path = routePath(route, ctx);
  if (!path) throw badRequest(route === 'send-to' ? 'Send To exists only on Windows' : 'PDF Services exist only on macOS');
  if (route === 'send-to') {
    if (!ctx.appExecutable) throw badRequest('Open the desktop app to add Send To (the browser window cannot name the program)');
    await mkdir(dirname(path), { recursive: true });
    await writeFile(
      path,
      shellLinkBytes({ target: ctx.appExecutable, description: `Fax with ${ctx.productName}`, iconLocation: ctx.appExecutable }),
    );
  } else {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, pdfServicesScript(ctx), { mode: 0o755 });
    await chmod(path, 0o755);
  }
  return path;
}

export async function removeRoute(route: DesktopRoute, ctx: DesktopRouteContext): Promise<void> {
  const path = routePath(route, ctx);
  if (path) await rm(path, { force: true });
}

export async function routeInstalled(route: DesktopRoute, ctx: DesktopRouteContext): Promise<boolean> {
  const path = routePath(route, ctx);
  return path !== null && (await stat(path).catch(() => null)) !== null;
}
