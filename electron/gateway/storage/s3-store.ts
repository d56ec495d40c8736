import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import type { AwsClient } from 'aws4fetch';
import type { Settings } from '../../../shared/settings';
import { AppError } from '../services/errors';
import { withTemporaryFile, DocumentMissingError, type ArtifactStore } from './artifact-store';

const sha256Hex = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const EMPTY_SHA256 = sha256Hex(new Uint8Array());

/** RFC 3986 per path segment: what S3 signs, and safe from aws4fetch's `+` → space reading. */
const encodeKey = (key: string) =>
  key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');

/** S3 refused or did not answer: the gateway's storage is unavailable (503), whoever asked. */
export class S3StoreError extends AppError {
  constructor(message: string) {
    super('unavailable', message);
  }
}

const HINTS: Record<string, string> = {
  SignatureDoesNotMatch: 'check the S3 secret access key',
  InvalidAccessKeyId: 'check the S3 access key id',
  AccessDenied: 'the credentials lack permission on this bucket',
  NoSuchBucket: 'the bucket does not exist (check S3_BUCKET and S3_REGION)',
  AuthorizationHeaderMalformed: 'check S3_REGION',
  RequestTimeTooSkewed: "check this computer's clock",
  KMS: 'check S3_KMS_KEY_ID and that the credentials may use it',
};

export interface S3StoreOptions {
  bucket: string;
  /** Prepended to every key (Faxbot's S3_PREFIX for inbound faxes). */
  prefix: string;
  region: string;
  /** S3-compatible endpoint (MinIO, R2…), addressed path-style; empty for AWS (virtual-host style). */
  endpointUrl: string;
  accessKeyId: string;
  /** Read per request, so a key rotated in the keychain applies at once. */
  secretAccessKey: () => Promise<string | null>;
  /** SSE-KMS key (S3_KMS_KEY_ID); uploads are encrypted with it when set. */
  kmsKeyId?: string | null;
  /** Per attempt; the whole request is bounded by attempts × (timeout + backoff). */
  timeoutMs?: number;
  /** Tries for a 5xx, a 429 or a connection that failed or timed out (every S3 operation here is idempotent). */
  attempts?: number;
  /** First backoff; doubled per retry. */
  backoffMs?: number;
}

interface S3Answer {
  status: number;
  code: string | null;
  body: Uint8Array;
  headers: Headers;
}

