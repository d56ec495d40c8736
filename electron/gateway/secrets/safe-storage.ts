import { EncryptedBlobFileStore } from './file-store';

/** The subset of Electron's `safeStorage` this store uses (passed in; the gateway never imports Electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/**
 * Inside Electron: blobs encrypted by the OS (Keychain, DPAPI, libsecret/kwallet) via `safeStorage`,
 * kept in a file in userData. Only usable after the app's `ready` event.
 */
export class SafeStorageSecretStore extends EncryptedBlobFileStore {
  constructor(safeStorage: SafeStorageLike, filePath: string) {
    if (!safeStorage.isEncryptionAvailable()) throw new Error('safeStorage encryption is not available');
    super('safeStorage', filePath, {
      encrypt: (plain) => safeStorage.encryptString(plain),
      decrypt: (blob) => safeStorage.decryptString(blob),
    });
  }
}
