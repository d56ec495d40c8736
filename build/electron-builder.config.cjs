// electron-builder configuration for `npm run pack` (macOS dmg+zip, Windows NSIS, Linux AppImage+deb).
// Packaging downloads Electron, so it runs on a build machine with internet access, once per OS
// (native modules and @napi-rs/keyring's per-platform binary must match the target).
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));

// The one place the installed names come from. Windows and macOS install "Faxbot Desktop.exe" /
// "Faxbot Desktop.app" (productName); Linux gets a lower-case command, /usr/bin/faxbot-desktop.
// The print-intake helpers (build/print-intake/) assume exactly these; the config test checks them.
const PRODUCT_NAME = pkg.productName;
const LINUX_EXECUTABLE = 'faxbot-desktop';

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'io.faxbot.desktop',
  productName: PRODUCT_NAME,
  copyright: 'Copyright © Faxbot Desktop contributors',
  // Electron is an optional dependency (its binary cannot be fetched everywhere), so name the version.
  electronVersion: pkg.optionalDependencies.electron,
  directories: { output: 'release', buildResources: 'build' },
  files: [
    'package.json',
    'dist/**',
    'dist-electron/**',
    '!**/*.map',
    'build/icons/icon.png',
    'build/icons/tray.png',
    'build/icons/trayTemplate.png',
    'build/icons/trayTemplate@2x.png',
    // Electron is an optional dependency so installs without it work; it must never be packed as a module.
    '!node_modules/electron{,/**/*}',
  ],
  extraResources: [
    { from: 'build/print-intake', to: 'print-intake' },
    // better-sqlite3 built for this Electron by `npm run native:electron` (build/stage-native.ts).
    { from: 'release/native', to: 'native' },
  ],
  asar: true,
  // Native addons cannot load from inside an asar archive.
  asarUnpack: ['**/*.node'],
  // No rebuild in node_modules (that would break headless mode and the tests): better-sqlite3's
  // Electron build comes from a staging copy, placed in resources/native and loaded by path.
  npmRebuild: false,
  nodeGypRebuild: false,
  buildDependenciesFromSource: false,
  fileAssociations: [
    {
      ext: 'pdf',
      name: 'PDF Document',
      description: 'Fax a PDF with Faxbot Desktop',
      mimeType: 'application/pdf',
      // "Open With" only: never take PDFs over from the user's viewer.
      role: 'Viewer',
      rank: 'Alternate',
    },
  ],
  publish: [
    {
      provider: 'github',
      owner: process.env.FAXBOT_UPDATE_OWNER ?? 'DMontgomery40',
      repo: process.env.FAXBOT_UPDATE_REPO ?? 'faxbot-desktop',
      releaseType: 'release',
    },
  ],
  mac: {
    category: 'public.app-category.business',
    icon: 'build/icons/icon.icns',
    // zip next to dmg: electron-updater updates macOS from the zip.
    target: [
      { target: 'dmg', arch: ['x64', 'arm64'] },
      { target: 'zip', arch: ['x64', 'arm64'] },
    ],
    hardenedRuntime: true,
    gatekeeperAssess: false,
    entitlements: 'build/mac/entitlements.mac.plist',
    entitlementsInherit: 'build/mac/entitlements.mac.plist',
    notarize: Boolean(process.env.APPLE_TEAM_ID),
  },
  dmg: { sign: false },
  win: {
    icon: 'build/icons/icon.ico',
    target: [{ target: 'nsis', arch: ['x64', 'arm64'] }],
  },
  nsis: {
    oneClick: false,
    // File associations from an NSIS installer only take effect per machine.
    perMachine: true,
    allowElevation: true,
    allowToChangeInstallationDirectory: true,
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
    shortcutName: PRODUCT_NAME,
    installerIcon: 'build/icons/icon.ico',
    uninstallerIcon: 'build/icons/icon.ico',
  },
  linux: {
    executableName: LINUX_EXECUTABLE,
    icon: 'build/icons/png',
    category: 'Office',
    target: ['AppImage', 'deb'],
    synopsis: 'Send and receive faxes from your desktop',
    description: 'Desktop fax application with a Faxbot-compatible fax gateway inside.',
    maintainer: 'Faxbot Desktop contributors <faxbot-desktop@users.noreply.github.com>',
    mimeTypes: ['application/pdf'],
    desktop: {
      entry: {
        Name: 'Faxbot Desktop',
        GenericName: 'Fax',
        Comment: 'Send and receive faxes',
        Categories: 'Office;Network;',
        Keywords: 'fax;send;print;',
        MimeType: 'application/pdf;',
        StartupWMClass: PRODUCT_NAME,
      },
    },
  },
  deb: {
    // libsecret lets safeStorage reach GNOME Keyring/KWallet; without it secrets fall back to a key file.
    recommends: ['libsecret-1-0'],
  },
  appImage: { artifactName: '${productName}-${version}-${arch}.${ext}' },
};
