/** Bytes to base64 in chunks (String.fromCharCode on a whole file overflows the stack). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** 'image' = JPEG, PNG or TIFF: the gateway turns it into PDF pages. */
export type DocumentKind = 'pdf' | 'txt' | 'image' | 'unsupported';

const IMAGE_SIGNATURES = [
  [0xff, 0xd8, 0xff], // JPEG
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], // PNG
  [0x49, 0x49, 0x2a, 0x00], // TIFF, little-endian
  [0x4d, 0x4d, 0x00, 0x2a], // TIFF, big-endian
];

/** What the file picker offers; the bytes still decide. */
export const FAX_FILE_ACCEPT = '.pdf,.txt,.jpg,.jpeg,.png,.tif,.tiff,application/pdf,text/plain,image/jpeg,image/png,image/tiff';

/** Sniffs the type from the bytes, as the gateway does; the name is never trusted. */
export function sniffKind(bytes: Uint8Array): DocumentKind {
  const head = String.fromCharCode(...bytes.subarray(0, 1024));
  if (head.includes('%PDF-')) return 'pdf';
  if (IMAGE_SIGNATURES.some((signature) => signature.every((b, i) => bytes[i] === b))) return 'image';
  // Text: no NUL bytes and decodes as UTF-8.
  if (bytes.subarray(0, 4096).includes(0)) return 'unsupported';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, 4096));
    return 'txt';
  } catch {
    return 'unsupported';
  }
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(0)} KB`;
  return `${(size / (1024 * 1024)).toFixed(1)} MB`;
}

export interface IncomingFile {
  name: string;
  bytes: Uint8Array;
}

function readBytes(file: File): Promise<Uint8Array> {
  // FileReader rather than Blob.arrayBuffer(): the same code runs in every Chromium and in jsdom.
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error ?? new Error(`Could not read ${file.name}`));
    reader.readAsArrayBuffer(file);
  });
}

export function readFiles(files: FileList | File[]): Promise<IncomingFile[]> {
  return Promise.all(Array.from(files).map(async (file) => ({ name: file.name, bytes: await readBytes(file) })));
}
