// Minimal S3-compatible object store on loopback (path-style, in memory) that VERIFIES AWS
// Signature V4 the way S3 does: it recomputes the signature from the raw request with the secret
// it was given. Written independently of the gateway's signer so a shared mistake cannot hide.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { FaultPlan, Lifetime, startLoopbackServer, type ApiRequest, type Misbehaviour, type Reply } from './common';

export interface StoredObject {
  bytes: Buffer;
  contentType: string;
  /** x-amz-server-side-encryption* headers the upload carried. */
  encryption: Record<string, string>;
}

export interface S3EmulatorOptions {
  /** access key id → secret access key */
  credentials: Record<string, string>;
  buckets: readonly string[];
  region?: string;
  /** Allowed clock skew; S3 answers RequestTimeTooSkewed beyond 15 minutes. */
  maxSkewMs?: number;
  /** KMS key ids (or aliases) that exist; an upload naming another is refused like S3 does. Empty: any. */
  kmsKeys?: readonly string[];
}

export interface S3Emulator {
  origin: string;
  region: string;
  /** `bucket/key` → object */
  objects: Map<string, StoredObject>;
  /** Every request as `METHOD /path → status`, and injected failures as `503 SlowDown (…)` (no bodies, no credentials). */
  log: string[];
  misbehave(fault: Misbehaviour): void;
  close(): Promise<void>;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

function xmlError(status: number, code: string, message: string): Reply {
  return {
    status,
    headers: { 'content-type': 'application/xml' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>emulator</RequestId></Error>`,
  };
}

const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** S3 decodes the received path and re-encodes each segment; a client must sign that form. */
function canonicalPath(rawPath: string): string {
  return rawPath
    .split('/')
    .map((segment) => rfc3986(decodeURIComponent(segment)))
    .join('/');
}

function canonicalQuery(rawQuery: string): string {
  if (!rawQuery) return '';
  return rawQuery
    .split('&')
    .map((pair) => {
      const i = pair.indexOf('=');
      const [k, v] = i < 0 ? [pair, ''] : [pair.slice(0, i), pair.slice(i + 1)];
      return `${rfc3986(decodeURIComponent(k))}=${rfc3986(decodeURIComponent(v))}`;
    })
    .sort()
    .join('&');
}

function headerValue(req: ApiRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

export interface SignedRequestParts {
  method: string;
  /** As received, percent-escapes included. */
  rawPath: string;
  rawQuery: string;
  header: (name: string) => string | undefined;
  /** `host;x-amz-date;…` as the Authorization header lists them. */
  signedHeaders: string;
  payloadHash: string;
  /** x-amz-date, `20130524T000000Z` */
  date: string;
  region: string;
  secret: string;
}

/** The signature S3 computes for a request (AWS SigV4, header form, service s3), from the raw request. */
export function expectedSignature(parts: SignedRequestParts): Buffer {
  const day = parts.date.slice(0, 8);
  const canonicalHeaders = parts.signedHeaders
    .split(';')
    .map((name) => `${name}:${(parts.header(name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = `${parts.method}\n${canonicalPath(parts.rawPath)}\n${canonicalQuery(parts.rawQuery)}\n${canonicalHeaders}\n${parts.signedHeaders}\n${parts.payloadHash}`;
  const scope = `${day}/${parts.region}/s3/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${parts.date}\n${scope}\n${sha256(canonicalRequest)}`;
  let key = createHmac('sha256', `AWS4${parts.secret}`).update(day).digest();
  for (const part of [parts.region, 's3', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(stringToSign).digest();
}

/** Returns an error reply, or null when the signature holds. */
function verify(req: ApiRequest, rawPath: string, rawQuery: string, options: Required<S3EmulatorOptions>): Reply | null {
  const auth = headerValue(req, 'authorization') ?? '';
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!m) return xmlError(403, 'AccessDenied', 'Missing or malformed AWS4-HMAC-SHA256 Authorization header');
  const [, keyId, day, region, signedList, signature] = m as unknown as [string, string, string, string, string, string];
  const secret = options.credentials[keyId];
  if (secret === undefined) return xmlError(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  if (region !== options.region)
    return xmlError(400, 'AuthorizationHeaderMalformed', `the region '${region}' is wrong; expecting '${options.region}'`);
  const date = headerValue(req, 'x-amz-date') ?? '';
  const when = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
  if (!when || date.slice(0, 8) !== day)
    return xmlError(403, 'AccessDenied', 'x-amz-date is missing or does not match the credential scope');
  const at = Date.UTC(+when[1]!, +when[2]! - 1, +when[3]!, +when[4]!, +when[5]!, +when[6]!);
  if (Math.abs(Date.now() - at) > options.maxSkewMs)
    return xmlError(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.');
  const payloadHash = headerValue(req, 'x-amz-content-sha256');
  if (!payloadHash) return xmlError(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256(req.body)) {
    return xmlError(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const signed = signedList.split(';');
  if (!signed.includes('host') || !signed.includes('x-amz-date'))
    return xmlError(403, 'AccessDenied', 'host and x-amz-date must be signed');
  const expected = expectedSignature({
    method: req.method,
    rawPath,
    rawQuery,
    header: (name) => headerValue(req, name),
    signedHeaders: signedList,
    payloadHash,
    date,
    region,
    secret,
  });
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
    return xmlError(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }
  return null;
}

export async function startS3Emulator(opts: S3EmulatorOptions): Promise<S3Emulator> {
  const options: Required<S3EmulatorOptions> = { region: 'us-east-1', maxSkewMs: 15 * 60_000, kmsKeys: [], ...opts };
  const lifetime = new Lifetime();
  const faults = new FaultPlan();
  const objects = new Map<string, StoredObject>();
  const log: string[] = [];

  const handle = (req: ApiRequest, rawPath: string, rawQuery: string): Reply => {
    const denied = verify(req, rawPath, rawQuery, options);
    if (denied) return denied;
    const [bucket, ...rest] = rawPath.slice(1).split('/').map(decodeURIComponent);
    if (!bucket || !options.buckets.includes(bucket)) return xmlError(404, 'NoSuchBucket', 'The specified bucket does not exist');
    const key = rest.join('/');
    if (!key) return xmlError(501, 'NotImplemented', 'Only object operations are emulated');
    const id = `${bucket}/${key}`;
    switch (req.method) {
      case 'PUT': {
        const encryption = Object.fromEntries(
          Object.entries(req.headers)
            .filter(([n]) => n.startsWith('x-amz-server-side-encryption'))
            .map(([n, v]) => [n, String(v)]),
        );
        const kmsKey = encryption['x-amz-server-side-encryption-aws-kms-key-id'];
        if (kmsKey !== undefined && options.kmsKeys.length > 0 && !options.kmsKeys.includes(kmsKey))
          return xmlError(400, 'KMS.NotFoundException', 'Invalid keyId');
        objects.set(id, { bytes: req.body, contentType: headerValue(req, 'content-type') ?? 'binary/octet-stream', encryption });
        return { status: 200, headers: { etag: `"${createHash('md5').update(req.body).digest('hex')}"` } };
      }
      case 'GET': {
        const object = objects.get(id);
        if (!object) return xmlError(404, 'NoSuchKey', 'The specified key does not exist.');
        return { status: 200, headers: { 'content-type': object.contentType }, body: new Uint8Array(object.bytes) };
      }
      case 'HEAD': {
        // Like S3: a HEAD answer carries no body, so a missing key is a bare 404.
        const object = objects.get(id);
        if (!object) return { status: 404 };
        return { status: 200, headers: { 'content-type': object.contentType, 'content-length': String(object.bytes.length) } };
      }
      case 'DELETE':
        objects.delete(id);
        return { status: 204 };
      default:
        return xmlError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    }
  };

  const server = await startLoopbackServer(
    lifetime,
    faults,
    (status, message) => {
      log.push(`${status} ${status === 503 ? 'SlowDown' : 'InternalError'} (injected or emulator failure)`);
      return xmlError(status, status === 503 ? 'SlowDown' : 'InternalError', message);
    },
    async (req) => {
      // WHATWG URL parsing keeps the client's percent-escapes, which is what S3 canonicalises from.
      const raw = req.url.pathname + req.url.search;
      const q = raw.indexOf('?');
      const rawPath = q < 0 ? raw : raw.slice(0, q);
      const reply = handle(req, rawPath, q < 0 ? '' : raw.slice(q + 1));
      log.push(`${req.method} ${rawPath} → ${reply.status}`);
      return reply;
    },
  );
  return { origin: server.origin, region: options.region, objects, log, misbehave: (fault) => faults.arm(fault), close: server.close };
}
