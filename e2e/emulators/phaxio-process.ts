// The Phaxio emulator as its own process, so a test that kill -9s the gateway counts submissions
// somewhere the gateway cannot write. Prints its URL; reads one JSON Misbehaviour per stdin line.
// Usage: node --import tsx e2e/emulators/phaxio-process.ts (PHAXIO_EMULATOR_KEY / _SECRET / _TOKEN).
import { createInterface } from 'node:readline';
import type { Misbehaviour } from './common';
import { startPhaxioEmulator } from './phaxio';

const emulator = await startPhaxioEmulator({
  apiKey: process.env.PHAXIO_EMULATOR_KEY ?? 'key',
  apiSecret: process.env.PHAXIO_EMULATOR_SECRET ?? 'secret',
  callbackToken: process.env.PHAXIO_EMULATOR_TOKEN ?? 'token',
  stepDelayMs: Number(process.env.PHAXIO_EMULATOR_STEP_MS ?? 20),
});
console.log(`phaxio emulator listening on ${emulator.url}`);
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  emulator.misbehave(JSON.parse(line) as Misbehaviour);
  console.log(`armed ${line}`);
}
await emulator.close();
