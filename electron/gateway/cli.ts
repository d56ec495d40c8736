import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from './config';
import { defaultPrintDir } from './print/spool';
import { createGateway, PortBusyError } from './server';

/**
 * Headless entry: `npm start` falls back to it when no Electron binary exists, and
 * `npm start -- --headless` forces it. Prints the URL and a one-time sign-in link.
 */
async function main(): Promise<void> {
  // The MCP SDK loads only for the `mcp` subcommand; the gateway itself starts without it.
  if (process.argv[2] === 'mcp') return (await import('./mcp/stdio-bridge')).runMcpSubcommand(process.env, () => process.exit(0));
  const { values } = parseArgs({
    options: {
      headless: { type: 'boolean', default: true },
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      'Usage: npm start -- --headless [--port 8080] [--host 127.0.0.1] [--data-dir DIR]\n' +
        'Environment: Faxbot names (FAX_BACKEND, API_KEY, PUBLIC_API_URL, ...); see README.md.',
    );
    return;
  }
  const dataDir = resolve(values['data-dir'] ?? process.env.FAX_DATA_DIR ?? join(homedir(), '.faxbot-desktop'));
  const rendererDir = resolve('dist/renderer');
  const gateway = await createGateway({
    dataDir,
    port: values.port !== undefined ? Number(values.port) : undefined,
    host: values.host,
    rendererDir: existsSync(join(rendererDir, 'index.html')) ? rendererDir : null,
    printDir: defaultPrintDir(process.env),
  });
  const status = await gateway.core.status();
  console.log(`Faxbot Desktop gateway listening on ${gateway.url}`);
  console.log(`Backend: ${status.backend}${status.testMode ? ' (test mode: no real faxes are sent)' : ''}`);
  console.log(`Data folder: ${dataDir}`);
  console.log(`Open the window in a browser (one-time sign-in link, valid 10 minutes):\n  ${gateway.uiLoginUrl()}`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing in-flight work and shutting down...`);
    await gateway.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`Configuration error: ${error.message}`);
  else if (error instanceof PortBusyError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
