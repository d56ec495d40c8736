import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DocumentMissingError, LocalArtifactStore, StoredDocuments } from './artifact-store';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'fbd-store-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('LocalArtifactStore (one folder, possibly shared by several gateways)', () => {
  it('a reader sees a whole document or none while writers replace it, and no temporary file is left', async () => {
    const store = new LocalArtifactStore(join(root, 'jobs'));
    const versions = [Buffer.alloc(1024 * 1024, 0x61), Buffer.alloc(1024 * 1024, 0x62)];
    const seen = new Set<string>();
    let writing = true;
    const reader = (async () => {
      // Bounded: stops when the writers finish, or after 2,000 reads.
      for (let i = 0; writing && i < 2000; i += 1) {
        const bytes = await store.get('a-fax.pdf');
        if (bytes) seen.add(`${bytes.length}:${String.fromCharCode(bytes[0]!)}${String.fromCharCode(bytes.at(-1)!)}`);
      }
    })();
    await Promise.all(
      versions.map(async (bytes) => {
        for (let i = 0; i < 20; i += 1) await store.put('a-fax.pdf', bytes);
      }),
    );
    writing = false;
    await reader;
    expect(seen.size).toBeGreaterThan(0);
    expect([...seen].every((entry) => entry === '1048576:aa' || entry === '1048576:bb')).toBe(true);
    expect(readdirSync(join(root, 'jobs'))).toEqual(['a-fax.pdf']);
  });

  it('creates its folder on first use, reports sizes, and refuses keys that leave the folder', async () => {
    const store = new LocalArtifactStore(join(root, 'files', 'inbound'));
    await store.put('x.pdf', new Uint8Array([1, 2, 3]));
    expect(await store.head('x.pdf')).toEqual({ size: 3 });
    expect(await store.head('y.pdf')).toBeNull();
    await expect(store.put('../escape.pdf', new Uint8Array([1]))).rejects.toThrow('artifact key escapes the storage root');
    await expect(store.withFile('y.pdf', async () => 0)).rejects.toBeInstanceOf(DocumentMissingError);
  });
});

describe('StoredDocuments references', () => {
  const documents = () => {
    const local = new LocalArtifactStore(join(root, 'jobs'));
    return new StoredDocuments({ current: () => local, of: () => local });
  };

  it('saves as local:<name>, reads, lends a path and removes', async () => {
    const docs = documents();
    const ref = await docs.save('j1-fax.pdf', new TextEncoder().encode('%PDF-1.4 x'));
    expect(ref).toBe('local:j1-fax.pdf');
    expect(Buffer.from((await docs.read(ref))!).toString()).toBe('%PDF-1.4 x');
    expect(await docs.withFile(ref, async (path) => path)).toBe(join(root, 'jobs', 'j1-fax.pdf'));
    await docs.remove(ref);
    expect(await docs.read(ref)).toBeNull();
    await expect(docs.handle(ref).bytes()).rejects.toBeInstanceOf(DocumentMissingError);
  });

  it('still reads and removes the absolute file paths that rows written before the store hold', async () => {
    const legacy = join(root, 'old-upload.pdf');
    writeFileSync(legacy, '%PDF-1.4 old');
    const docs = documents();
    expect(Buffer.from(await docs.handle(legacy).bytes()).toString()).toBe('%PDF-1.4 old');
    await docs.remove(legacy);
    expect(existsSync(legacy)).toBe(false);
    expect(await docs.read(legacy)).toBeNull();
  });

  it('refuses a reference that names no store', async () => {
    await expect(documents().read('ftp:x.pdf')).rejects.toThrow('unrecognised storage reference');
  });
});
