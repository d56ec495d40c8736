import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_USER_MODEL_ID } from '../electron/main/app.main';
import { NATIVE_DIR } from '../electron/main/native-binding';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '..');
const config = require('./electron-builder.config.cjs');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('electron-builder config', () => {
  it("passes electron-builder's own schema validation", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config');
    const quietLogger = { isEnabled: false, add: () => undefined };
    await expect(validateConfiguration(config, quietLogger)).resolves.toBeUndefined();
  });

  it('is what `npm run pack` uses, for the entry package.json names', () => {
    expect(pkg.scripts.pack).toContain('--config build/electron-builder.config.cjs');
    expect(pkg.main).toBe('dist-electron/main.cjs');
    expect(config.files).toEqual(expect.arrayContaining(['dist/**', 'dist-electron/**']));
    expect(config.electronVersion).toBe(pkg.optionalDependencies.electron);
  });

  it('uses the appId the app names as its Windows AppUserModelID', () => {
    expect(config.appId).toBe(APP_USER_MODEL_ID);
  });

  it('targets dmg (+zip for updates), nsis, AppImage and deb', () => {
    expect(config.mac.target.map((t: { target: string }) => t.target)).toEqual(['dmg', 'zip']);
    expect(config.win.target.map((t: { target: string }) => t.target)).toEqual(['nsis']);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
  });

  it('associates PDFs without taking them over; per-machine NSIS so Windows honours it', () => {
    expect(config.fileAssociations).toEqual([
      expect.objectContaining({ ext: 'pdf', mimeType: 'application/pdf', role: 'Viewer', rank: 'Alternate' }),
    ]);
    expect(config.linux.mimeTypes).toContain('application/pdf');
    expect(config.linux.desktop.entry.MimeType).toBe('application/pdf;');
    expect(config.nsis.perMachine).toBe(true);
  });

  it('builds the Electron addon in a staging copy at pack time, never in node_modules, and ships it apart', () => {
    expect(config.npmRebuild).toBe(false);
    expect(config.buildDependenciesFromSource).toBe(false);
    expect(config.asarUnpack).toContain('**/*.node');
    const steps = pkg.scripts.pack.split('&&').map((step: string) => step.trim());
    expect(steps.indexOf('npm run native:electron')).toBeGreaterThan(-1);
    expect(steps.indexOf('npm run native:electron')).toBeLessThan(steps.findIndex((step: string) => step.startsWith('electron-builder')));
    expect(pkg.scripts['native:electron']).toContain('build/stage-native.ts');
    expect(config.extraResources).toContainEqual({ from: `release/${NATIVE_DIR}`, to: NATIVE_DIR });
    expect(pkg.scripts.postinstall ?? '').not.toMatch(/install-app-deps|electron-rebuild/);
  });

  it('never packs electron itself, while an install without its binary still succeeds', () => {
    // electron-builder treats optionalDependencies as production ones; only `files` exclusions keep it out.
    expect(pkg.optionalDependencies.electron).toBeDefined();
    expect(pkg.dependencies.electron).toBeUndefined();
    expect(pkg.devDependencies.electron).toBeUndefined();
    const { getNodeModuleFileMatcher } = require('app-builder-lib/out/fileMatcher');
    const matcher = getNodeModuleFileMatcher(root, '/out/app', (s: string) => s, {}, { config, debugLogger: { isEnabled: false } });
    const filter = matcher.createFilter();
    const packed = (moduleFullFilePath: string, isDirectory = false) =>
      filter(join(root, moduleFullFilePath), { moduleFullFilePath, isDirectory: () => isDirectory });
    expect(packed('node_modules/electron', true)).toBe(false);
    expect(packed('node_modules/electron/dist/electron')).toBe(false);
    expect(packed('node_modules/electron/package.json')).toBe(false);
    expect(packed('node_modules/electron-updater/package.json')).toBe(true);
    expect(packed('node_modules/electron-store/index.js')).toBe(true);
    expect(packed('node_modules/better-sqlite3/lib/index.js')).toBe(true);
  });

  it('installs under the names the print helpers assume, all derived from productName and the Linux executable', () => {
    // A top-level executableName would rename the Windows .exe and the macOS .app as well.
    expect(config.executableName).toBeUndefined();
    expect(config.win.executableName).toBeUndefined();
    expect(config.mac.executableName).toBeUndefined();
    expect(config.productName).toBe(pkg.productName);
    const script = (path: string) => readFileSync(join(root, 'build/print-intake', path), 'utf8');
    const windowsExe = `${config.productName}\\${config.productName}.exe`;
    expect(script('windows/install-send-to.ps1')).toContain(`Join-Path $env:ProgramFiles '${windowsExe}'`);
    expect(script('macos/install-pdf-service.sh')).toContain(`open -a "${config.productName}"`);
    const linuxCommand = config.linux.executableName;
    // The CUPS backend never launches the app (it spools per user for whichever gateway runs), so it names no executable.
    expect(script('cups/faxbot')).not.toMatch(/\/usr\/bin\/faxbot/);
    expect(script('linux/faxbot-desktop.desktop')).toMatch(new RegExp(`^Exec=${linuxCommand} `, 'm'));
    expect(config.nsis.shortcutName).toBe(config.productName);
    expect(config.linux.desktop.entry.StartupWMClass).toBe(config.productName);
  });

  it('wires auto-update publishing', () => {
    expect(config.publish).toEqual([expect.objectContaining({ provider: 'github' })]);
    expect(pkg.dependencies['electron-updater']).toBeDefined();
  });

  it('points at icons and resources that exist', () => {
    const paths = [
      config.mac.icon,
      config.mac.entitlements,
      config.win.icon,
      config.nsis.installerIcon,
      join(config.linux.icon, '256x256.png'),
      join(config.linux.icon, '512x512.png'),
      ...config.files.filter((f: string) => f.startsWith('build/')),
      // release/ is produced at pack time (npm run native:electron), not checked in.
      ...config.extraResources.map((r: { from: string }) => r.from).filter((from: string) => !from.startsWith('release/')),
    ];
    for (const path of paths) expect(existsSync(join(root, path)), path).toBe(true);
    const magic = (path: string, bytes: number) => readFileSync(join(root, path)).subarray(0, bytes).toString('latin1');
    expect(magic(config.mac.icon, 4)).toBe('icns');
    expect(readFileSync(join(root, config.win.icon)).readUInt16LE(2)).toBe(1);
    expect(magic('build/icons/icon.png', 8)).toBe('\x89PNG\r\n\x1a\n');
  });

  it('ships executable print-intake scripts; the CUPS backend answers discovery', () => {
    for (const script of ['cups/faxbot', 'cups/install.sh', 'linux/install-user-integration.sh', 'macos/install-pdf-service.sh']) {
      expect(statSync(join(root, 'build/print-intake', script)).mode & 0o100, script).toBeTruthy();
    }
  });
});
