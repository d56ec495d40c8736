import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { EventName, EventPayloads, FaxBridge, MethodInput, MethodName, MethodOutput } from '../../shared/contract';
import { errorMessage, invoke } from './client';

export const BridgeContext = createContext<FaxBridge | null>(null);

export function useBridge(): FaxBridge {
  const bridge = useContext(BridgeContext);
  if (!bridge) throw new Error('BridgeContext is missing');
  return bridge;
}

/** A stable function that calls a method and throws RpcError on failure. */
export function useInvoke(): <M extends MethodName>(method: M, input: MethodInput<M>) => Promise<MethodOutput<M>> {
  const bridge = useBridge();
  return useCallback((method, input) => invoke(bridge, method, input), [bridge]);
}

export interface CallState<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => void;
  /** Replace the data locally (e.g. after an update call returned the new value). */
  setData: (value: T) => void;
}

/**
 * Calls `method` on mount and whenever `key` changes. `key` is the caller's statement of which
 * inputs matter, so an inline input object does not refetch on every render.
 */
export function useCall<M extends MethodName>(method: M, input: MethodInput<M>, key = ''): CallState<MethodOutput<M>> {
  const bridge = useBridge();
  const [data, setData] = useState<MethodOutput<M>>();
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const inputRef = useRef(input);
  inputRef.current = input;

  useEffect(() => {
    let live = true;
    setLoading(true);
    invoke(bridge, method, inputRef.current).then(
      (value) => {
        if (!live) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (!live) return;
        setError(errorMessage(failure));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [bridge, method, key, generation]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { data, error, loading, reload, setData };
}

/** Subscribes to a gateway event for the component's lifetime; the latest handler is always used. */
export function useEvent<E extends EventName>(event: E, handler: (payload: EventPayloads[E]) => void): void {
  const bridge = useBridge();
  const handlerRef = useRef(handler);
  handlerRef.current = handler;
  useEffect(() => bridge.on(event, (payload) => handlerRef.current(payload)), [bridge, event]);
}

/**
 * Calls `refresh` when the live event stream comes back after a gap: every stream opens with a
 * gateway:status event, so any status event after the first means "you may have missed updates".
 */
export function useRefreshOnReconnect(refresh: () => void): void {
  const seenFirst = useRef(false);
  useEvent('gateway:status', () => {
    if (seenFirst.current) refresh();
    seenFirst.current = true;
  });
}

/** Current time, refreshed every `intervalMs`, for "retrying in N min" and relative times. */
export function useNow(intervalMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
