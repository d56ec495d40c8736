import { createHash, createHmac } from 'node:crypto';
import type { Settings } from '../../../shared/settings';
import type { ArtifactStore } from './artifact-store';

export const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters, uppercase hex. */
export function awsEncode(value: string, keepSlash = false): string {
  return Array.from(new TextEncoder().encode(value), (byte) => {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(char) || (keepSlash && char === '/')) return char;
    return `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

/** `20130524T000000Z` */
export function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');
}

export interface SigV4Request {
  method: string;
  /** Its pathname must already be RFC 3986-encoded (S3 signs the path as sent, without double encoding). */
  url: URL;
  /** Headers to sign besides host (lowercase or not); x-amz-date must be among them. */
  headers: Record<string, string>;
  payloadHash: string;
  region: string;
  service: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** AWS Signature Version 4 (header form). Returns the Authorization value and its intermediate strings. */
export function signV4(req: SigV4Request): { authorization: string; canonicalRequest: string; stringToSign: string } {
  const headers = new Map<string, string>([['host', req.url.host]]);
  for (const [name, value] of Object.entries(req.headers)) headers.set(name.toLowerCase(), value.trim().replace(/\s+/g, ' '));
  const date = headers.get('x-amz-date');
  if (!date) throw new Error('signV4 needs an x-amz-date header');
  const names = [...headers.keys()].sort();
  const query = [...req.url.searchParams]
    .map(([k, v]) => [awsEncode(k), awsEncode(v)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = [
    req.method,
    req.url.pathname || '/',
    query,
    ...names.map((n) => `${n}:${headers.get(n)}`),
    '',
    names.join(';'),
    req.payloadHash,
  ].join('\n');
  const day = date.slice(0, 8);
  const scope = `${day}/${req.region}/${req.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${req.secretAccessKey}`, day), req.region), req.service), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=${req.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
    canonicalRequest,
    stringToSign,
  };
}

export class S3StoreError extends Error {}

const HINTS: Record<string, string> = {
  SignatureDoesNotMatch: 'check the S3 secret access key',
  InvalidAccessKeyId: 'check the S3 access key id',
  AccessDenied: 'the credentials lack permission on this bucket',
  NoSuchBucket: 'the bucket does not exist (check S3_BUCKET and S3_REGION)',
  AuthorizationHeaderMalformed: 'check S3_REGION',
  RequestTimeTooSkewed: "check this computer's clock",
};

export interface S3StoreOptions {
  bucket: string;
  /** Prepended to every key (Faxbot's S3_PREFIX). */
  prefix: string;
  region: string;
  /** S3-compatible endpoint (MinIO…), addressed path-style; empty for AWS (virtual-host style). */
  endpointUrl: string;
  accessKeyId: string;
  /** Read per request, so a key rotated in the keychain applies at once. */
  secretAccessKey: () => Promise<string | null>;
  /** SSE-KMS key (S3_KMS_KEY_ID); uploads are encrypted with it when set. */
  kmsKeyId?: string | null;
  now?: () => number;
  timeoutMs?: number;
}

export class S3ArtifactStore implements ArtifactStore {
  readonly kind = 's3' as const;
  private readonly now: () => number;

  constructor(private readonly options: S3StoreOptions) {
    this.now = options.now ?? Date.now;
  }

  objectUrl(key: string): URL {
    const { bucket, region, endpointUrl } = this.options;
    const path = awsEncode(`${this.options.prefix}${key}`, true);
    if (endpointUrl) {
      const base = new URL(endpointUrl);
      return new URL(`${base.origin}${base.pathname.replace(/\/+$/, '')}/${awsEncode(bucket)}/${path}`);
    }
    // A dotted bucket name breaks the *.s3 TLS wildcard, so it goes path-style on AWS too.
    return bucket.includes('.')
      ? new URL(`https://s3.${region}.amazonaws.com/${awsEncode(bucket)}/${path}`)
      : new URL(`https://${bucket}.s3.${region}.amazonaws.com/${path}`);
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    const extra: Record<string, string> = { 'content-type': contentType };
    if (this.options.kmsKeyId) {
      extra['x-amz-server-side-encryption'] = 'aws:kms';
      extra['x-amz-server-side-encryption-aws-kms-key-id'] = this.options.kmsKeyId;
    }
    const res = await this.send('PUT', key, bytes, extra);
    if (res.status !== 200) throw this.failure('PUT', res);
  }

  async get(key: string): Promise<Uint8Array | null> {
    const res = await this.send('GET', key);
    if (res.status === 200) return res.body;
    if (res.status === 404 && res.code === 'NoSuchKey') return null;
    throw this.failure('GET', res);
  }

  async delete(key: string): Promise<void> {
    const res = await this.send('DELETE', key);
    if (res.status !== 204 && res.status !== 200 && !(res.status === 404 && res.code === 'NoSuchKey')) throw this.failure('DELETE', res);
  }

  private async send(method: string, key: string, body?: Uint8Array, extra: Record<string, string> = {}) {
    const { bucket, accessKeyId, region } = this.options;
    if (!bucket) throw new S3StoreError('S3 storage is selected but no bucket is set (S3_BUCKET)');
    if (!accessKeyId) throw new S3StoreError('S3 storage is selected but no access key id is set (S3_ACCESS_KEY_ID)');
    const secretAccessKey = await this.options.secretAccessKey();
    if (!secretAccessKey) throw new S3StoreError('S3 storage is selected but no secret access key is stored (S3_SECRET_ACCESS_KEY)');
    const url = this.objectUrl(key);
    const payloadHash = body ? sha256Hex(body) : EMPTY_SHA256;
    const headers: Record<string, string> = { ...extra, 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate(this.now()) };
    const { authorization } = signV4({ method, url, headers, payloadHash, region, service: 's3', accessKeyId, secretAccessKey });
    const timeout = this.options.timeoutMs ?? 30_000;
    try {
      const { request } = await import('undici');
      const res = await request(url, {
        method: method as 'GET' | 'PUT' | 'DELETE',
        headers: { ...headers, authorization },
        body: body ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : undefined,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      const bytes = new Uint8Array(await res.body.arrayBuffer());
      const code = res.statusCode >= 300 ? (/<Code>([^<]{1,100})<\/Code>/.exec(Buffer.from(bytes).toString('utf8'))?.[1] ?? null) : null;
      return { status: res.statusCode, code, body: bytes };
    } catch (error) {
      const cause = error as { code?: string; cause?: { code?: string } };
      throw new S3StoreError(
        `S3 ${method} failed: cannot reach ${url.host} (${cause.code ?? cause.cause?.code ?? (error as Error).message})`,
      );
    }
  }

  private failure(method: string, res: { status: number; code: string | null }): S3StoreError {
    const hint = res.code ? HINTS[res.code] : undefined;
    return new S3StoreError(`S3 ${method} failed: HTTP ${res.status}${res.code ? ` ${res.code}` : ''}${hint ? `: ${hint}` : ''}`);
  }
}

/** The store `settings.storage` describes (STORAGE_BACKEND=s3). */
export function s3StoreFromSettings(
  settings: Settings,
  secretAccessKey: () => Promise<string | null>,
  kmsKeyId: string | null,
): S3ArtifactStore {
  const s = settings.storage;
  return new S3ArtifactStore({
    bucket: s.s3Bucket,
    prefix: s.s3Prefix,
    region: s.s3Region,
    endpointUrl: s.s3EndpointUrl,
    accessKeyId: s.s3AccessKeyId,
    secretAccessKey,
    kmsKeyId,
  });
}
