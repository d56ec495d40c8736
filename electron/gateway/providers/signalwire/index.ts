export { signalwireFactory, SignalWireProvider, SIGNALWIRE_CALLBACK_PATH } from './provider';
export { registerSignalWireRoutes, SIGNALWIRE_INBOUND_PATH, SIGNALWIRE_RECEIVED_PATH } from './routes';
