import type { EventName, EventPayloads, FaxBridge, MethodInput, MethodName, MethodOutput, RpcResult } from '../../shared/contract';
import { COVER_LABELS, COVER_TEMPLATES } from '../../shared/cover';
import { defaultSettings, SECRET_NAMES, type SecretName } from '../../shared/settings';
import type { BackendDescription, GatewayStatus, JobView, SecretStatus, SettingsView } from '../../shared/types';

type Handler<M extends MethodName> = (input: MethodInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>;
export type Handlers = { [M in MethodName]?: Handler<M> };

export interface FakeBridge extends FaxBridge {
  calls: { method: MethodName; input: unknown }[];
  emit<E extends EventName>(event: E, payload: EventPayloads[E]): void;
}

/** A short copy of what the gateway's provider folders describe (setup:backends), for screens that name backends. */
export function backendDescriptions(): BackendDescription[] {
  return [
    {
      id: 'simulator',
      name: 'Test mode',
      blurb: 'Nothing is dialled.',
      fields: [{ key: 'outcome', label: 'Simulated result', kind: 'select', options: [{ value: 'delivered', label: 'Delivered' }] }],
      secrets: [],
      publicUrlNeed: 'Test mode needs no public address.',
    },
    {
      id: 'phaxio',
      name: 'Phaxio',
      blurb: 'Cloud fax service.',
      fields: [{ key: 'verifySignature', label: 'Verify callback signatures', kind: 'checkbox' }],
      secrets: [
        { name: 'phaxio.apiKey', label: 'API key' },
        { name: 'phaxio.apiSecret', label: 'API secret' },
        { name: 'phaxio.callbackToken', label: 'Webhook token' },
      ],
      publicUrlNeed: 'Phaxio reports delivery by calling back a public address.',
    },
    {
      id: 'signalwire',
      name: 'SignalWire',
      blurb: 'SignalWire fax.',
      fields: [],
      secrets: [{ name: 'signalwire.apiToken', label: 'API token' }],
      publicUrlNeed: 'SignalWire always fetches the document from a public address.',
    },
  ];
}

/** Answers every screen needs whatever the test is about; a test's own handlers win. */
const DEFAULT_HANDLERS: Handlers = {
  'setup:backends': backendDescriptions,
  'remote:status': () => ({ mode: 'local', url: null, serverName: null, keyId: null, keyName: null, state: null, problem: null }),
  'jobs:senders': () => [],
  'covers:list': () =>
    COVER_TEMPLATES.map((name) => ({ name, label: COVER_LABELS[name], builtIn: true, fields: [], createdAt: null, size: null })),
  // The gateway's answer without the drawing: the chosen template, counted in front of the document.
  'covers:preview': (input) => ({
    template: input.cover?.template ?? null,
    pdfBase64: null,
    pages: input.documentPages + (input.cover ? 1 : 0),
    recipient: null,
    reason: null,
  }),
};

/** An in-memory FaxBridge: each method answers from `handlers` (or the defaults above), or fails with not_found. */
export function fakeBridge(handlers: Handlers): FakeBridge {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const calls: { method: MethodName; input: unknown }[] = [];
  return {
    calls,
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<RpcResult<MethodOutput<M>>> {
      calls.push({ method, input });
      const handler = (handlers[method] ?? DEFAULT_HANDLERS[method]) as Handler<M> | undefined;
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
    diskProblem: null,
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
    apiKeyId: null,
    sentBy: null,
    createdAt: '2025-01-01T10:00:00Z',
    updatedAt: '2025-01-01T10:00:00Z',
    ...over,
  };
}
