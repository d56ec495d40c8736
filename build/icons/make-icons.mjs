// Renders icon.svg / tray.svg to every PNG size the packagers want, and packs icon.ico (PNG-in-ICO,
// Windows Vista+) and icon.icns (PNG entries, macOS 10.7+) without extra tools. Uses Debian's
// Chromium through playwright-core. Re-run after editing the SVGs: node build/icons/make-icons.mjs
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
const page = await browser.newPage({ deviceScaleFactor: 1 });

async function render(svgFile, size, recolor) {
  let svg = readFileSync(join(here, svgFile), 'utf8');
  if (recolor) svg = svg.replaceAll('#000', recolor);
  await page.setViewportSize({ width: size, height: size });
  const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  await page.setContent(
    `<html><body style="margin:0;background:transparent"><img src="${src}" width="${size}" height="${size}" style="display:block"></body></html>`,
  );
  await page.waitForFunction(() => document.images[0]?.complete);
  return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
}

const png = new Map();
for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) png.set(size, await render('icon.svg', size));

mkdirSync(join(here, 'png'), { recursive: true });
for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) writeFileSync(join(here, 'png', `${size}x${size}.png`), png.get(size));
writeFileSync(join(here, 'icon.png'), png.get(1024));

// Tray: a light glyph for Windows/Linux panels (usually dark); a black template for macOS, which recolors it.
writeFileSync(join(here, 'tray.png'), await render('tray.svg', 32, '#ffffff'));
writeFileSync(join(here, 'trayTemplate.png'), await render('tray.svg', 16));
writeFileSync(join(here, 'trayTemplate@2x.png'), await render('tray.svg', 32));
await browser.close();

function ico(sizes) {
  const header = Buffer.alloc(6 + 16 * sizes.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(sizes.length, 4);
  let offset = header.length;
  sizes.forEach((size, i) => {
    const data = png.get(size);
    const at = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, at);
    header.writeUInt8(size >= 256 ? 0 : size, at + 1);
    header.writeUInt16LE(1, at + 4);
    header.writeUInt16LE(32, at + 6);
    header.writeUInt32LE(data.length, at + 8);
    header.writeUInt32LE(offset, at + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...sizes.map((size) => png.get(size))]);
}

function icns(entries) {
  const chunks = entries.map(([type, size]) => {
    const data = png.get(size);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + chunks.reduce((n, c) => n + c.length, 0), 4);
  return Buffer.concat([head, ...chunks]);
}

writeFileSync(join(here, 'icon.ico'), ico([16, 24, 32, 48, 64, 128, 256]));
writeFileSync(
  join(here, 'icon.icns'),
  icns([
    ['icp4', 16],
    ['icp5', 32],
    ['icp6', 64],
    ['ic07', 128],
    ['ic08', 256],
    ['ic09', 512],
    ['ic10', 1024],
    ['ic11', 32],
    ['ic12', 64],
    ['ic13', 256],
    ['ic14', 512],
  ]),
);
console.log('icons written to', here);
