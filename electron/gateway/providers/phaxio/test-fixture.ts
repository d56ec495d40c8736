// Test-only: a gateway on the Phaxio backend wired to the loopback Phaxio emulator.
import { FormData, request } from 'undici';
import { phaxioSignature, startPhaxioEmulator, type EmulatedPhaxioFax, type PhaxioEmulator } from '../../../../e2e/emulators/phaxio';
import type { DeliveredCallback } from '../../../../e2e/emulators/common';
import type { JobDetail } from '../../../../shared/types';
import { EnvSecretStore } from '../../secrets/env';
import { MemorySecretStore } from '../../secrets/memory';
import { faxForm, startTestGateway, type TestGateway } from '../../testing/harness';
import { createPhaxioFactory } from './provider';
import { registerPhaxioRoutes } from './routes';

export const KEY = 'key_live_test';
export const SECRET = 'secret_live_test';
export const TOKEN = 'cbtoken-test';

export const fastRetry = {
  busyDelaySeconds: 1,
  noAnswerDelaySeconds: 1,
  lineErrorDelaySeconds: 1,
  providerDelaySeconds: 1,
  maxAttempts: 3,
};

export interface PhaxioRig {
  gw: TestGateway;
  emu: PhaxioEmulator;
  send(to: string, text?: string): Promise<string>;
  faxesFor(jobId: string): EmulatedPhaxioFax[];
  timeline(jobId: string): Promise<string[]>;
  audit(event: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export async function startPhaxioRig(
  options: { env?: Record<string, string>; settings?: Record<string, unknown>; publicUrl?: boolean; startWorkers?: boolean } = {},
): Promise<PhaxioRig> {
  const emu = await startPhaxioEmulator({ apiKey: KEY, apiSecret: SECRET, callbackToken: TOKEN, stepDelayMs: 20, retrySchedule: [30, 30] });
  const env = {
    FAX_BACKEND: 'phaxio',
    PHAXIO_BASE_URL: emu.url,
    PHAXIO_API_KEY: KEY,
    PHAXIO_API_SECRET: SECRET,
    PHAXIO_CALLBACK_TOKEN: TOKEN,
    ...options.env,
  };
  const gw = await startTestGateway({
    env,
    settings: { retry: fastRetry, ...options.settings },
    // The harness's memory store ignores env; production layers env over the keychain the same way.
    secretStore: new EnvSecretStore(new MemorySecretStore(), env),
    // Fast polling without a public URL; with one, polling is too slow to matter, so callbacks must work.
    providerFactories: { phaxio: createPhaxioFactory({ pollWithoutCallbacksMs: 100, pollWithCallbacksMs: 60_000 }) },
    routes: [registerPhaxioRoutes],
    startWorkers: options.startWorkers,
  });
  if (options.publicUrl) {
    // The URL is only known once listening; loopback http is allowed even with ENFORCE_PUBLIC_HTTPS.
    const updated = await gw.invoke('settings:update', { patch: { publicApiUrl: gw.url } });
    if (!updated.ok) throw new Error(updated.error.message);
    await gw.core.providers.refresh();
  }
  return {
    gw,
    emu,
    async send(to, text = 'Hello from the Phaxio test') {
      const res = await gw.post('/fax', faxForm(to, { name: 'memo.txt', bytes: text }));
      if (res.status !== 202) throw new Error(`POST /fax answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body.id as string;
    },
    faxesFor: (jobId) => emu.faxes().filter((f) => f.fax.tags.faxbot_job === jobId),
    async timeline(jobId) {
      const detail = await gw.invoke('jobs:get', { id: jobId });
      if (!detail.ok) throw new Error(detail.error.message);
      return (detail.value as JobDetail).events.map((e) => e.message);
    },
    async audit(event) {
      return gw.core.audit.recent(200, event) as unknown as Record<string, unknown>[];
    },
    async close() {
      await gw.close();
      await emu.close();
    },
  };
}

export type Fields = Array<[string, string]>;
export type Files = Array<{ name: string; filename: string; data: Uint8Array }>;

/** The official X-Phaxio-Signature for a body, via the emulator's independent signer. */
export function sign(url: string, fields: Fields, files: Files = []): string {
  return phaxioSignature(TOKEN, url, Object.fromEntries(fields), Object.fromEntries(files.map((f) => [f.name, f.data])));
}

/** POSTs a multipart webhook the way Phaxio does. */
export async function postWebhook(url: string, fields: Fields, files: Files, headers: Record<string, string>) {
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  for (const f of files) form.append(f.name, new Blob([new Uint8Array(f.data)], { type: 'application/pdf' }), f.filename);
  const res = await request(url, { method: 'POST', headers, body: form });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

/** Fields and files of a webhook the emulator sent. */
export function payloadOf(cb: DeliveredCallback): { fields: Fields; files: Files } {
  return { fields: cb.payload.fields, files: cb.payload.files.map((f) => ({ name: f.name, filename: f.filename, data: f.data })) };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
