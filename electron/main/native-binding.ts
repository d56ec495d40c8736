import { join } from 'node:path';

/**
 * Native addons that are built for one runtime's ABI (NODE_MODULE_VERSION) and so need a separate
 * build for Electron. Every other native dependency must be N-API (one binary for Node and
 * Electron); native-binding.test.ts checks each installed addon against this list.
 */
export const PER_RUNTIME_NATIVE_MODULES = ['better-sqlite3'] as const;

/** The folder name for Electron builds: release/native in the project, resources/native once packaged. */
export const NATIVE_DIR = 'native';

/** better-sqlite3's addon file, as node-gyp and prebuild-install name it. */
export const SQLITE_ADDON_FILE = 'better_sqlite3.node';

export interface Runtime {
  /** process.versions.electron; undefined in plain Node. */
  electron: string | undefined;
  platform: NodeJS.Platform;
  arch: string;
}

/** The folder (under a native root) holding the Electron build for one Electron version and target. */
export function electronNativeFolder(electronVersion: string, platform: string, arch: string): string {
  return `electron-${electronVersion}-${platform}-${arch}`;
}

export type SqliteBinding = { kind: 'node' } | { kind: 'electron'; path: string } | { kind: 'missing'; message: string };

/**
 * Picks better-sqlite3's addon for this runtime. Plain Node (headless, tests) uses the package's own
 * build from `npm install`; Electron uses the build for its exact version from the first native root
 * that has it (the packaged app's resources, then the project's release/native in development).
 * Never the node_modules build: Electron refuses a Node ABI addon.
 */
export function selectSqliteBinding(runtime: Runtime, nativeRoots: readonly string[], exists: (path: string) => boolean): SqliteBinding {
  if (runtime.electron === undefined) return { kind: 'node' };
  const folder = electronNativeFolder(runtime.electron, runtime.platform, runtime.arch);
  for (const root of nativeRoots) {
    const path = join(root, folder, SQLITE_ADDON_FILE);
    if (exists(path)) return { kind: 'electron', path };
  }
  return {
    kind: 'missing',
    message:
      `The database module has no build for Electron ${runtime.electron} (${runtime.platform}-${runtime.arch}). ` +
      'Fix: run "npm run native:electron" once with internet access (or reinstall the app), then start again.',
  };
}
