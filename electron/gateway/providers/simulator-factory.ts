import type { ProviderFactory } from './registry';
import { SimulatorProvider } from './simulator';

export const simulatorFactory: ProviderFactory = async (ctx) => new SimulatorProvider(ctx.db, ctx.now, () => ctx.settings().simulator);
