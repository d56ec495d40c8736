import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EncryptedBlobFileStore, type BlobCipher } from './file-store';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM: iv ‖ tag ‖ ciphertext. */
export function aesGcmCipher(key: Buffer): BlobCipher {
  if (key.length !== 32) throw new Error('secret key must be 32 bytes');
  return {
    encrypt(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(blob) {
      const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, IV_BYTES));
      decipher.setAuthTag(blob.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(blob.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}

function loadOrCreateKey(keyPath: string): Buffer {
  try {
    return readFileSync(keyPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  // 'wx' so two processes racing to create the key cannot overwrite each other's.
  try {
    writeFileSync(keyPath, key, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(keyPath);
    throw error;
  }
}

/**
 * Fallback when no OS keychain is reachable (a server without a Secret Service). The key sits beside
 * the blobs, so this keeps secrets out of the settings file, database, backups of either and logs,
 * but not away from someone who can read this user's files.
 */
export class EncryptedFileSecretStore extends EncryptedBlobFileStore {
  readonly keyPath: string;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const keyPath = join(dir, 'secrets.key');
    super('encrypted-file', join(dir, 'secrets.enc.json'), aesGcmCipher(loadOrCreateKey(keyPath)));
    this.keyPath = keyPath;
  }
}
