import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain .mjs build script without type declarations
import { gatewayBuildOptions } from './build-electron.mjs';

let outDir: string;
let metafile: Metafile;
/** The folder the metafile's paths are relative to. */
let workingDir: string;
beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'faxbot-gateway-bundle-'));
  const options = gatewayBuildOptions(outDir);
  workingDir = options.absWorkingDir;
  const result = await build({ ...options, metafile: true, logLevel: 'silent' });
  metafile = result.metafile as Metafile;
}, 120_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** The chunks Node loads before the gateway's first line runs: cli.mjs and its static imports. */
function chunksLoadedAtStart(): string[] {
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
  return [...chunks];
}

/** Source files in those chunks. */
function loadedAtStart(): string[] {
  return chunksLoadedAtStart().flatMap((chunk) => Object.keys(metafile.outputs[chunk]?.inputs ?? {}));
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
      // PostgreSQL only with DATABASE_URL, the S3 signer only with STORAGE_BACKEND=s3
      /node_modules\/(pg|pg-[a-z-]+|pgpass|postgres-[a-z-]+|aws4fetch)\//,
      /electron\/gateway\/store\/pg\//,
      /electron\/gateway\/documents\/cover-template\.ts$/, // importing an admin's PDF cover template
      /electron\/gateway\/http\/openapi\.ts$/, // the OpenAPI document, built for the first /openapi.json
      /electron\/gateway\/documents\/(txt-to-pdf|cover-page|report|fonts)\.ts$/,
    ];
    expect(inputs.filter((file) => onFirstUse.some((pattern) => pattern.test(file)))).toEqual([]);
  });

  it('keeps the start chunks one byte per character (Latin-1), as V8 then stores their source', () => {
    // One character above U+00FF (a typographic quote in a regex, which esbuild leaves as is)
    // makes V8 hold the whole chunk as UTF-16: 1.3 MB instead of 0.65 MB for cli.mjs, for the process's life.
    const wide = chunksLoadedAtStart().flatMap((chunk) => {
      const match = /[^\u0000-\u00ff]/.exec(readFileSync(resolve(workingDir, chunk), 'utf8'));
      return match
        ? [`${chunk}: ${JSON.stringify(match[0])} near ${JSON.stringify(match.input.slice(match.index - 40, match.index + 10))}`]
        : [];
    });
    expect(wide).toEqual([]);
  });
});
