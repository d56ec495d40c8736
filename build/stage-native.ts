// `npm run native:electron` (part of `npm run pack`): builds better-sqlite3 for the app's Electron
// version in a staging copy of the package and places the addon in release/native/, which the
// packaged app ships as resources/native/ and a development `npm start` finds there. node_modules
// is never touched, so headless mode and the tests keep Node's build.
// Usage: tsx build/stage-native.ts [--arch x64,arm64] [--platform linux] [--if-missing]
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { electronNativeFolder, NATIVE_DIR, SQLITE_ADDON_FILE } from '../electron/main/native-binding';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface NativeTarget {
  electronVersion: string;
  platform: string;
  arch: string;
}

/** Builds the addon inside `stageDir` (a private copy of better-sqlite3) for `target`; throws when it cannot. */
export type ProduceAddon = (stageDir: string, target: NativeTarget) => void;

export interface StageOptions extends NativeTarget {
  /** Where node_modules/better-sqlite3 is read from. */
  projectRoot?: string;
  /** Receives staging/ and native/; default release/. */
  outDir?: string;
  /** Keep an addon already placed for this target (a development start). */
  ifMissing?: boolean;
  produce?: ProduceAddon;
}

export class NativeStageError extends Error {
  override name = 'NativeStageError';
}

function run(command: string, args: string[], cwd: string): boolean {
  const result = spawnSync(process.execPath, [command, ...args], { cwd, stdio: 'inherit' });
  return result.status === 0;
}

/** better-sqlite3's own recipe, aimed at Electron: a prebuilt binary from GitHub, else a compile against Electron's headers. */
const prebuildOrCompile: ProduceAddon = (stageDir, { electronVersion, platform, arch }) => {
  const bin = (name: string, file: string) => join(projectRoot, 'node_modules', name, file);
  const prebuilt = ['--runtime', 'electron', '--target', electronVersion, '--arch', arch, '--platform', platform];
  if (run(bin('prebuild-install', 'bin.js'), prebuilt, stageDir)) return;
  const headers = ['rebuild', '--release', `--target=${electronVersion}`, `--arch=${arch}`, '--dist-url=https://electronjs.org/headers'];
  if (run(bin('node-gyp', 'bin/node-gyp.js'), headers, stageDir)) return;
  throw new NativeStageError(
    `Could not build the database module for Electron ${electronVersion} (${platform}-${arch}): downloading a prebuilt binary ` +
      '(github.com) and compiling against Electron headers (electronjs.org) both failed. Fix: run "npm run native:electron" ' +
      'on a machine with internet access and a C++ toolchain.',
  );
};

/** Stages, builds and places better-sqlite3 for one Electron target; returns the addon's path under native/. */
export function stageElectronNative(options: StageOptions): string {
  const root = options.projectRoot ?? projectRoot;
  const outDir = options.outDir ?? join(root, 'release');
  const folder = electronNativeFolder(options.electronVersion, options.platform, options.arch);
  const placed = join(outDir, NATIVE_DIR, folder, SQLITE_ADDON_FILE);
  if (options.ifMissing && existsSync(placed)) return placed;
  const stageDir = join(outDir, 'staging', `better-sqlite3-${folder}`);
  rmSync(stageDir, { recursive: true, force: true });
  // A real copy (never hard links), so a build in the stage cannot write through to node_modules.
  cpSync(join(root, 'node_modules', 'better-sqlite3'), stageDir, { recursive: true, dereference: true });
  rmSync(join(stageDir, 'build'), { recursive: true, force: true });
  (options.produce ?? prebuildOrCompile)(stageDir, options);
  const built = join(stageDir, 'build', 'Release', SQLITE_ADDON_FILE);
  if (!existsSync(built)) throw new NativeStageError(`The Electron build of the database module did not produce ${SQLITE_ADDON_FILE}.`);
  mkdirSync(dirname(placed), { recursive: true });
  copyFileSync(built, placed);
  return placed;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { arch: { type: 'string' }, platform: { type: 'string' }, 'if-missing': { type: 'boolean', default: false } },
  });
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
  const electronVersion: string = pkg.optionalDependencies.electron;
  try {
    for (const arch of (values.arch ?? process.arch).split(',')) {
      const platform = values.platform ?? process.platform;
      const placed = stageElectronNative({ electronVersion, platform, arch, ifMissing: values['if-missing'] });
      console.log(`better-sqlite3 for Electron ${electronVersion} (${arch}): ${placed}`);
    }
  } catch (error) {
    console.error(error instanceof NativeStageError ? error.message : String(error));
    process.exit(1);
  }
}
