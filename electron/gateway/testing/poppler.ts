// Poppler (Debian poppler-utils) reads and draws a PDF the way a viewer or fax machine would.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function withPdfFile<T>(pdf: Uint8Array, run: (input: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'fbd-poppler-'));
  try {
    writeFileSync(join(dir, 'in.pdf'), pdf);
    return run(join(dir, 'in.pdf'), dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text a reader sees, pages separated by form feeds (pdftotext -layout). */
export function pdfToText(pdf: Uint8Array): string {
  return withPdfFile(pdf, (input) => execFileSync('pdftotext', ['-layout', input, '-'], { encoding: 'utf8' }));
}

/** The first page at 72 dpi as 8-bit grey pixels, anti-aliasing off (a fax has no half-tones either). */
export function pdfToGreyPixels(pdf: Uint8Array): { width: number; height: number; pixels: Buffer } {
  const pgm = withPdfFile(pdf, (input, dir) => {
    execFileSync('pdftoppm', [
      '-r',
      '72',
      '-gray',
      '-aa',
      'no',
      '-aaVector',
      'no',
      '-singlefile',
      '-f',
      '1',
      '-l',
      '1',
      input,
      join(dir, 'page'),
    ]);
    return readFileSync(join(dir, 'page.pgm'));
  });
  // P5 header: magic, width, height, maxval, each followed by whitespace.
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error('pdftoppm did not write a PGM');
  return { width: Number(header[1]), height: Number(header[2]), pixels: pgm.subarray(header[0].length) };
}
