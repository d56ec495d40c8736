import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain .mjs build script without type declarations
import { gatewayBuildOptions } from './build-electron.mjs';

let outDir: string;
let metafile: Metafile;
beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'faxbot-gateway-bundle-'));
  const result = await build({ ...gatewayBuildOptions(outDir), metafile: true, logLevel: 'silent' });
  metafile = result.metafile as Metafile;
}, 120_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Source files in the chunks Node loads before the gateway's first line runs: cli.mjs and its static imports. */
function loadedAtStart(): string[] {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((path) => path.endsWith('/cli.mjs')) as string;
  const chunks = new Set<string>();
  const visit = (chunk: string) => {
    if (chunks.has(chunk)) return;
    chunks.add(chunk);
    for (const imported of outputs[chunk]?.imports ?? [])
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
  };
  visit(entry);
  return [...chunks].flatMap((chunk) => Object.keys(outputs[chunk]?.inputs ?? {}));
}

describe('the headless gateway bundle', () => {
  it('leaves what only some requests need out of the modules parsed at every start', () => {
    const inputs = loadedAtStart();
    expect(inputs.some((file) => file.endsWith('electron/gateway/server.ts'))).toBe(true);
    const onFirstUse = [
      /node_modules\/zod\/v4\/locales\/(?!en\.js)/, // all of zod's locales come along with a named `z` import
      // JSON-schema compilers (Fastify's precompiled error serializer needs only fast-json-stringify's runtime); settings are plain JSON
      /node_modules\/(ajv|conf)\//,
      /node_modules\/fast-json-stringify\/index\.js$/,
      /node_modules\/(pdf-lib|@pdf-lib|pdfjs-dist|localtunnel|undici|@modelcontextprotocol)\//,
      /electron\/gateway\/http\/openapi\.ts$/, // the OpenAPI document, built for the first /openapi.json
      /electron\/gateway\/documents\/(txt-to-pdf|cover-page|report|fonts)\.ts$/,
    ];
    expect(inputs.filter((file) => onFirstUse.some((pattern) => pattern.test(file)))).toEqual([]);
  });
});
