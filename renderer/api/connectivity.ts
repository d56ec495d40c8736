import type { FaxBridge } from '../../shared/contract';

/** How often an offline window asks whether the gateway is back (bounded by the window's life). */
export const RECONNECT_INTERVAL_MS = 2_000;

/**
 * Wraps a bridge so the window knows whether the gateway answers: a call that cannot reach it
 * (code `unavailable`) marks it offline, any answer (even an error) marks it online again.
 */
export function withConnectivity(
  bridge: FaxBridge,
  onChange: (online: boolean) => void,
): { bridge: FaxBridge; report: (online: boolean) => void } {
  let online = true;
  // Also called when the live event stream drops, which is often the first sign of a restart.
  const report = (answered: boolean) => {
    if (answered === online) return;
    online = answered;
    onChange(answered);
  };
  return {
    report,
    bridge: {
      on: bridge.on,
      onOpenFiles: bridge.onOpenFiles,
      async call(method, input) {
        const result = await bridge.call(method, input);
        report(result.ok || result.error.code !== 'unavailable');
        return result;
      },
    },
  };
}
