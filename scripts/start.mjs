#!/usr/bin/env node
// `npm start`: the Electron window when an Electron binary is installed, otherwise (or with
// --headless) the same gateway in plain Node serving the window at http://127.0.0.1:<port>/.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { GATEWAY_BUNDLE } from './gateway-node.mjs';

const args = process.argv.slice(2);
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', shell: false });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Newest modification time of the sources that go into the gateway bundle. */
function newestSource(dirs) {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of dirs) walk(dir);
  return Math.max(newest, statSync('package.json').mtimeMs);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
if (!existsSync('dist/renderer/index.html')) run(npm, ['run', 'build:renderer']);

const electron = args.includes('--headless') ? null : electronBinary();
if (electron) {
  run(npm, ['run', 'build:electron']);
  // better-sqlite3 for this Electron, built once beside node_modules (needs internet the first time;
  // without it the window explains the fix).
  spawnSync(npm, ['run', 'native:electron', '--', '--if-missing'], { stdio: 'inherit' });
  const child = spawn(electron, ['.', ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  if (!args.includes('--headless')) console.log('No Electron binary installed: starting headless (the window opens in your browser).');
  // The compiled bundle starts in a fraction of the time tsx needs to compile the sources.
  if (!existsSync(GATEWAY_BUNDLE) || statSync(GATEWAY_BUNDLE).mtimeMs < newestSource(['electron', 'shared']))
    run(npm, ['run', 'build:electron']);
  const child = spawn(process.execPath, [GATEWAY_BUNDLE, ...args.filter((a) => a !== '--headless')], {
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}
