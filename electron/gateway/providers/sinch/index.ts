export { createSinchFactory, sinchFactory, SinchProvider, type SinchOptions } from './provider';
export { registerSinchRoutes } from './routes';
