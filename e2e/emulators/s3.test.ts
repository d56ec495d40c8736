import { createHash, createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { expectedSignature, startS3Emulator, type S3Emulator } from './s3';

let s3: S3Emulator;
beforeEach(async () => {
  s3 = await startS3Emulator({ credentials: { AKIDEMU: 'emu-secret' }, buckets: ['b'] });
});
afterEach(async () => s3.close());

/** A hand-rolled SigV4 signer (independent of the gateway's) to drive the emulator directly. */
function signed(method: string, path: string, body: string, opts: { secret?: string; at?: Date; payloadHash?: string } = {}) {
  const url = new URL(`${s3.origin}${path}`);
  const date = (opts.at ?? new Date()).toISOString().replace(/[-:]|\.\d{3}/g, '');
  const day = date.slice(0, 8);
  const payloadHash = opts.payloadHash ?? createHash('sha256').update(body).digest('hex');
  const canonical = `${method}\n${url.pathname}\n\nhost:${url.host}\nx-amz-content-sha256:${payloadHash}\nx-amz-date:${date}\n\nhost;x-amz-content-sha256;x-amz-date\n${payloadHash}`;
  const scope = `${day}/us-east-1/s3/aws4_request`;
  const toSign = `AWS4-HMAC-SHA256\n${date}\n${scope}\n${createHash('sha256').update(canonical).digest('hex')}`;
  let key = createHmac('sha256', `AWS4${opts.secret ?? 'emu-secret'}`)
    .update(day)
    .digest();
  for (const part of ['us-east-1', 's3', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return request(url, {
    method: method as 'GET',
    body: body || undefined,
    headers: {
      'x-amz-content-sha256': payloadHash,
      'x-amz-date': date,
      authorization: `AWS4-HMAC-SHA256 Credential=AKIDEMU/${scope}, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${signature}`,
    },
  });
}

const text = async (res: Awaited<ReturnType<typeof request>>) => ({ status: res.statusCode, body: await res.body.text() });

/** AWS's worked examples ("Signature Calculations for the Authorization Header", S3 API reference). */
describe('the emulator computes the signatures AWS documents', () => {
  const example = {
    region: 'us-east-1',
    secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    date: '20130524T000000Z',
  };
  const emptyHash = createHash('sha256').update('').digest('hex');
  const headers = (extra: Record<string, string>) => (name: string) =>
    ({ host: 'examplebucket.s3.amazonaws.com', 'x-amz-date': example.date, ...extra })[name];

  it('GET Object with a Range header', () => {
    const signature = expectedSignature({
      ...example,
      method: 'GET',
      rawPath: '/test.txt',
      rawQuery: '',
      header: headers({ range: 'bytes=0-9', 'x-amz-content-sha256': emptyHash }),
      signedHeaders: 'host;range;x-amz-content-sha256;x-amz-date',
      payloadHash: emptyHash,
    });
    expect(signature.toString('hex')).toBe('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
  });

  it('PUT Object whose key is escaped ($), with a signed payload', () => {
    const payloadHash = createHash('sha256').update('Welcome to Amazon S3.').digest('hex');
    const signature = expectedSignature({
      ...example,
      method: 'PUT',
      rawPath: '/test%24file.text',
      rawQuery: '',
      header: headers({
        date: 'Fri, 24 May 2013 00:00:00 GMT',
        'x-amz-storage-class': 'REDUCED_REDUNDANCY',
        'x-amz-content-sha256': payloadHash,
      }),
      signedHeaders: 'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
      payloadHash,
    });
    expect(signature.toString('hex')).toBe('98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd');
  });

  it('GET Bucket lifecycle and list objects (query strings)', () => {
    const sign = (rawQuery: string) =>
      expectedSignature({
        ...example,
        method: 'GET',
        rawPath: '/',
        rawQuery,
        header: headers({ 'x-amz-content-sha256': emptyHash }),
        signedHeaders: 'host;x-amz-content-sha256;x-amz-date',
        payloadHash: emptyHash,
      }).toString('hex');
    expect(sign('lifecycle')).toBe('fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543');
    expect(sign('max-keys=2&prefix=J')).toBe('34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7');
  });
});

describe('S3 emulator', () => {
  it('stores, serves and deletes objects for correctly signed requests', async () => {
    expect((await text(await signed('PUT', '/b/dir/a%20b.pdf', 'hello'))).status).toBe(200);
    expect(s3.objects.get('b/dir/a b.pdf')?.bytes.toString()).toBe('hello');
    expect(await text(await signed('GET', '/b/dir/a%20b.pdf', ''))).toEqual({ status: 200, body: 'hello' });
    expect((await text(await signed('DELETE', '/b/dir/a%20b.pdf', ''))).status).toBe(204);
    const missing = await text(await signed('GET', '/b/dir/a%20b.pdf', ''));
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('<Code>NoSuchKey</Code>');
  });

  it('answers HEAD with the size and no body, and a bare 404 for a missing key', async () => {
    await signed('PUT', '/b/h.pdf', 'twelve bytes').then((r) => r.body.text());
    const head = await signed('HEAD', '/b/h.pdf', '');
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe('12');
    expect(await head.body.text()).toBe('');
    const missing = await signed('HEAD', '/b/nope.pdf', '');
    expect(missing.statusCode).toBe(404);
    expect(await missing.body.text()).toBe('');
  });

  it('answers 403 SignatureDoesNotMatch XML for a wrong secret, and refuses unsigned requests', async () => {
    const wrong = await text(await signed('PUT', '/b/x', 'data', { secret: 'not-it' }));
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>SignatureDoesNotMatch<\/Code>/);
    const anonymous = await text(await request(`${s3.origin}/b/x`));
    expect(anonymous.status).toBe(403);
    expect(s3.objects.size).toBe(0);
  });

  it('checks the payload hash and the clock like S3', async () => {
    const tampered = await text(await signed('PUT', '/b/x', 'data', { payloadHash: createHash('sha256').update('other').digest('hex') }));
    expect(tampered.status).toBe(400);
    expect(tampered.body).toContain('XAmzContentSHA256Mismatch');
    const stale = await text(await signed('GET', '/b/x', '', { at: new Date(Date.now() - 20 * 60_000) }));
    expect(stale.status).toBe(403);
    expect(stale.body).toContain('RequestTimeTooSkewed');
  });

  it('injects faults on request', async () => {
    s3.misbehave({ kind: 'serverError', times: 1 });
    const busy = await text(await signed('GET', '/b/x', ''));
    expect(busy.status).toBe(503);
    expect(busy.body).toContain('<Code>SlowDown</Code>');
    expect((await text(await signed('GET', '/b/x', ''))).status).toBe(404);
  });
});
