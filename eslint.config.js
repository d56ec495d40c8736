// Lint with the design's boundary rules (DESIGN.md §2): shared/ is pure TypeScript, the renderer
// never reaches into the Electron or gateway code, and the gateway never imports Electron.
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'crypto',
  'http',
  'https',
  'net',
  'child_process',
  'worker_threads',
  'stream',
  'url',
  'util',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'dist-electron/**', 'release/**', 'test-results/**', 'e2e/bench/tmp/**', 'e2e/artifacts/**'] },
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-debugger': 'error',
      'no-restricted-syntax': [
        'error',
        {
          // zod's named `z` is a namespace object esbuild cannot tree-shake: every bundle would carry all of zod
          // (its 40-odd locales too), parsed at each start of the gateway, the window and the preload.
          selector: "ImportDeclaration[source.value='zod'][importKind='value'] > ImportSpecifier[imported.name='z'][importKind='value']",
          message: "Import zod as `import * as z from 'zod'` (the named `z` keeps all of zod in the bundles).",
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...[...nodeBuiltins, '../renderer/*', 'react', 'react-dom'].map((group) => ({
              group: [group],
              message: 'shared/ is pure TypeScript: no Node, Electron, DOM or UI imports.',
            })),
            { regex: '^electron(/|$)', message: 'shared/ is pure TypeScript: no Node, Electron, DOM or UI imports.' },
            {
              // Each backend's settings section lives in its provider folder; shared/ builds the settings schema from them.
              regex: '^\\.\\./electron/(?!gateway/providers/(settings-catalog|[a-z0-9-]+/settings)$)',
              message: "shared/ may import only the providers' pure settings (settings-catalog.ts, <name>/settings.ts).",
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage', 'process', 'Buffer'],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/electron/**', 'electron', ...nodeBuiltins],
              message: 'The renderer talks to the gateway only through the shared contract (window.fax or /rpc).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/gateway/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'electron/*', '**/main/**', '**/preload/**', '**/renderer/**'],
              message: 'The gateway runs in plain Node: Electron stays in electron/main.',
            },
          ],
        },
      ],
    },
  },
  {
    // Provider settings are imported by shared/ and so run in the renderer too: shared/'s purity rules, and only
    // zod, shared/ and other pure settings files as imports.
    files: [
      'electron/gateway/providers/provider-settings.ts',
      'electron/gateway/providers/settings-catalog.ts',
      'electron/gateway/providers/*/settings.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!zod$|\\./[a-z0-9-]+/settings$|\\.\\./provider-settings$|(\\.\\./)+shared/)',
              message: 'A provider settings file is pure: zod, shared/ and other provider settings files only.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage', 'process', 'Buffer'],
    },
  },
);
