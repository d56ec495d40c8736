import * as z from 'zod';
import { defineProviderSettings } from '../provider-settings';

export const SIMULATOR_OUTCOMES = ['delivered', 'busy', 'no_answer', 'invalid_number', 'partial', 'busy_then_delivered'] as const;
export type SimulatorOutcome = (typeof SIMULATOR_OUTCOMES)[number];

export const simulatorSettings = defineProviderSettings({
  backend: 'simulator',
  schema: z.object({
    outcome: z.enum(SIMULATOR_OUTCOMES).default('delivered'),
    stepDelayMs: z.number().int().min(0).max(600_000).default(1500),
    /** How long the simulated provider takes to answer a submission (after it has recorded it). */
    submitLatencyMs: z.number().int().min(0).max(60_000).default(0),
  }),
  env: [
    ['SIMULATOR_OUTCOME', 'outcome', 'lower'],
    ['SIMULATOR_STEP_MS', 'stepDelayMs', 'int'],
    ['SIMULATOR_SUBMIT_LATENCY_MS', 'submitLatencyMs', 'int'],
  ],
  secrets: {},
  labels: { stepDelayMs: 'Test-mode delay between steps (ms)', submitLatencyMs: 'Test-mode answer delay (ms)' },
});
