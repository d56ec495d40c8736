import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureAsImage, greyPng } from '../testing/images';
import { imageToPdf, MAX_IMAGE_PIXELS } from './image-to-pdf';
import { sniffDocument } from './sniff';

const dir = mkdtempSync(join(tmpdir(), 'fbd-image-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Share of black pixels in the middle of page 1 as Ghostscript's 1-bit fax devices draw it. */
function inkInCentre(pdf: Uint8Array): number {
  const input = join(dir, 'ink.pdf');
  const output = join(dir, 'ink.pbm');
  writeFileSync(input, pdf);
  execFileSync('gs', [
    '-q',
    '-dSAFER',
    '-dBATCH',
    '-dNOPAUSE',
    '-sDEVICE=pbmraw',
    '-r100',
    '-dFirstPage=1',
    '-dLastPage=1',
    '-o',
    output,
    input,
  ]);
  const pbm = readFileSync(output);
  // "P4", optional "# comment" lines, width, height, one whitespace byte, then the rows.
  const header = /^P4\s+(?:#[^\n]*\n\s*)*(\d+)\s+(\d+)\s/.exec(pbm.toString('latin1', 0, 200));
  if (!header) throw new Error('Ghostscript wrote no PBM header');
  const [w, h, headerLength] = [Number(header[1]), Number(header[2]), header[0].length];
  const stride = Math.ceil(w / 8);
  let black = 0;
  let total = 0;
  for (let y = Math.floor(h * 0.4); y < h * 0.6; y++) {
    for (let x = Math.floor(w * 0.4); x < w * 0.6; x++) {
      const byte = pbm[headerLength + y * stride + (x >> 3)] ?? 0;
      black += (byte >> (7 - (x & 7))) & 1;
      total++;
    }
  }
  return black / total;
}

describe('JPEG, PNG and TIFF become fax pages', () => {
  it('recognises each image type from its bytes, whatever its name', () => {
    expect(sniffDocument(greyPng(4, 4, 128))).toEqual({ kind: 'png' });
    expect(sniffDocument(fixtureAsImage('jpeggray', '1'))).toEqual({ kind: 'jpeg' });
    expect(sniffDocument(fixtureAsImage('tiffgray', '1'))).toEqual({ kind: 'tiff' });
    expect(sniffDocument(Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]))).toEqual({ kind: 'tiff' });
  });

  it('puts a photo on one page of the chosen paper', async () => {
    const { pdf, pages } = await imageToPdf(greyPng(1200, 900, 200), 'png', 'a4');
    expect(pages).toBe(1);
    const page = (await PDFDocument.load(pdf)).getPage(0);
    expect(page.getSize()).toEqual({ width: 595.28, height: 841.89 });
    const jpeg = await imageToPdf(fixtureAsImage('jpeggray', '1'), 'jpeg', 'letter');
    expect((await PDFDocument.load(jpeg.pdf)).getPage(0).getSize()).toEqual({ width: 612, height: 792 });
  });

  it('keeps every page of a multi-page TIFF', async () => {
    const { pdf, pages } = await imageToPdf(fixtureAsImage('tiffgray', '1-3'), 'tiff', 'letter');
    expect(pages).toBe(3);
    expect((await PDFDocument.load(pdf)).getPageCount()).toBe(3);
  });

  it('mid grey is dithered into a pattern on the fax page, not printed as a black or white block', async () => {
    const { pdf } = await imageToPdf(greyPng(400, 400, 128), 'png', 'letter');
    const ink = inkInCentre(pdf);
    expect(ink).toBeGreaterThan(0.3);
    expect(ink).toBeLessThan(0.7);
  });

  it('refuses unreadable and oversized images with a sentence for the sender', async () => {
    const truncated = greyPng(50, 50, 0).subarray(0, 40);
    await expect(imageToPdf(truncated, 'png', 'letter')).rejects.toThrow(
      'This PNG image cannot be read. Open it, save it again, and retry.',
    );
    await expect(imageToPdf(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2]), 'jpeg', 'letter')).rejects.toThrow(/JPEG image cannot be read/);
    await expect(imageToPdf(Buffer.from([0x49, 0x49, 0x2a, 0x00, 9, 9, 9, 9]), 'tiff', 'letter')).rejects.toThrow(
      /TIFF image cannot be read/,
    );
    // The header says 8000 x 8000; refused before a single pixel is inflated.
    const huge = greyPng(1, 1, 0);
    huge.writeUInt32BE(8000, 16);
    huge.writeUInt32BE(8000, 20);
    expect(8000 * 8000).toBeGreaterThan(MAX_IMAGE_PIXELS);
    await expect(imageToPdf(huge, 'png', 'letter')).rejects.toThrow(/8000 x 8000 pixels, too large to fax/);
  });
});
