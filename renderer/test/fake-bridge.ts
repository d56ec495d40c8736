import type { EventName, EventPayloads, FaxBridge, MethodInput, MethodName, MethodOutput, RpcResult } from '../../shared/contract';
import { defaultSettings, SECRET_NAMES, type SecretName } from '../../shared/settings';
import type { GatewayStatus, JobView, SecretStatus, SettingsView } from '../../shared/types';

type Handler<M extends MethodName> = (input: MethodInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>;
export type Handlers = { [M in MethodName]?: Handler<M> };

export interface FakeBridge extends FaxBridge {
  calls: { method: MethodName; input: unknown }[];
  emit<E extends EventName>(event: E, payload: EventPayloads[E]): void;
}

/** An in-memory FaxBridge: each method answers from `handlers`, or fails with not_found. */
export function fakeBridge(handlers: Handlers): FakeBridge {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const calls: { method: MethodName; input: unknown }[] = [];
  return {
    calls,
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<RpcResult<MethodOutput<M>>> {
      calls.push({ method, input });
      const handler = handlers[method] as Handler<M> | undefined;
      if (!handler) return { ok: false, error: { code: 'not_found', message: `no fake for ${method}` } };
      try {
        return { ok: true, value: await handler(input) };
      } catch (error) {
        return { ok: false, error: { code: 'bad_request', message: (error as Error).message } };
      }
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    onOpenFiles: () => () => undefined,
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
  };
}

export function gatewayStatus(over: Partial<GatewayStatus> = {}): GatewayStatus {
  return {
    version: '0.1.0',
    url: 'http://127.0.0.1:1',
    backend: 'simulator',
    testMode: true,
    setupCompleted: true,
    publicUrl: null,
    publicUrlSource: null,
    callbacksEnabled: false,
    tunnel: { state: 'off', url: null, error: null },
    jobsInFlight: 0,
    unreadInbound: 0,
    ...over,
  };
}

export function settingsView(configured: SecretName[] = []): SettingsView {
  const secrets = Object.fromEntries(
    SECRET_NAMES.map((name): [SecretName, SecretStatus] => [
      name,
      configured.includes(name) ? { configured: true, source: 'keychain' } : { configured: false, source: 'none' },
    ]),
  ) as Record<SecretName, SecretStatus>;
  return { settings: defaultSettings(), sources: {}, secrets, secretStoreKind: 'test store' };
}

export function job(over: Partial<JobView> = {}): JobView {
  return {
    id: 'job-1',
    to: '+1 202-555-0143',
    toE164: '+12025550143',
    status: 'queued',
    faxbotStatus: 'queued',
    backend: 'simulator',
    testMode: true,
    pages: 2,
    attempts: 0,
    maxAttempts: 5,
    nextAttemptAt: null,
    failureClass: null,
    error: null,
    providerId: null,
    providerStatus: null,
    fileName: 'letter.pdf',
    resentFrom: null,
    batchId: null,
    sendAt: null,
    coverTemplate: null,
    createdAt: '2025-01-01T10:00:00Z',
    updatedAt: '2025-01-01T10:00:00Z',
    ...over,
  };
}
