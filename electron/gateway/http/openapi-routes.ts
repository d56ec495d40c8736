import type { FastifyInstance } from 'fastify';
import { DOCS_HTML, DOCS_JS } from './docs-viewer';
import type { OpenApiDocument } from './openapi';
import type { RegisteredRoute } from './openapi-collect';

export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * /openapi.json, /docs and its viewer. The document's module (a hundred-odd response schemas and
 * the route descriptions) loads with the first request for it, not with the gateway.
 */
export function registerOpenApiRoutes(app: FastifyInstance, routes: readonly RegisteredRoute[]): void {
  let cached: OpenApiDocument | null = null;
  app.get('/openapi.json', async () => (cached ??= (await import('./openapi')).buildOpenApi(routes)));
  app.get('/docs', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('content-security-policy', DOCS_CSP).send(DOCS_HTML),
  );
  app.get('/docs/viewer.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(DOCS_JS));
}
