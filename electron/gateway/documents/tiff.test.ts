import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { faxGeometry } from '../../../shared/fax-page';
import { ghostscriptVersion, GHOSTSCRIPT_MISSING, pdfToFaxTiff, tiffPageCount } from './tiff';

const FIXTURE = join(__dirname, '../../../e2e/fixtures/three-page-letter.pdf');
const dir = mkdtempSync(join(tmpdir(), 'fbd-tiff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Geometry of every page as libtiff's own tiffinfo reports it (an independent reader). */
function tiffinfo(path: string): { width: number; length: number; xres: number; yres: number; compression: string }[] {
  const text = execFileSync('tiffinfo', [path], { encoding: 'utf8' });
  return text
    .split(/TIFF Directory at offset/)
    .slice(1)
    .map((block) => ({
      width: Number(/Image Width: (\d+)/.exec(block)?.[1]),
      length: Number(/Image Length: (\d+)/.exec(block)?.[1]),
      xres: Number(/Resolution: ([\d.]+),/.exec(block)?.[1]),
      yres: Number(/Resolution: [\d.]+, ([\d.]+)/.exec(block)?.[1]),
      compression: /Compression Scheme: (.+)/.exec(block)?.[1]?.trim() ?? '',
    }));
}

describe('PDF → TIFF-F for Asterisk', () => {
  it.each([
    ['fine', 'letter', 2156, 196],
    ['standard', 'letter', 1078, 98],
    ['fine', 'a4', 2292, 196],
    ['standard', 'a4', 1146, 98],
  ] as const)('%s %s: every page is 1728 px wide by %i lines, G4, at 204×%i dpi', async (resolution, paper, length, yres) => {
    const out = join(dir, `${resolution}-${paper}.tif`);
    const { pages } = await pdfToFaxTiff(FIXTURE, out, { resolution, paper });
    expect(pages).toBe(3);
    const info = tiffinfo(out);
    expect(info).toHaveLength(3);
    for (const page of info) {
      expect(page).toEqual({ width: 1728, length, xres: 204, yres, compression: 'CCITT Group 4' });
    }
    expect(faxGeometry(resolution, paper)).toEqual({ width: 1728, height: length, yDpi: yres });
  });

  it('counts pages from the TIFF itself and treats non-TIFF bytes as zero pages', async () => {
    const out = join(dir, 'count.tif');
    await pdfToFaxTiff(FIXTURE, out, { resolution: 'fine', paper: 'letter' });
    expect(tiffPageCount(readFileSync(out))).toBe(3);
    expect(tiffPageCount(Buffer.from('%PDF-1.4 not a tiff'))).toBe(0);
    expect(tiffPageCount(Buffer.alloc(0))).toBe(0);
    // An IFD that points at itself is counted once, not forever.
    const loop = Buffer.from([0x49, 0x49, 42, 0, 8, 0, 0, 0, 0, 0, 8, 0, 0, 0]);
    expect(tiffPageCount(loop)).toBe(1);
  });

  it('a file that is not a PDF is refused with a readable reason', async () => {
    const bad = join(dir, 'bad.pdf');
    execFileSync('sh', ['-c', `printf 'hello' > ${bad}`]);
    await expect(pdfToFaxTiff(bad, join(dir, 'bad.tif'), { resolution: 'fine', paper: 'letter' })).rejects.toThrow(
      /could not turn the PDF into fax pages|produced no fax pages/,
    );
  });

  it('says plainly, with the install command, when Ghostscript is not installed', async () => {
    const path = process.env.PATH;
    process.env.PATH = join(dir, 'no-such-bin');
    try {
      expect(await ghostscriptVersion()).toBeNull();
      await expect(pdfToFaxTiff(FIXTURE, join(dir, 'none.tif'), { resolution: 'fine', paper: 'letter' })).rejects.toThrow(
        GHOSTSCRIPT_MISSING,
      );
    } finally {
      process.env.PATH = path;
    }
    expect(GHOSTSCRIPT_MISSING).toMatch(/apt install ghostscript/);
  });

  it('renders grey areas and photos dithered, not thresholded to solid black or white', async () => {
    // A letter page that is a mid-grey block (50% grey) with a white margin.
    const ps = join(dir, 'grey.ps');
    const pdf = join(dir, 'grey.pdf');
    writeFileSync(ps, '%!PS\n0.5 setgray 72 72 468 648 rectfill showpage\n');
    execFileSync('gs', ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', '-sDEVICE=pdfwrite', `-sOutputFile=${pdf}`, ps]);
    const tif = join(dir, 'grey.tif');
    await pdfToFaxTiff(pdf, tif, { resolution: 'fine', paper: 'letter' });
    // libtiff's tiffcp decodes the G4 page into one uncompressed strip we can read directly.
    const raw = join(dir, 'grey-raw.tif');
    execFileSync('tiffcp', ['-c', 'none', '-r', '100000', tif, raw]);
    const row = rowBits(readFileSync(raw), 1078);
    const black = row.filter(Boolean).length;
    const greyWidth = (468 / 612) * 1728;
    // Halftoned: roughly half the grey block's pixels are black (min-is-white: 1 = black).
    expect(black / greyWidth).toBeGreaterThan(0.3);
    expect(black / greyWidth).toBeLessThan(0.7);
  });
});

/** One row of an uncompressed, single-strip, 1-bit TIFF (first IFD) as booleans (true = bit set). */
function rowBits(bytes: Buffer, row: number): boolean[] {
  const little = bytes.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (little ? bytes.readUInt16LE(o) : bytes.readUInt16BE(o));
  const u32 = (o: number) => (little ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o));
  const ifd = u32(4);
  const tags = new Map<number, number>();
  for (let i = 0; i < u16(ifd); i++) {
    const entry = ifd + 2 + i * 12;
    const type = u16(entry + 2);
    tags.set(u16(entry), type === 3 ? u16(entry + 8) : u32(entry + 8));
  }
  const width = tags.get(256) as number;
  const stride = Math.ceil(width / 8);
  const start = (tags.get(273) as number) + row * stride;
  const out: boolean[] = [];
  for (let x = 0; x < width; x++) out.push(((bytes[start + (x >> 3)] as number) & (0x80 >> (x & 7))) !== 0);
  return out;
}
