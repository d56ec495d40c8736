import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronNativeFolder, PER_RUNTIME_NATIVE_MODULES, selectSqliteBinding, SQLITE_ADDON_FILE } from './native-binding';

const root = join(import.meta.dirname, '..', '..');
const nodeModules = join(root, 'node_modules');
const linux = { platform: 'linux' as const, arch: 'x64' };

describe('selectSqliteBinding', () => {
  const packaged = '/opt/Faxbot Desktop/resources/native';
  const dev = '/src/faxbot/release/native';
  const built = (version: string, nativeRoot: string) => join(nativeRoot, electronNativeFolder(version, 'linux', 'x64'), SQLITE_ADDON_FILE);

  it("uses better-sqlite3's own Node build in plain Node (headless and tests)", () => {
    expect(selectSqliteBinding({ electron: undefined, ...linux }, [packaged, dev], () => true)).toEqual({ kind: 'node' });
  });

  it("uses the build for this exact Electron version, preferring the packaged app's resources", () => {
    const present = new Set([built('41.7.1', packaged), built('41.7.1', dev)]);
    expect(selectSqliteBinding({ electron: '41.7.1', ...linux }, [packaged, dev], (p) => present.has(p))).toEqual({
      kind: 'electron',
      path: built('41.7.1', packaged),
    });
    expect(selectSqliteBinding({ electron: '41.7.1', ...linux }, [packaged, dev], (p) => p === built('41.7.1', dev))).toEqual({
      kind: 'electron',
      path: built('41.7.1', dev),
    });
  });

  it('never takes a build made for another Electron version or platform', () => {
    const present = new Set([built('40.0.0', dev), join(dev, electronNativeFolder('41.7.1', 'darwin', 'arm64'), SQLITE_ADDON_FILE)]);
    const result = selectSqliteBinding({ electron: '41.7.1', ...linux }, [packaged, dev], (p) => present.has(p));
    expect(result.kind).toBe('missing');
  });

  it('explains a missing build in one line that names the version and the fix', () => {
    const result = selectSqliteBinding({ electron: '41.7.1', ...linux }, [packaged, dev], () => false);
    if (result.kind !== 'missing') throw new Error('expected missing');
    expect(result.message).not.toContain('\n');
    expect(result.message).toContain('Electron 41.7.1 (linux-x64)');
    expect(result.message).toContain('npm run native:electron');
  });
});

/** Packages `npm install --omit=dev` would install: the ones electron-builder ships. */
function productionClosure(): Set<string> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const seen = new Set<string>();
  const queue = Object.keys({ ...pkg.dependencies });
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (seen.has(name) || !existsSync(join(nodeModules, name, 'package.json'))) continue;
    seen.add(name);
    const dep = JSON.parse(readFileSync(join(nodeModules, name, 'package.json'), 'utf8'));
    queue.push(...Object.keys({ ...dep.dependencies, ...dep.optionalDependencies }));
  }
  return seen;
}

function addonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules') return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return addonFiles(path);
    return name.endsWith('.node') ? [path] : [];
  });
}

/** How a Node addon registers itself: N-API addons load in any runtime; the rest only in the ABI they were built for. */
function registration(file: string): 'n-api' | 'abi' | 'none' {
  const bytes = readFileSync(file);
  if (bytes.includes('napi_register_module_v1')) return 'n-api';
  return /node_register_module_v\d+/.test(bytes.toString('latin1')) ? 'abi' : 'none';
}

describe('native dependencies', () => {
  const closure = productionClosure();
  const abiSpecific = [...closure].filter((name) => addonFiles(join(nodeModules, name)).some((file) => registration(file) === 'abi'));

  it('every ABI-specific addon the app ships gets a per-Electron build; every other addon is N-API', () => {
    expect(abiSpecific.sort()).toEqual([...PER_RUNTIME_NATIVE_MODULES].sort());
  });

  it('@napi-rs/keyring is N-API: one binary serves Node and Electron, no rebuild needed', () => {
    const keyring = JSON.parse(readFileSync(join(nodeModules, '@napi-rs', 'keyring', 'package.json'), 'utf8'));
    expect(keyring.napi?.binaryName).toBe('keyring');
    const platformPackages = Object.keys(keyring.optionalDependencies ?? {}).filter((name) => closure.has(name));
    expect(platformPackages.length).toBeGreaterThan(0);
    const binaries = platformPackages.flatMap((name) => addonFiles(join(nodeModules, name)));
    expect(binaries.length).toBeGreaterThan(0);
    for (const binary of binaries) expect(registration(binary), binary).toBe('n-api');
  });

  it("better-sqlite3's installed build is for Node's ABI, which is why Electron needs its own", () => {
    const addon = join(nodeModules, 'better-sqlite3', 'build', 'Release', SQLITE_ADDON_FILE);
    expect(registration(addon)).toBe('abi');
    expect(readFileSync(addon).toString('latin1')).toContain(`node_register_module_v${process.versions.modules}`);
  });
});
