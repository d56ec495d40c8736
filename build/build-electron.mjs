// Bundles the Electron main process and preload into dist-electron/ (CommonJS, which Electron's
// sandboxed preload requires and its main process loads fastest). Native modules and Electron
// itself stay external: electron-builder ships them from node_modules, rebuilt for Electron at pack
// time. Usage: node build/build-electron.mjs [--watch]
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

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const targets = electronBuildOptions();
  if (process.argv.includes('--watch')) {
    for (const options of targets) await (await context(options)).watch();
  } else {
    await Promise.all(targets.map((options) => build(options)));
    console.log('built dist-electron/main.cjs and dist-electron/preload.cjs');
  }
}
