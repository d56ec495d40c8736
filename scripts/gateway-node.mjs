// How `npm start` runs the headless gateway; the benchmark imports the same two values, so it
// measures the process a user starts.

/** The compiled gateway (build/build-electron.mjs): no TypeScript compile at start. */
export const GATEWAY_BUNDLE = 'dist-electron/gateway/cli.mjs';

/**
 * V8's young generation capped at 1 MB per semi-space (Node's default grows it to 16 MB while the
 * modules load, and an idle gateway then keeps about 4 MB of start-up garbage resident). Measured
 * on the bench machine: CPU per POST /fax and per GET /fax/{id} unchanged within noise.
 */
export const GATEWAY_NODE_FLAGS = ['--max-semi-space-size=1'];
