export { createPhaxioFactory, phaxioFactory, PhaxioProvider, type PhaxioProviderOptions } from './provider';
export { registerPhaxioRoutes } from './routes';
