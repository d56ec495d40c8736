import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';

/**
 * Where documents live (outbound jobs' files and inbound faxes): a local or shared folder by
 * default, S3-compatible storage for an office server. Every method is safe with several gateway
 * processes on one store: nothing is cached in memory, and a reader never sees half a file.
 */
export interface ArtifactStore {
  readonly kind: 'local' | 's3';
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** Moves a finished local file (a streamed upload) into the store; the file is gone afterwards. */
  putFile(key: string, path: string, contentType: string): Promise<void>;
  get(key: string): Promise<Uint8Array | null>;
  head(key: string): Promise<{ size: number } | null>;
  delete(key: string): Promise<void>;
  /** For tools that need a file path (Ghostscript): the file itself, or a private temporary copy removed after `use`. */
  withFile<T>(key: string, use: (path: string) => Promise<T>): Promise<T>;
}

export class DocumentMissingError extends Error {
  constructor() {
    super('The stored document is missing');
  }
}

/** A temporary name beside the target: unique per process and call, so writers never share one. */
export const tempNameFor = (file: string) => `${file}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;

export class LocalArtifactStore implements ArtifactStore {
  readonly kind = 'local' as const;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Keys are ours (ids), but confine them anyway: no key may escape the root. */
  pathFor(key: string): string {
    const full = resolve(join(this.root, key));
    if (!full.startsWith(this.root + sep)) throw new Error('artifact key escapes the storage root');
    return full;
  }

  /** Written beside the target, then renamed over it: another process sees the old file, none, or the whole new one. */
  async put(key: string, bytes: Uint8Array): Promise<void> {
    const file = this.pathFor(key);
    const temp = tempNameFor(file);
    try {
      // The folder exists after the first document; create it only when missing (no per-call mkdir, no cache).
      await writeFile(temp, bytes).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        await mkdir(dirname(file), { recursive: true });
        await writeFile(temp, bytes);
      });
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async putFile(key: string, path: string): Promise<void> {
    const file = this.pathFor(key);
    await mkdir(dirname(file), { recursive: true });
    await rename(path, file);
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      return await readFile(this.pathFor(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async head(key: string): Promise<{ size: number } | null> {
    try {
      return { size: (await stat(this.pathFor(key))).size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathFor(key), { force: true });
  }

  async withFile<T>(key: string, use: (path: string) => Promise<T>): Promise<T> {
    if (!(await this.head(key))) throw new DocumentMissingError();
    return use(this.pathFor(key));
  }
}

/** Copies a document into a private temporary folder for `use`, and removes it afterwards. */
export async function withTemporaryFile<T>(name: string, bytes: Uint8Array, use: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'faxbot-doc-'));
  try {
    const path = join(dir, name.replace(/[^\w.-]/g, '_'));
    await writeFile(path, bytes, { mode: 0o600 });
    return await use(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One stored document, for code that must not care where it is (a provider submitting a fax). */
export interface StoredDocument {
  /** Throws DocumentMissingError when it is gone. */
  bytes(): Promise<Uint8Array>;
  /** A file path for tools that need one (Ghostscript), valid during `use`. */
  withFile<T>(use: (path: string) => Promise<T>): Promise<T>;
}

export interface StoreSet {
  /** Where new documents go (STORAGE_BACKEND). */
  current(): ArtifactStore;
  /** The store an existing reference names, whatever the current setting. */
  of(kind: ArtifactStore['kind']): ArtifactStore;
}

/**
 * Documents by reference, as rows keep them: `local:<name>` or `s3:<name>`, so switching
 * STORAGE_BACKEND strands nothing. Rows written before outbound documents used the store hold an
 * absolute file path, which is still read (and removed) as a file.
 */
export class StoredDocuments {
  constructor(private readonly stores: StoreSet) {}

  /** Saves bytes under `name` in the current store; returns the reference to keep. */
  async save(name: string, bytes: Uint8Array, contentType = 'application/pdf'): Promise<string> {
    const store = this.stores.current();
    await store.put(name, bytes, contentType);
    return `${store.kind}:${name}`;
  }

  /** Moves a finished local file into the current store; returns the reference to keep. */
  async saveFile(name: string, path: string, contentType = 'application/pdf'): Promise<string> {
    const store = this.stores.current();
    await store.putFile(name, path, contentType);
    return `${store.kind}:${name}`;
  }

  async read(ref: string): Promise<Uint8Array | null> {
    if (isAbsolute(ref)) return readFile(ref).catch(() => null);
    const { store, name } = this.locate(ref);
    return store.get(name);
  }

  async remove(ref: string): Promise<void> {
    if (isAbsolute(ref)) return rm(ref, { force: true });
    const { store, name } = this.locate(ref);
    await store.delete(name);
  }

  handle(ref: string): StoredDocument {
    return {
      bytes: async () => {
        const bytes = await this.read(ref);
        if (!bytes) throw new DocumentMissingError();
        return bytes;
      },
      withFile: (use) => this.withFile(ref, use),
    };
  }

  withFile<T>(ref: string, use: (path: string) => Promise<T>): Promise<T> {
    if (isAbsolute(ref)) return use(ref);
    const { store, name } = this.locate(ref);
    return store.withFile(name, use);
  }

  private locate(ref: string): { store: ArtifactStore; name: string } {
    const colon = ref.indexOf(':');
    const kind = ref.slice(0, colon);
    const name = ref.slice(colon + 1);
    if ((kind !== 'local' && kind !== 's3') || !name) throw new Error('unrecognised storage reference');
    return { store: this.stores.of(kind), name };
  }
}