/**
 * S3 through aws4fetch (a small, maintained SigV4 signer over fetch), loaded only when a store of
 * this kind is first used. Objects are whole documents (a fax is at most MAX_FILE_SIZE_MB), so a
 * single PUT suffices; payloads are signed with their SHA-256.
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly kind = 's3' as const;
  private client: { secret: string; aws: AwsClient } | null = null;

  constructor(private readonly options: S3StoreOptions) {}

  objectUrl(key: string): URL {
    const { bucket, region, endpointUrl } = this.options;
    const path = encodeKey(`${this.options.prefix}${key}`);
    if (endpointUrl) {
      const base = new URL(endpointUrl);
      return new URL(`${base.origin}${base.pathname.replace(/\/+$/, '')}/${encodeKey(bucket)}/${path}`);
    }
    // A dotted bucket name breaks the *.s3 TLS wildcard, so it goes path-style on AWS too.
    return bucket.includes('.')
      ? new URL(`https://s3.${region}.amazonaws.com/${encodeKey(bucket)}/${path}`)
      : new URL(`https://${bucket}.s3.${region}.amazonaws.com/${path}`);
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    const headers: Record<string, string> = { 'content-type': contentType };
    if (this.options.kmsKeyId) {
      headers['x-amz-server-side-encryption'] = 'aws:kms';
      headers['x-amz-server-side-encryption-aws-kms-key-id'] = this.options.kmsKeyId;
    }
    const res = await this.send('PUT', key, bytes, headers);
    if (res.status !== 200) throw this.failure('PUT', res);
  }

  async putFile(key: string, path: string, contentType: string): Promise<void> {
    await this.put(key, await readFile(path), contentType);
    await rm(path, { force: true });
  }

  async get(key: string): Promise<Uint8Array | null> {
    const res = await this.send('GET', key);
    if (res.status === 200) return res.body;
    if (res.status === 404 && res.code === 'NoSuchKey') return null;
    throw this.failure('GET', res);
  }

  async head(key: string): Promise<{ size: number } | null> {
    const res = await this.send('HEAD', key);
    if (res.status === 200) return { size: Number(res.headers.get('content-length') ?? 0) };
    // HEAD answers have no body, so S3 cannot say which 404 it is: a missing bucket reads as a missing object.
    if (res.status === 404) return null;
    throw this.failure('HEAD', res);
  }

  async delete(key: string): Promise<void> {
    const res = await this.send('DELETE', key);
    if (res.status !== 204 && res.status !== 200 && !(res.status === 404 && res.code === 'NoSuchKey')) throw this.failure('DELETE', res);
  }

  async withFile<T>(key: string, use: (path: string) => Promise<T>): Promise<T> {
    const bytes = await this.get(key);
    if (!bytes) throw new DocumentMissingError();
    return withTemporaryFile(key.split('/').pop() ?? 'document', bytes, use);
  }

  private async aws(): Promise<AwsClient> {
    const { bucket, accessKeyId, region } = this.options;
    if (!bucket) throw new S3StoreError('S3 storage is selected but no bucket is set (S3_BUCKET)');
    if (!accessKeyId) throw new S3StoreError('S3 storage is selected but no access key id is set (S3_ACCESS_KEY_ID)');
    const secret = await this.options.secretAccessKey();
    if (!secret) throw new S3StoreError('S3 storage is selected but no secret access key is stored (S3_SECRET_ACCESS_KEY)');
    if (this.client?.secret !== secret) {
      const { AwsClient } = await import('aws4fetch');
      // Retries are ours (bounded, with a timeout per attempt and connection failures included).
      this.client = { secret, aws: new AwsClient({ accessKeyId, secretAccessKey: secret, service: 's3', region, retries: 0 }) };
    }
    return this.client.aws;
  }

  private async send(method: 'GET' | 'PUT' | 'DELETE' | 'HEAD', key: string, body?: Uint8Array, extra: Record<string, string> = {}) {
    const aws = await this.aws();
    const url = this.objectUrl(key);
    const headers = { ...extra, 'x-amz-content-sha256': body ? sha256Hex(body) : EMPTY_SHA256 };
    const attempts = Math.max(1, this.options.attempts ?? 3);
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    let lastFailure: S3StoreError | null = null;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, (this.options.backoffMs ?? 200) * 2 ** (attempt - 2)));
      let answer: S3Answer;
      try {
        const res = await aws.fetch(url, {
          method,
          headers,
          // A copy on its own ArrayBuffer, as fetch's BodyInit wants (a fax is a few MB at most).
          body: body ? new Uint8Array(body) : undefined,
          signal: AbortSignal.timeout(timeoutMs),
        });
        const bytes = new Uint8Array(await res.arrayBuffer());
        const code = res.status >= 300 ? (/<Code>([^<]{1,100})<\/Code>/.exec(Buffer.from(bytes).toString('utf8'))?.[1] ?? null) : null;
        answer = { status: res.status, code, body: bytes, headers: res.headers };
      } catch (error) {
        lastFailure = new S3StoreError(`S3 ${method} failed: cannot reach ${url.host} (${connectionFailure(error)})`);
        continue;
      }
      if (answer.status < 500 && answer.status !== 429) return answer;
      lastFailure = this.failure(method, answer);
    }
    throw lastFailure as S3StoreError;
  }

  private failure(method: string, res: { status: number; code: string | null }): S3StoreError {
    const hint = res.code ? (HINTS[res.code] ?? (res.code.startsWith('KMS') ? HINTS.KMS : undefined)) : undefined;
    return new S3StoreError(`S3 ${method} failed: HTTP ${res.status}${res.code ? ` ${res.code}` : ''}${hint ? `: ${hint}` : ''}`);
  }
}

/** The errno of a failed fetch (ECONNREFUSED…), or that it timed out; never the URL's credentials. */
function connectionFailure(error: unknown): string {
  const e = error as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  if (e.name === 'TimeoutError' || e.cause?.name === 'TimeoutError') return 'timed out';
  return e.cause?.code ?? e.code ?? 'connection failed';
}

/** The store `settings.storage` describes (STORAGE_BACKEND=s3), for one kind of document. */
export function s3StoreFromSettings(
  settings: Settings,
  secretAccessKey: () => Promise<string | null>,
  options: { kmsKeyId: string | null; prefix?: string },
): S3ArtifactStore {
  const s = settings.storage;
  return new S3ArtifactStore({
    bucket: s.s3Bucket,
    prefix: options.prefix ?? s.s3Prefix,
    region: s.s3Region,
    endpointUrl: s.s3EndpointUrl,
    accessKeyId: s.s3AccessKeyId,
    secretAccessKey,
    kmsKeyId: options.kmsKeyId,
  });
}
