import { createHash, createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startS3Emulator, type S3Emulator } from './s3';

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
