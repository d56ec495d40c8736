import { open, stat } from 'node:fs/promises';
import { basename, extname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isImageKind, sniffDocument, type DocumentKind } from '../gateway/documents/sniff';

export interface IntakeFile {
  name: string;
  contentBase64: string;
}

export interface IntakeResult {
  files: IntakeFile[];
  rejected: { name: string; reason: string }[];
}

/** Matches the contract's limit on documents per fax. */
export const MAX_INTAKE_FILES = 20;

/**
 * File paths in a launch's argv (ours, or a second instance's, which is untrusted). The first
 * `skip` entries are the executable (and the app path in development); switches, including the
 * ones Chromium appends, are ignored; `file://` URLs (Linux `%U`) become paths; relative paths
 * resolve against the launching process's working directory.
 */
export function filePathsFromArgv(argv: readonly string[], options: { cwd: string; skip: number }): string[] {
  const paths = new Set<string>();
  for (const arg of argv.slice(options.skip)) {
    if (arg === '' || arg.startsWith('-') || arg.includes('\0')) continue;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) {
      if (!arg.toLowerCase().startsWith('file://')) continue;
      try {
        paths.add(fileURLToPath(arg));
      } catch {
        // A file URL with a foreign host or bad encoding names nothing we can open.
      }
      continue;
    }
    paths.add(isAbsolute(arg) ? resolve(arg) : resolve(options.cwd, arg));
  }
  return [...paths];
}

/**
 * PDF by its header (the spec tolerates leading bytes, readers look in the first 1 KiB); JPEG, PNG
 * and TIFF by their signatures; TXT by name and no NUL bytes.
 */
function documentKind(name: string, bytes: Buffer): DocumentKind | null {
  if (bytes.subarray(0, 1024).includes('%PDF-')) return 'pdf';
  const sniffed = sniffDocument(bytes.subarray(0, 16));
  if ('kind' in sniffed && isImageKind(sniffed.kind)) return sniffed.kind;
  if (extname(name).toLowerCase() === '.txt' && !bytes.includes(0)) return 'txt';
  return null;
}

async function readCapped(path: string, maxBytes: number): Promise<Buffer | 'too_large' | 'not_a_file'> {
  const info = await stat(path);
  if (!info.isFile()) return 'not_a_file';
  if (info.size > maxBytes) return 'too_large';
  // Read at most maxBytes + 1 through the handle so a file growing after stat cannot slip past the cap.
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return bytesRead > maxBytes ? 'too_large' : buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Reads files the OS handed us, at once (print spool files are temporary). Only regular files
 * within the size cap that are PDFs or text files get through; the rest come back with a reason.
 */
export async function readIntakeFiles(paths: readonly string[], maxBytes: number): Promise<IntakeResult> {
  const result: IntakeResult = { files: [], rejected: [] };
  for (const [index, path] of paths.entries()) {
    const name = basename(path);
    if (index >= MAX_INTAKE_FILES) {
      result.rejected.push({ name, reason: `only ${MAX_INTAKE_FILES} documents fit in one fax` });
      continue;
    }
    let bytes: Awaited<ReturnType<typeof readCapped>>;
    try {
      bytes = await readCapped(path, maxBytes);
    } catch {
      result.rejected.push({ name, reason: 'could not be read' });
      continue;
    }
    if (bytes === 'not_a_file') result.rejected.push({ name, reason: 'is not a file' });
    else if (bytes === 'too_large') result.rejected.push({ name, reason: `is larger than ${Math.floor(maxBytes / 1048576)} MB` });
    else if (bytes.length === 0) result.rejected.push({ name, reason: 'is empty' });
    else if (documentKind(name, bytes) === null) result.rejected.push({ name, reason: 'is not a PDF, text file or image' });
    else result.files.push({ name, contentBase64: bytes.toString('base64') });
  }
  return result;
}

/**
 * Holds batches until the renderer says it listens, then delivers in order. Reloading the page
 * makes it deaf again until it re-subscribes.
 */
export class OpenFilesQueue {
  private pending: IntakeFile[][] = [];
  private deliver: ((files: IntakeFile[]) => void) | null = null;

  push(files: IntakeFile[]): void {
    if (this.deliver) this.deliver(files);
    else this.pending.push(files);
  }

  listening(deliver: (files: IntakeFile[]) => void): void {
    this.deliver = deliver;
    const batches = this.pending;
    this.pending = [];
    for (const files of batches) deliver(files);
  }

  deaf(): void {
    this.deliver = null;
  }
}
