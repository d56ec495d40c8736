import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDiagnostics } from './services/diagnostics';
import { startTestGateway } from './testing/harness';

const root = join(import.meta.dirname, '..', '..');

/** Another program holding a loopback port. */
let holder: Server;
let busyPort: number;
let dataDir: string;
beforeEach(async () => {
  holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  busyPort = (holder.address() as { port: number }).port;
  dataDir = mkdtempSync(join(tmpdir(), 'fbd-port-'));
});
afterEach(async () => {
  await new Promise((resolve) => holder.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the Faxbot REST port is held by another program', () => {
  it('the desktop gateway still starts on a free loopback port and says which port is busy and how to change it', async () => {
    const gateway = await startTestGateway({ port: busyPort, fallbackWhenPortBusy: true, dataDir });
    try {
      expect(gateway.port).not.toBe(busyPort);
      expect((await gateway.get('/health')).status).toBe(200);
      const status = await gateway.core.status();
      expect(status.restPortBusy).toBe(busyPort);
      const check = (await runDiagnostics(gateway.core)).checks.find((c) => c.id === 'rest-port');
      expect(check).toMatchObject({ state: 'fail' });
      expect(check?.detail).toContain(`Port ${busyPort} is in use`);
      expect(check?.fix).toContain('PORT');
    } finally {
      await gateway.close();
    }
  });

  it('with its port free, the gateway reports no busy port and the check passes', async () => {
    const gateway = await startTestGateway({ fallbackWhenPortBusy: true, dataDir });
    try {
      expect((await gateway.core.status()).restPortBusy).toBeUndefined();
      const check = (await runDiagnostics(gateway.core)).checks.find((c) => c.id === 'rest-port');
      expect(check).toMatchObject({ state: 'pass' });
    } finally {
      await gateway.close();
    }
  });

  it('the headless gateway exits non-zero with one line naming the port, no stack trace', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'electron/gateway/cli.ts', '--port', String(busyPort), '--data-dir', dataDir],
      {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', HOME: dataDir, FAX_BACKEND: 'simulator' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).not.toBe(0);
    // stdout may carry start-up notices (e.g. no OS keychain here); the failure itself is one stderr line.
    expect(stdout).not.toContain('listening');
    const lines = stderr.trim().split('\n');
    expect(lines, stderr).toHaveLength(1);
    expect(lines[0]).toContain(`Port ${busyPort} is already in use`);
    expect(lines[0]).toContain('PORT=');
    expect(stdout + stderr).not.toMatch(/^\s+at /m);
  }, 30_000);
});
