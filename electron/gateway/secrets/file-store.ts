import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SECRET_NAMES, type SecretName } from '../../../shared/settings';
import type { SecretStatus } from '../../../shared/types';
import type { SecretStore } from '../config';

/** Turns a secret into an opaque blob and back; the file never holds the plain value. */
export interface BlobCipher {
  encrypt(plain: string): Buffer;
  decrypt(blob: Buffer): string;
}

interface FileShape {
  version: 1;
  secrets: Partial<Record<SecretName, string>>;
}

/**
 * Encrypted blobs (base64) in one JSON file, mode 0600, replaced atomically. Writes are chained so
 * two quick `set`s cannot lose each other's update.
 */
export class EncryptedBlobFileStore implements SecretStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly kind: string,
    readonly filePath: string,
    private readonly cipher: BlobCipher,
  ) {}

  async get(name: SecretName): Promise<string | null> {
    await this.queue;
    const blob = (await this.load()).secrets[name];
    return blob === undefined ? null : this.cipher.decrypt(Buffer.from(blob, 'base64'));
  }

  set(name: SecretName, value: string): Promise<void> {
    return this.mutate((secrets) => {
      secrets[name] = this.cipher.encrypt(value).toString('base64');
    });
  }

  delete(name: SecretName): Promise<void> {
    return this.mutate((secrets) => {
      delete secrets[name];
    });
  }

  async status(name: SecretName): Promise<SecretStatus> {
    await this.queue;
    return (await this.load()).secrets[name] === undefined
      ? { configured: false, source: 'none' }
      : { configured: true, source: 'keychain' };
  }

  private mutate(change: (secrets: FileShape['secrets']) => void): Promise<void> {
    const next = this.queue.then(async () => {
      const data = await this.load();
      change(data.secrets);
      await mkdir(dirname(this.filePath), { recursive: true, mode: 0o700 });
      const tmp = `${this.filePath}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(data), { mode: 0o600 });
      await chmod(tmp, 0o600);
      await rename(tmp, this.filePath);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async load(): Promise<FileShape> {
    let text: string;
    try {
      text = await readFile(this.filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, secrets: {} };
      throw error;
    }
    const parsed = JSON.parse(text) as Partial<FileShape>;
    const secrets: FileShape['secrets'] = {};
    // Only known names with string blobs survive a round trip, so a hand-edited file cannot smuggle keys in.
    for (const name of SECRET_NAMES) {
      const blob = parsed.secrets?.[name];
      if (typeof blob === 'string') secrets[name] = blob;
    }
    return { version: 1, secrets };
  }
}
