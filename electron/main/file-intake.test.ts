import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filePathsFromArgv, MAX_INTAKE_FILES, OpenFilesQueue, readIntakeFiles } from './file-intake';

let dir: string;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'faxbot-intake-'));
  writeFileSync(join(dir, 'letter.pdf'), PDF);
  writeFileSync(join(dir, 'renamed.bin'), PDF);
  writeFileSync(join(dir, 'notes.txt'), 'Hello fax\n');
  writeFileSync(join(dir, 'scan.image'), Buffer.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]));
  writeFileSync(join(dir, 'fake.pdf'), 'MZ\x90\x00 not a pdf');
  writeFileSync(join(dir, 'binary.txt'), Buffer.from([0x41, 0x00, 0x42]));
  writeFileSync(join(dir, 'empty.pdf'), '');
  writeFileSync(join(dir, 'big.pdf'), Buffer.concat([PDF, Buffer.alloc(2048)]));
  mkdirSync(join(dir, 'folder.pdf'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('filePathsFromArgv', () => {
  it('skips the executable (and app path in dev) and every switch', () => {
    const argv = ['/opt/Faxbot/faxbot', '--allow-file-access-from-files', '--original-process-start-time=1', '/tmp/a.pdf', '-psn_0_1'];
    expect(filePathsFromArgv(argv, { cwd: '/home/u', skip: 1 })).toEqual(['/tmp/a.pdf']);
    expect(filePathsFromArgv(['electron', '.', 'b.pdf'], { cwd: '/home/u', skip: 2 })).toEqual(['/home/u/b.pdf']);
  });

  it('resolves relative paths against the launching cwd and normalises', () => {
    expect(filePathsFromArgv(['x', '../docs/./c.pdf'], { cwd: '/home/u/work', skip: 1 })).toEqual(['/home/u/docs/c.pdf']);
  });

  it('accepts file:// URLs (Linux %U) and ignores every other scheme', () => {
    const url = pathToFileURL('/tmp/with space.pdf').href;
    const argv = ['x', url, 'https://evil.example/a.pdf', 'fax://+15551234567', 'javascript:alert(1)//', 'file://remotehost/share/a.pdf'];
    const paths = filePathsFromArgv(argv, { cwd: '/', skip: 1 });
    expect(paths[0]).toBe('/tmp/with space.pdf');
    expect(paths).not.toContain('https://evil.example/a.pdf');
    expect(paths.some((p) => p.includes('remotehost'))).toBe(false);
    expect(paths.every((p) => !p.includes('evil.example') && !p.includes('15551234567'))).toBe(true);
  });

  it('drops empty and NUL-bearing arguments and duplicates', () => {
    expect(filePathsFromArgv(['x', '', '/tmp/a.pdf\0.txt', '/tmp/a.pdf', '/tmp/a.pdf'], { cwd: '/', skip: 1 })).toEqual(['/tmp/a.pdf']);
  });
});

describe('readIntakeFiles', () => {
  it('accepts PDFs and images (a TIFF here) by their bytes and text files by name', async () => {
    const paths = ['letter.pdf', 'renamed.bin', 'notes.txt', 'scan.image'].map((n) => join(dir, n));
    const result = await readIntakeFiles(paths, 1024 * 1024);
    expect(result.rejected).toEqual([]);
    expect(result.files.map((f) => f.name)).toEqual(['letter.pdf', 'renamed.bin', 'notes.txt', 'scan.image']);
    expect(Buffer.from(result.files[0]?.contentBase64 ?? '', 'base64').equals(PDF)).toBe(true);
  });

  it('refuses what is not a document, too big, empty, missing or not a file', async () => {
    const names = ['fake.pdf', 'binary.txt', 'empty.pdf', 'big.pdf', 'missing.pdf', 'folder.pdf'];
    const result = await readIntakeFiles(
      names.map((n) => join(dir, n)),
      1024,
    );
    expect(result.files).toEqual([]);
    expect(Object.fromEntries(result.rejected.map((r) => [r.name, r.reason]))).toEqual({
      'fake.pdf': 'is not a PDF, text file or image',
      'binary.txt': 'is not a PDF, text file or image',
      'empty.pdf': 'is empty',
      'big.pdf': 'is larger than 0 MB',
      'missing.pdf': 'could not be read',
      'folder.pdf': 'is not a file',
    });
  });

  it('refuses devices', async () => {
    const result = await readIntakeFiles(['/dev/zero'], 1024);
    expect(result.rejected).toEqual([{ name: 'zero', reason: 'is not a file' }]);
  });

  it('caps the number of documents', async () => {
    const paths = Array.from({ length: MAX_INTAKE_FILES + 2 }, () => join(dir, 'letter.pdf'));
    const result = await readIntakeFiles(paths, 1024 * 1024);
    expect(result.files).toHaveLength(MAX_INTAKE_FILES);
    expect(result.rejected).toHaveLength(2);
  });
});

describe('OpenFilesQueue', () => {
  it('holds batches until the renderer listens, then delivers in order, and holds again after a reload', () => {
    const queue = new OpenFilesQueue();
    const got: string[][] = [];
    queue.push([{ name: 'a.pdf', contentBase64: 'QQ==' }]);
    queue.push([]);
    queue.listening((files) => got.push(files.map((f) => f.name)));
    expect(got).toEqual([['a.pdf'], []]);
    queue.push([{ name: 'b.pdf', contentBase64: 'Qg==' }]);
    expect(got).toHaveLength(3);
    queue.deaf();
    queue.push([{ name: 'c.pdf', contentBase64: 'Qw==' }]);
    expect(got).toHaveLength(3);
    queue.listening((files) => got.push(files.map((f) => f.name)));
    expect(got.at(-1)).toEqual(['c.pdf']);
  });
});
