import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { lazySchemaCompilers } from './schema-compilers';

let app: ReturnType<typeof Fastify> | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

describe('Fastify JSON-schema compilers loaded on first use', () => {
  it('still validate a body and serialize a response for a route that declares schemas', async () => {
    app = Fastify({ schemaController: { compilersFactory: lazySchemaCompilers() } });
    app.post(
      '/echo',
      {
        schema: {
          body: { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 5 } } },
          response: { 200: { type: 'object', properties: { name: { type: 'string' } } } },
        },
      },
      async (request: { body: unknown }) => ({ ...(request.body as { name: string }), secret: 'not in the schema' }),
    );
    const ok = await app.inject({ method: 'POST', url: '/echo', payload: { name: 'Ada' } });
    expect(ok.statusCode).toBe(200);
    // The response schema's serializer drops what the schema does not list.
    expect(ok.body).toBe('{"name":"Ada"}');
    const tooLong = await app.inject({ method: 'POST', url: '/echo', payload: { name: 'Adalbert' } });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().message).toMatch(/name/);
  });
});
