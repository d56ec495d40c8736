#!/usr/bin/env node
// `npm test`: everything a fresh clone needs to prove itself. Installs the Debian packages the tests
// use (when missing), type-checks, runs unit + integration tests (inside a private Secret Service
// session so the keychain tests run for real), builds the window and runs the browser e2e in
// Debian Chromium, then scans the Electron code. Ends with one summary line of counts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const results = [];
let passed = 0;
let failed = 0;
let skipped = 0;

function step(name, command, args, { env = {}, counts } = {}) {
  const started = Date.now();
  console.log(`\n=== ${name}`);
  const run = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = run.status === 0;
  results.push({ name, ok, seconds: ((Date.now() - started) / 1000).toFixed(1) });
  if (counts) {
    const c = counts();
    passed += c.passed;
    failed += c.failed;
    skipped += c.skipped;
  }
  return ok;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

rmSync('test-results', { recursive: true, force: true });
mkdirSync('test-results', { recursive: true });

step('system packages (Debian)', 'bash', ['scripts/setup-system.sh']);
step('type-check', npx, ['tsc', '--noEmit', '-p', 'tsconfig.json']);
step('lint (boundary rules)', npx, ['eslint', '.']);
step('formatting (prettier --check)', npm, ['run', '--silent', 'format:check']);
step(
  'unit + integration (vitest, real Secret Service)',
  'bash',
  ['scripts/with-keyring.sh', npx, 'vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest.json'],
  {
    counts: () => {
      const r = readJson('test-results/vitest.json');
      if (!r) return { passed: 0, failed: 1, skipped: 0 };
      return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + (r.numTodoTests ?? 0) };
    },
  },
);
if (existsSync('playwright.config.ts')) {
  step('build the window (vite)', npx, ['vite', 'build']);
  step('build the Electron bundle (esbuild)', 'node', ['build/build-electron.mjs']);
  step('browser e2e (Playwright + Debian Chromium)', npx, ['playwright', 'test'], {
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: 'test-results/playwright.json' },
    counts: () => {
      const r = readJson('test-results/playwright.json');
      if (!r) return { passed: 0, failed: 1, skipped: 0 };
      return { passed: r.stats.expected, failed: r.stats.unexpected + (r.stats.flaky ?? 0), skipped: r.stats.skipped };
    },
  });
}
if (existsSync('scripts/electronegativity.mjs'))
  step('Electron security scan (electronegativity)', 'node', ['scripts/electronegativity.mjs']);

console.log('\n=== summary');
for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds} s)`);
const allOk = results.every((r) => r.ok);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(allOk && failed === 0 ? 0 : 1);
