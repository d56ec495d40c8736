// TIFF to PDF with libtiff's tool: light (no pdf-lib), so the SIP inbound route can use it at any time.
import { execFile } from 'node:child_process';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocumentError } from './errors';

/** libtiff's tiff2pdf keeps every page of a multi-page TIFF (stock Ghostscript cannot read TIFF). */
export async function tiffToPdf(tiff: Uint8Array, timeoutMs: number): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'fbd-tiff-'));
  try {
    const input = join(dir, 'in.tif');
    const output = join(dir, 'out.pdf');
    const file = await open(input, 'wx', 0o600);
    await file.writeFile(tiff);
    await file.close();
    await new Promise<void>((resolve, reject) =>
      execFile('tiff2pdf', ['-o', output, input], { timeout: timeoutMs }, (error) => (error ? reject(error) : resolve())),
    ).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT')
        throw new DocumentError('tool_missing', 'tiff2pdf is not installed, so TIFF images cannot be read (apt install libtiff-tools).');
      throw new DocumentError('corrupt', 'This TIFF image cannot be read. Open it, save it again, and retry.');
    });
    return await readFile(output);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
