// How `npm start` runs the headless gateway; the benchmark imports the same value, so it measures
// the process a user starts. No Node flags: `--max-semi-space-size=1` saved about 4 MB of idle
// memory but cost 6–14% of POST /fax and GET /fax/{id} throughput in paired runs (README, Benchmarks).

/** The compiled gateway (build/build-electron.mjs): no TypeScript compile at start. */
export const GATEWAY_BUNDLE = 'dist-electron/gateway/cli.mjs';
