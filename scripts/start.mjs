#!/usr/bin/env node
// `npm start`: the Electron window when an Electron binary is installed, otherwise (or with
// --headless) the same gateway in plain Node serving the window at http://127.0.0.1:<port>/.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

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

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
if (!existsSync('dist/renderer/index.html')) run(npm, ['run', 'build:renderer']);

const electron = args.includes('--headless') ? null : electronBinary();
if (electron) {
  run(npm, ['run', 'build:electron']);
  const child = spawn(electron, ['.', ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  if (!args.includes('--headless')) console.log('No Electron binary installed: starting headless (the window opens in your browser).');
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/gateway/cli.ts', ...args.filter((a) => a !== '--headless')], {
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}
