// Bundles the Electron main process and preload into dist-electron/ (CommonJS, which Electron's
// sandboxed preload requires and its main process loads fastest), and the headless gateway into
// dist-electron/gateway-cli.mjs (what `npm start -- --headless` runs: no TypeScript compile at
// start). Native modules and Electron itself stay external: electron-builder ships them from
// node_modules; better-sqlite3's Electron build is loaded by path (build/stage-native.ts).
// Usage: node build/build-electron.mjs [--watch]
import { build, context } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Loaded at run time from node_modules, never bundled. */
// The MCP SDK is loaded from node_modules too: bundled, its zod imports initialise after its own top-level schemas.
export const EXTERNAL = ['electron', 'better-sqlite3', '@napi-rs/keyring', 'electron-updater', '@modelcontextprotocol/sdk'];

/** esbuild options for main.cjs and preload.cjs, written to `outDir` (tests build into a temp dir). */
export function electronBuildOptions(outDir = join(root, 'dist-electron')) {
  const common = {
    absWorkingDir: root,
    bundle: true,
    format: 'cjs',
    sourcemap: true,
    external: EXTERNAL,
    logLevel: 'warning',
    legalComments: 'linked',
  };
  return [
    {
      ...common,
      entryPoints: ['electron/main/index.main.ts'],
      outfile: join(outDir, 'main.cjs'),
      platform: 'node',
      target: 'node22',
      // ESM sources (ours and conf/electron-store) use import.meta.url; in a CJS bundle it is the bundle's own URL.
      // The app version is baked in: package.json is not beside the bundle once packaged.
      define: { 'import.meta.url': '__faxbotImportMetaUrl', __FAXBOT_VERSION__: JSON.stringify(version) },
      banner: { js: "const __faxbotImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    },
    {
      // Documents are parsed on worker threads; the pool loads this file from beside main.cjs.
      ...common,
      entryPoints: ['electron/gateway/documents/document-worker.ts'],
      outfile: join(outDir, 'document-worker.cjs'),
      platform: 'node',
      target: 'node22',
      define: { 'import.meta.url': '__faxbotImportMetaUrl' },
      banner: { js: "const __faxbotImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    },
    {
      ...common,
      entryPoints: ['electron/preload/index.ts'],
      outfile: join(outDir, 'preload.cjs'),
      // The sandboxed preload has no Node: only `require('electron')` and a few polyfills.
      platform: 'browser',
      target: 'chrome130',
      // zod comes along with the contract's name lists; minifying keeps the per-window cost small.
      minify: true,
    },
  ];
}

/**
 * Kept in node_modules by the gateway bundle too: native addons, and Fastify's JSON-schema
 * compilers, which the gateway loads only if a route declares a schema (http/schema-compilers.ts):
 * left out, nobody parses them at start. pino is bundled, as in main.cjs (about 0.5 MB less idle
 * memory than loading its files from node_modules); its transports, which would start workers
 * from files beside pino's own code, are not used.
 */
export const GATEWAY_EXTERNAL = [...EXTERNAL, '@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler'];

/**
 * esbuild options for the headless gateway (ESM, run by plain Node): dist-electron/gateway/cli.mjs.
 * Dependencies are bundled (resolving and wrapping hundreds of CommonJS files cost about 40% of
 * start-up); code splitting keeps modules imported with `await import()` (pdf-lib, fonts,
 * localtunnel) in their own chunks, loaded on first use rather than at start.
 */
export function gatewayBuildOptions(outDir = join(root, 'dist-electron')) {
  return {
    absWorkingDir: root,
    // The document worker is an entry of its own: the pool starts it from beside the bundle.
    entryPoints: { cli: 'electron/gateway/cli.ts', 'document-worker': 'electron/gateway/documents/document-worker.ts' },
    outdir: join(outDir, 'gateway'),
    outExtension: { '.js': '.mjs' },
    splitting: true,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: GATEWAY_EXTERNAL,
    // Bundled CommonJS code calls require() for Node built-ins and the externals.
    banner: {
      js: "import { createRequire as __faxbotCreateRequire } from 'node:module'; const require = __faxbotCreateRequire(import.meta.url);",
    },
    sourcemap: true,
    // Less source for V8 to parse and keep in memory (about 3 MB of idle RSS); names stay readable in stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
    define: { __FAXBOT_VERSION__: JSON.stringify(version) },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const targets = [...electronBuildOptions(), gatewayBuildOptions()];
  if (process.argv.includes('--watch')) {
    for (const options of targets) await (await context(options)).watch();
  } else {
    await Promise.all(targets.map((options) => build(options)));
    console.log('built dist-electron/main.cjs, preload.cjs, document-worker.cjs and gateway/cli.mjs');
  }
}
