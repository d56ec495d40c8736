export { signalwireFactory } from './provider';
export { registerSignalWireRoutes } from './routes';
