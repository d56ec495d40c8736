import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { faxGeometry, type FaxPaper } from '../../../shared/fax-page';
import type { FaxResolution } from '../../../shared/settings';

const GS_TIMEOUT_MS = 120_000;

export class FaxImageError extends Error {}

function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stderr: String(stderr).slice(0, 500) }));
      else resolve(String(stdout));
    });
  });
}

/** Ghostscript's version, or null when it is not installed (startup and diagnostics say so plainly). */
export async function ghostscriptVersion(): Promise<string | null> {
  try {
    return (await run('gs', ['--version'], 10_000)).trim();
  } catch {
    return null;
  }
}

export const GHOSTSCRIPT_MISSING =
  'Ghostscript (gs) is not installed, so PDFs cannot be turned into fax pages for SIP/Asterisk. Install it (Debian/Ubuntu: apt install ghostscript; macOS: brew install ghostscript).';

/**
 * PDF → TIFF-F (CCITT G4, 204 dpi × 98/196 lpi, 1728 px wide, fixed Letter/A4 page) with the page
 * scaled to fit, so every receiving machine prints it at its real size. Returns the page count
 * read from the TIFF itself (Ghostscript's PDF page-count operators fail under -dSAFER in gs 10).
 */
export async function pdfToFaxTiff(
  pdfPath: string,
  tiffPath: string,
  options: { resolution: FaxResolution; paper: FaxPaper },
): Promise<{ pages: number }> {
  const { width, height, yDpi } = faxGeometry(options.resolution, options.paper);
  try {
    await run(
      'gs',
      [
        '-q',
        '-dSAFER',
        '-dBATCH',
        '-dNOPAUSE',
        '-sDEVICE=tiffg4',
        `-r204x${yDpi}`,
        `-g${width}x${height}`,
        '-dFIXEDMEDIA',
        '-dPDFFitPage',
        `-sOutputFile=${tiffPath}`,
        '--',
        pdfPath,
      ],
      GS_TIMEOUT_MS,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new FaxImageError(GHOSTSCRIPT_MISSING);
    throw new FaxImageError('Ghostscript could not turn the PDF into fax pages.');
  }
  const pages = tiffPageCount(await readFile(tiffPath));
  if (pages === 0) throw new FaxImageError('Ghostscript produced no fax pages.');
  return { pages };
}

/** Number of images (IFDs) in a TIFF; 0 when the bytes are not a TIFF. Bounded against IFD loops. */
export function tiffPageCount(bytes: Uint8Array): number {
  if (bytes.length < 8) return 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const order = String.fromCharCode(bytes[0] as number, bytes[1] as number);
  if (order !== 'II' && order !== 'MM') return 0;
  const little = order === 'II';
  if (view.getUint16(2, little) !== 42) return 0;
  const seen = new Set<number>();
  let offset = view.getUint32(4, little);
  while (offset !== 0 && offset + 2 <= bytes.length && !seen.has(offset) && seen.size < 10_000) {
    seen.add(offset);
    const entries = view.getUint16(offset, little);
    const next = offset + 2 + entries * 12;
    if (next + 4 > bytes.length) break;
    offset = view.getUint32(next, little);
  }
  return seen.size;
}
