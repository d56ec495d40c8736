import { readFileSync } from 'node:fs';

/** Set by the Electron bundle (build/build-electron.mjs); absent when the gateway runs from source. */
declare const __FAXBOT_VERSION__: string | undefined;

/** The app version: baked into the packaged app, read from package.json when run from source. */
function readVersion(): string {
  if (typeof __FAXBOT_VERSION__ === 'string') return __FAXBOT_VERSION__;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export const version = readVersion();
