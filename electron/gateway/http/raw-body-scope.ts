import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Registers provider webhook routes in an encapsulated scope where every body arrives as raw bytes
 * (bounded): signatures and HMACs must cover the exact bytes, so the routes decode bodies themselves.
 * Other routes keep the gateway's normal parsers.
 */
export function rawBodyScope(app: FastifyInstance, bodyLimit: number, routes: (scope: FastifyInstance) => void): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
    routes(scope);
  });
}

/** The raw body inside a rawBodyScope (empty for bodiless requests such as GET). */
export function rawBody(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}
