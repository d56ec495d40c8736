import type { FastifyInstance } from 'fastify';
import { readUiFile, resolveUiPath, uiContentSecurityPolicy, uiHeaders } from './ui-assets';

/** The UI's policy when the gateway serves it itself (browser mode): the same one the window gets. */
export const UI_CSP = uiContentSecurityPolicy(null);

/** Serves the built renderer at / in headless (browser) mode; client routes get the app shell. */
export function registerStaticRoutes(app: FastifyInstance, rendererDir: string): void {
  const headers = uiHeaders(UI_CSP);
  app.get('/*', async (request, reply) => {
    const resolved = resolveUiPath(request.url.split('?')[0] ?? '/');
    if (!resolved.ok) return reply.code(resolved.status).headers(headers).send({ detail: 'Not Found' });
    const file = await readUiFile(rendererDir, resolved.relativePath);
    if (!file) {
      const detail = resolved.relativePath === 'index.html' ? 'The window has not been built yet: run npm run build:renderer' : 'Not Found';
      return reply.code(404).headers(headers).send({ detail });
    }
    return reply.type(file.type).headers(headers).send(file.body);
  });
}
