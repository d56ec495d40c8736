import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_USER_MODEL_ID } from '../electron/main/app.main';

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

  it('rebuilds native modules at pack time, never at install, and unpacks them from asar', () => {
    expect(config.npmRebuild).toBe(true);
    expect(config.buildDependenciesFromSource).toBe(false);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(pkg.scripts.postinstall ?? '').not.toMatch(/install-app-deps|electron-rebuild/);
    expect(pkg.dependencies.electron).toBeUndefined();
    expect(pkg.devDependencies.electron).toBeUndefined();
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
      ...config.extraResources.map((r: { from: string }) => r.from),
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
