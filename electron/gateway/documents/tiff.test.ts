import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { faxGeometry, ghostscriptVersion, GHOSTSCRIPT_MISSING, pdfToFaxTiff, tiffPageCount } from './tiff';

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
});
