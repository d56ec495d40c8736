import type { AppLike } from './electron-api';
import type { GatewayHandle } from './gateway-handle';
import { errorName, type Logger } from './logger';

export interface ShutdownStep {
  /** Resolves once the gateway has closed (or the grace period ran out) and quit was handed to Electron. */
  stopped: Promise<void>;
  /** True from the first quit request on (the window then closes instead of hiding). */
  quitting(): boolean;
}

export interface ShutdownStepDeps {
  app: Pick<AppLike, 'on' | 'quit'>;
  /** The running gateway, if it started. */
  gateway: () => GatewayHandle | null;
  /** How long quitting waits for in-flight work; leases cover the rest. */
  graceMs: number;
  /** Runs first: tray says "stopping", updates stop. */
  onStopping: () => void;
  /** Runs after the gateway closed, before Electron quits. */
  onStopped: () => void;
  log: Logger;
}

/** Quitting waits (bounded) for the gateway to finish in-flight work, then lets Electron quit. */
export function setupShutdown(deps: ShutdownStepDeps): ShutdownStep {
  let quitting = false;
  let done = false;
  let shutdown: Promise<void> | null = null;
  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));

  const stop = async () => {
    deps.onStopping();
    const gateway = deps.gateway();
    if (gateway) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, deps.graceMs)));
      await Promise.race([gateway.close().catch((error: unknown) => deps.log.error(`[shutdown] ${errorName(error)}`)), grace]);
      clearTimeout(timer);
    }
    deps.onStopped();
    done = true;
    deps.app.quit();
    resolveStopped();
  };

  deps.app.on('before-quit', (event) => {
    quitting = true;
    if (done) return;
    event.preventDefault();
    shutdown ??= stop();
  });
  return { stopped, quitting: () => quitting };
}
