import type { FastifyServerOptions } from 'fastify';
import { createRequire } from 'node:module';

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

/** One of Fastify's own compiler packages, resolved from Fastify's folder as Fastify itself would, on the first call. */
function onFirstCall<Factory>(packageName: string): Factory {
  type AnyFactory = (...args: unknown[]) => unknown;
  let factory: AnyFactory | null = null;
  const load = (): AnyFactory => {
    const requireFromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
    return (requireFromFastify(packageName) as () => AnyFactory)();
  };
  return ((...args: unknown[]) => (factory ??= load())(...args)) as Factory;
}

/**
 * Routes parse input with zod (http/validate.ts) and answer with JSON.stringify, so Fastify's
 * JSON-schema compilers (ajv and fast-json-stringify, about 500 KB of code) load only when a route
 * declares a schema, not with every start: Fastify would otherwise require both when created.
 */
export function lazySchemaCompilers(): CompilersFactory {
  return {
    buildValidator: onFirstCall<NonNullable<CompilersFactory['buildValidator']>>('@fastify/ajv-compiler'),
    buildSerializer: onFirstCall<NonNullable<CompilersFactory['buildSerializer']>>('@fastify/fast-json-stringify-compiler'),
  };
}
