// Small images made in tests (no binary fixtures to trust).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

// A URL, not __dirname: Playwright loads this file as an ES module.
const FIXTURE = fileURLToPath(new URL('../../../e2e/fixtures/three-page-letter.pdf', import.meta.url));

/** An 8-bit greyscale PNG of one flat grey level (an encoder small enough to read). */
export function greyPng(width: number, height: number, level: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width, level)]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Pages of the three-page fixture PDF drawn by Ghostscript as another image format (an independent encoder), e.g. 'jpeggray', 'tiffgray'. */
export function fixtureAsImage(device: string, pages: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'fbd-image-'));
  try {
    const out = join(dir, 'page');
    execFileSync('gs', ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', `-sDEVICE=${device}`, '-r30', `-sPageList=${pages}`, '-o', out, FIXTURE]);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
