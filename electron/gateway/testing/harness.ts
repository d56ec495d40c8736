import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import type { Settings } from '../../../shared/settings';
import type { JobDetail } from '../../../shared/types';
import type { SettingsStore } from '../config';
import { EnvSecretStore } from '../secrets/env';
import { MemorySecretStore } from '../secrets/memory';
import { createGateway, type Gateway, type GatewayOptions } from '../server';

/** Settings kept in memory: what the settings file would hold. */
export function memorySettingsStore(initial: unknown = {}): SettingsStore & { saved: Settings | null } {
  let value: unknown = initial;
  return {
    path: ':memory:',
    saved: null,
    read: () => value,
    write(settings) {
      value = settings;
      this.saved = settings;
    },
  };
}

export interface TestGateway extends Gateway {
  dataDir: string;
  post(
    path: string,
    form: FormData,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  get(
    path: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Record<string, unknown>; bytes: Buffer }>;
  json(
    method: 'POST' | 'GET' | 'DELETE' | 'PUT' | 'PATCH',
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Record<string, unknown>; bytes: Buffer }>;
  /** The job's timeline messages, oldest first (what the window shows in the detail view). */
  timeline(id: string): Promise<string[]>;
  /** Waits (bounded) until the job reaches one of the statuses, returning the REST view. */
  waitForJob(id: string, states: string[], timeoutMs?: number, headers?: Record<string, string>): Promise<any>;
}

/** A gateway on port 0 with a temp data folder; env is only what the test passes (not process.env). */
export async function startTestGateway(
  options: { env?: Record<string, string>; settings?: unknown } & Partial<GatewayOptions> = {},
): Promise<TestGateway> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'fbd-gw-'));
  const gateway = await createGateway({
    port: 0,
    host: '127.0.0.1',
    log: () => undefined,
    // Faxbot env names (PHAXIO_API_SECRET, ...) reach the gateway the way they do in production.
    secretStore: new EnvSecretStore(new MemorySecretStore(), options.env ?? {}),
    settingsStore: memorySettingsStore(options.settings ?? { simulator: { stepDelayMs: 40 } }),
    outbox: { tickMs: 20 },
    ...options,
    dataDir,
    env: options.env ?? {},
  });
  const parse = async (res: Awaited<ReturnType<typeof request>>) => {
    const bytes = Buffer.from(await res.body.arrayBuffer());
    const type = String(res.headers['content-type'] ?? '');
    return {
      status: res.statusCode,
      headers: res.headers as Record<string, unknown>,
      bytes,
      body: type.includes('json') ? JSON.parse(bytes.toString() || 'null') : bytes.toString(),
    };
  };
  const self: TestGateway = {
    ...gateway,
    dataDir,
    async post(path, form, headers = {}) {
      const body = new Response(form);
      const res = await request(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': body.headers.get('content-type') as string },
        body: Buffer.from(await body.arrayBuffer()),
      });
      return parse(res);
    },
    async get(path, headers = {}) {
      return parse(await request(`${gateway.url}${path}`, { headers }));
    },
    async json(method, path, body, headers = {}) {
      return parse(
        await request(`${gateway.url}${path}`, {
          method,
          headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
    },
    async timeline(id) {
      const detail = await gateway.invoke('jobs:get', { id });
      if (!detail.ok) throw new Error(detail.error.message);
      return (detail.value as JobDetail).events.map((e) => e.message);
    },
    async waitForJob(id, states, timeoutMs = 10_000, headers = {}) {
      const deadline = Date.now() + timeoutMs;
      let last: any = null;
      while (Date.now() < deadline) {
        last = (await self.get(`/fax/${id}`, headers)).body;
        if (states.includes(last?.state)) return last;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`job ${id} did not reach ${states.join('/')} in ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
    },
    async close() {
      await gateway.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return self;
}

export function faxForm(to: string | null, file: { name: string; bytes: Uint8Array | string; type?: string } | null): FormData {
  const form = new FormData();
  if (to !== null) form.append('to', to);
  if (file)
    form.append(
      'file',
      new Blob([typeof file.bytes === 'string' ? file.bytes : Buffer.from(file.bytes)], { type: file.type ?? 'application/octet-stream' }),
      file.name,
    );
  return form;
}
