import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronNativeFolder, NATIVE_DIR, SQLITE_ADDON_FILE } from '../electron/main/native-binding';
// @ts-expect-error -- plain .mjs build script without type declarations
import { gatewayBuildOptions } from './build-electron.mjs';
import { NativeStageError, stageElectronNative, type ProduceAddon } from './stage-native';

const root = join(import.meta.dirname, '..');
const nodeAddon = join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', SQLITE_ADDON_FILE);
const target = { electronVersion: '41.7.1', platform: 'linux', arch: 'x64' };
const ELECTRON_BUILD = Buffer.from('stand-in for an addon compiled against Electron 41 headers');

const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** What prebuild-install/node-gyp do in the stage: write build/Release/better_sqlite3.node there. */
const fakeElectronBuild: ProduceAddon = (stageDir) => {
  mkdirSync(join(stageDir, 'build', 'Release'), { recursive: true });
  writeFileSync(join(stageDir, 'build', 'Release', SQLITE_ADDON_FILE), ELECTRON_BUILD);
};

let outDir: string;
let bundleDir: string;
beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'faxbot-stage-'));
  // Inside the project, so the bundle's bare imports resolve from node_modules as they do in dist-electron/.
  bundleDir = join(root, 'dist-electron', `.test-stage-${process.pid}`);
  await build({ ...gatewayBuildOptions(bundleDir), logLevel: 'silent' });
}, 120_000);
afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  rmSync(bundleDir, { recursive: true, force: true });
});

/**
 * Starts the compiled headless gateway (what `npm start -- --headless` runs), checks /health, and
 * faxes a Unicode text file: the lazily loaded chunks (pdf-lib, fonts) must load from the bundle.
 */
async function headlessRuns(): Promise<{ health: number; fax: { status: string; pages: number | null } }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'faxbot-stage-gw-'));
  const child = spawn(process.execPath, [join(bundleDir, 'gateway', 'cli.mjs'), '--port', '0', '--data-dir', dataDir], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: dataDir, FAX_BACKEND: 'simulator', API_KEY: 'stage-test-key', SIMULATOR_STEP_MS: '20' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`gateway did not start: ${out}`)), 30_000);
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(out);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`gateway exited (${code}): ${out}`)));
    });
    const health = (await fetch(`${url}/health`)).status;
    const form = new FormData();
    form.set('to', '+15551230001');
    form.set('file', new Blob(['Grüße, Привет, 你好'], { type: 'text/plain' }), 'note.txt');
    const headers = { 'x-api-key': 'stage-test-key' };
    const accepted = (await (await fetch(`${url}/fax`, { method: 'POST', body: form, headers })).json()) as { id: string };
    let fax = { status: 'queued', pages: null as number | null };
    for (let i = 0; i < 100 && fax.status !== 'SUCCESS' && fax.status !== 'FAILED'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      fax = (await (await fetch(`${url}/fax/${accepted.id}`, { headers })).json()) as typeof fax;
    }
    return { health, fax };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('pack-time native build (npm run native:electron)', () => {
  it('builds in a staging copy, places the addon per Electron version, and leaves headless mode running on Node’s build', async () => {
    const before = digest(nodeAddon);
    let stagedIn = '';
    const placed = stageElectronNative({
      ...target,
      outDir,
      produce: (stageDir, t) => {
        stagedIn = stageDir;
        // A real copy: same package, its own files (a hard link would let a rebuild write through to node_modules).
        expect(readFileSync(join(stageDir, 'package.json'), 'utf8')).toBe(
          readFileSync(join(root, 'node_modules/better-sqlite3/package.json'), 'utf8'),
        );
        expect(statSync(join(stageDir, 'package.json')).ino).not.toBe(statSync(join(root, 'node_modules/better-sqlite3/package.json')).ino);
        expect(existsSync(join(stageDir, 'build'))).toBe(false);
        fakeElectronBuild(stageDir, t);
      },
    });
    expect(stagedIn.startsWith(join(outDir, 'staging'))).toBe(true);
    expect(placed).toBe(join(outDir, NATIVE_DIR, electronNativeFolder('41.7.1', 'linux', 'x64'), SQLITE_ADDON_FILE));
    expect(readFileSync(placed)).toEqual(ELECTRON_BUILD);
    expect(digest(nodeAddon)).toBe(before);
    const headless = await headlessRuns();
    expect(headless.health).toBe(200);
    expect(headless.fax).toMatchObject({ status: 'SUCCESS', pages: 1 });
  }, 60_000);

  it('keeps a placed addon with --if-missing, and rebuilds without it', () => {
    const placed = stageElectronNative({ ...target, outDir, produce: fakeElectronBuild });
    let produced = 0;
    const counting: ProduceAddon = (stageDir, t) => {
      produced += 1;
      fakeElectronBuild(stageDir, t);
    };
    expect(stageElectronNative({ ...target, outDir, ifMissing: true, produce: counting })).toBe(placed);
    expect(produced).toBe(0);
    stageElectronNative({ ...target, outDir, produce: counting });
    expect(produced).toBe(1);
  });

  it('reports a build that cannot be produced (offline) as one sentence with the fix, placing nothing', () => {
    const other = { ...target, arch: 'arm64' };
    const offline: ProduceAddon = () => {
      throw new NativeStageError(
        'Could not build the database module for Electron 41.7.1 (linux-arm64). Fix: run "npm run native:electron" online.',
      );
    };
    expect(() => stageElectronNative({ ...other, outDir, produce: offline })).toThrow(NativeStageError);
    expect(existsSync(join(outDir, NATIVE_DIR, electronNativeFolder('41.7.1', 'linux', 'arm64')))).toBe(false);
    const silent: ProduceAddon = () => undefined;
    expect(() => stageElectronNative({ ...other, outDir, produce: silent })).toThrow(/did not produce better_sqlite3\.node/);
  });
});
