import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { PrintRoutesView } from '../../../shared/types';
import type { GatewayCore } from '../core';
import { routeInstalled, routePath, type DesktopRoute } from './desktop-routes';

/** The CUPS queue `npm run printer:install` creates. */
export const PRINTER_QUEUE = 'Faxbot';

/** Is the Faxbot queue there, and does it use our backend? `lpstat` asks whichever cupsd CUPS_SERVER names. */
function printerInstalled(): Promise<boolean> {
  if (process.platform !== 'linux' && process.platform !== 'darwin') return Promise.resolve(false);
  return new Promise((resolve) => {
    execFile('lpstat', ['-v', PRINTER_QUEUE], { timeout: 3000 }, (error, stdout) => resolve(!error && /faxbot:\//.test(stdout)));
  });
}

async function desktopRoute(core: GatewayCore, route: DesktopRoute): Promise<{ installed: boolean; path: string } | null> {
  const path = routePath(route, core.desktopRoutes);
  return path ? { installed: await routeInstalled(route, core.desktopRoutes), path } : null;
}

export async function printRoutes(core: GatewayCore): Promise<PrintRoutesView> {
  const last = core.printJobs.lastReceived();
  const platform = process.platform;
  return {
    platform: platform === 'linux' || platform === 'darwin' || platform === 'win32' ? platform : 'other',
    printDir: core.printSpool?.dir ?? null,
    printer: { installed: await printerInstalled(), queue: PRINTER_QUEUE, lastReceivedAt: last.printer ?? null },
    hotFolder: {
      folder: core.settings.current.print.hotFolder,
      watching: core.settings.current.print.hotFolder !== '' && existsSync(core.settings.current.print.hotFolder),
      lastReceivedAt: last['hot-folder'] ?? null,
    },
    openFile: { lastReceivedAt: last['open-file'] ?? null },
    sendTo: await desktopRoute(core, 'send-to'),
    pdfServices: await desktopRoute(core, 'pdf-services'),
    autosendTagged: core.settings.current.print.autosendTagged,
    waiting: core.printJobs.list().length,
  };
}
