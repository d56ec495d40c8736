import {
  EVENT_NAMES,
  type ErrorCode,
  type EventName,
  type EventPayloads,
  type FaxBridge,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type RpcResult,
} from '../../shared/contract';

/** A failed call, carrying the gateway's stable code and readable message. */
export class RpcError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export interface HttpBridgeOptions {
  /** Called when the gateway answers 401, so the app can show the login screen. */
  onUnauthorized?: () => void;
  /** Called when the live event stream drops (the gateway stopped or is restarting). */
  onStreamError?: () => void;
  fetchImpl?: typeof fetch;
  createEventSource?: (url: string) => EventSource;
}

/** EventSource.CLOSED, spelled out so tests can pass a stand-in without the global. */
const CLOSED = 2;

function isEnvelope(body: unknown): body is RpcResult<unknown> {
  return typeof body === 'object' && body !== null && 'ok' in body && typeof body.ok === 'boolean';
}

/** The browser-mode bridge: `/rpc/<method>` for calls and one `/events` SSE stream for events. */
export function createHttpBridge(options: HttpBridgeOptions = {}): FaxBridge {
  const fetchImpl = options.fetchImpl ?? ((input, init) => fetch(input, init));
  const createEventSource = options.createEventSource ?? ((url) => new EventSource(url));
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let source: EventSource | null = null;

  function ensureSource(): void {
    // A stream the server closed (e.g. 401 after the session expired) is replaced after sign-in.
    if (source && source.readyState !== CLOSED) return;
    source = createEventSource('/events');
    source.addEventListener('error', () => options.onStreamError?.());
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (event) => {
        let payload: unknown;
        try {
          payload = JSON.parse((event as MessageEvent<string>).data);
        } catch {
          return; // A malformed frame must not break the other listeners.
        }
        for (const listener of listeners.get(name) ?? []) listener(payload);
      });
    }
  }

  return {
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<RpcResult<MethodOutput<M>>> {
      let response: Response;
      try {
        response = await fetchImpl(`/rpc/${method}`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input),
        });
      } catch {
        return { ok: false, error: { code: 'unavailable', message: 'Cannot reach the fax gateway.' } };
      }
      let body: unknown = null;
      try {
        body = await response.json();
      } catch {
        // Fall through: a non-JSON answer (proxy page, crash) becomes an envelope below.
      }
      if (response.status === 401) options.onUnauthorized?.();
      if (isEnvelope(body)) return body as RpcResult<MethodOutput<M>>;
      return {
        ok: false,
        error: {
          code: response.status === 401 ? 'unauthorized' : 'internal',
          message: `The gateway answered ${response.status} without a result.`,
        },
      };
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
      ensureSource();
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
    onOpenFiles: () => () => undefined,
  };
}

/** Electron's preload bridge when present, otherwise the HTTP bridge. */
export function createBridge(options: HttpBridgeOptions = {}): FaxBridge {
  return window.fax ?? createHttpBridge(options);
}

export function isBrowserMode(): boolean {
  return window.fax === undefined;
}

/** Unwraps an envelope so callers can use try/catch and show `error.message`. */
export async function invoke<M extends MethodName>(bridge: FaxBridge, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const result = await bridge.call(method, input);
  if (!result.ok) throw new RpcError(result.error.code, result.error.message);
  return result.value;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
