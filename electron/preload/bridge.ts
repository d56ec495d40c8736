import {
  EVENT_NAMES,
  isMethodName,
  type EventName,
  type EventPayloads,
  type FaxBridge,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type RpcResult,
} from '../../shared/contract';
import { OPEN_FILES_CHANNEL, OPEN_FILES_READY_CHANNEL } from '../main/channels';

type Listener = (event: unknown, ...args: unknown[]) => void;

/** The subset of Electron's `ipcRenderer` the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: Listener): unknown;
  removeListener(channel: string, listener: Listener): unknown;
  send(channel: string, ...args: unknown[]): void;
}

const EVENTS: ReadonlySet<string> = new Set(EVENT_NAMES);

/**
 * `window.fax`: one typed call and one typed subscription, nothing else. Only contract names pass;
 * the IPC event object (which carries the sender) never reaches the page; every subscription
 * returns its own unsubscribe.
 */
export function createFaxBridge(ipc: IpcRendererLike) {
  const subscribe = (channel: string, deliver: (payload: unknown) => void) => {
    const listener: Listener = (_event, payload) => deliver(payload);
    ipc.on(channel, listener);
    return () => void ipc.removeListener(channel, listener);
  };
  return {
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<RpcResult<MethodOutput<M>>> {
      if (typeof method !== 'string' || !isMethodName(method)) {
        return { ok: false, error: { code: 'bad_request', message: `Unknown method: ${String(method)}` } };
      }
      try {
        return (await ipc.invoke(method, input)) as RpcResult<MethodOutput<M>>;
      } catch {
        return { ok: false, error: { code: 'unavailable', message: 'The app is not answering' } };
      }
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
      if (typeof event !== 'string' || !EVENTS.has(event)) throw new Error(`Unknown event: ${String(event)}`);
      return subscribe(event, (payload) => listener(payload as EventPayloads[E]));
    },
    onOpenFiles(listener: (files: { name: string; contentBase64: string }[]) => void): () => void {
      const unsubscribe = subscribe(OPEN_FILES_CHANNEL, (files) => listener(files as { name: string; contentBase64: string }[]));
      // Tell main someone listens, so files that arrived before the UI was up are delivered now.
      ipc.send(OPEN_FILES_READY_CHANNEL);
      return unsubscribe;
    },
  } satisfies FaxBridge;
}
