import type { ProviderModule } from '../module';
import { SimulatorProvider } from './provider';
import { simulatorSettings } from './settings';

export const simulatorModule: ProviderModule = {
  backend: 'simulator',
  settings: simulatorSettings,
  description: {
    id: 'simulator',
    name: 'Test mode',
    blurb: 'Nothing is dialled. Faxes move through the same steps and are marked TEST. Good for trying the app.',
    fields: [
      {
        key: 'outcome',
        label: 'Simulated result',
        kind: 'select',
        options: [
          { value: 'delivered', label: 'Delivered' },
          { value: 'busy', label: 'Line busy' },
          { value: 'no_answer', label: 'No answer' },
          { value: 'invalid_number', label: 'Invalid number' },
          { value: 'partial', label: 'Partly sent' },
          { value: 'busy_then_delivered', label: 'Busy, then delivered on retry' },
        ],
      },
      { key: 'stepDelayMs', label: 'Delay between steps (ms)', kind: 'number' },
    ],
    secrets: [],
    publicUrlNeed: 'Test mode needs no public address.',
  },
  factory: async (ctx) => new SimulatorProvider(ctx.db, ctx.now, () => ctx.settings().simulator),
};
