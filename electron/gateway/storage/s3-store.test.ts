import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startS3Emulator, type S3Emulator } from '../../../e2e/emulators/s3';
import { MemorySecretStore } from '../secrets/memory';
import { startTestGateway, type TestGateway } from '../testing/harness';
import { EMPTY_SHA256, S3ArtifactStore, amzDate, awsEncode, signV4, type S3StoreOptions } from './s3-store';

/** AWS's published examples (S3 SigV4 documentation, "Examples: Signature Calculations"; SigV4 test suite). */
describe('signV4 against published AWS vectors', () => {
  const docCreds = {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    region: 'us-east-1',
    service: 's3',
  };

  it('S3 GET Object with Range', () => {
    const signed = signV4({
      ...docCreds,
      method: 'GET',
      url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
      headers: { Range: 'bytes=0-9', 'x-amz-content-sha256': EMPTY_SHA256, 'x-amz-date': amzDate(Date.UTC(2013, 4, 24)) },
      payloadHash: EMPTY_SHA256,
    });
    expect(signed.stringToSign.split('\n').at(-1)).toBe('7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972');
    expect(signed.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it('S3 PUT Object whose key needs escaping, with a payload', () => {
    const body = 'Welcome to Amazon S3.';
    const payloadHash = createHash('sha256').update(body).digest('hex');
    expect(payloadHash).toBe('44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072');
    const signed = signV4({
      ...docCreds,
      method: 'PUT',
      url: new URL(`https://examplebucket.s3.amazonaws.com/${awsEncode('test$file.text', true)}`),
      headers: {
        Date: 'Fri, 24 May 2013 00:00:00 GMT',
        'x-amz-date': '20130524T000000Z',
        'x-amz-storage-class': 'REDUCED_REDUNDANCY',
        'x-amz-content-sha256': payloadHash,
      },
      payloadHash,
    });
    expect(signed.canonicalRequest.split('\n')[1]).toBe('/test%24file.text');
    expect(signed.authorization).toMatch(
      /SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd$/,
    );
  });

  it('SigV4 test suite get-vanilla and get-vanilla-query-order-key-case', () => {
    const suite = {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      region: 'us-east-1',
      service: 'service',
    };
    const sign = (url: string) =>
      signV4({ ...suite, method: 'GET', url: new URL(url), headers: { 'X-Amz-Date': '20150830T123600Z' }, payloadHash: EMPTY_SHA256 })
        .authorization;
    expect(sign('https://example.amazonaws.com/')).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
    expect(sign('https://example.amazonaws.com/?Param2=value2&Param1=value1')).toMatch(
      /Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500$/,
    );
  });
});

describe('S3ArtifactStore addressing', () => {
  const base: S3StoreOptions = {
    bucket: 'faxes',
    prefix: 'inbound/',
    region: 'eu-west-1',
    endpointUrl: '',
    accessKeyId: 'k',
    secretAccessKey: async () => 's',
  };

  it('uses virtual-host style on AWS, path style for endpoints and dotted buckets', () => {
    expect(new S3ArtifactStore(base).objectUrl('a b.pdf').href).toBe('https://faxes.s3.eu-west-1.amazonaws.com/inbound/a%20b.pdf');
    expect(new S3ArtifactStore({ ...base, bucket: 'fax.example' }).objectUrl('x.pdf').href).toBe(
      'https://s3.eu-west-1.amazonaws.com/fax.example/inbound/x.pdf',
    );
    expect(new S3ArtifactStore({ ...base, endpointUrl: 'http://127.0.0.1:9000/' }).objectUrl('x.pdf').href).toBe(
      'http://127.0.0.1:9000/faxes/inbound/x.pdf',
    );
  });
});

describe('S3ArtifactStore against the S3 emulator', () => {
  let s3: S3Emulator;
  const store = (over: Partial<S3StoreOptions> = {}) =>
    new S3ArtifactStore({
      bucket: 'faxes',
      prefix: 'office/',
      region: 'us-east-1',
      endpointUrl: s3.origin,
      accessKeyId: 'AKIDTEST',
      secretAccessKey: async () => 'right-secret',
      ...over,
    });

  beforeEach(async () => {
    s3 = await startS3Emulator({ credentials: { AKIDTEST: 'right-secret' }, buckets: ['faxes'] });
  });
  afterEach(async () => s3.close());

  it('puts, gets and deletes an object under the prefix; a missing object is null', async () => {
    const bytes = new TextEncoder().encode('%PDF-1.4 fake');
    await store().put('inbound/x 1$.pdf', bytes, 'application/pdf');
    expect(s3.objects.get('faxes/office/inbound/x 1$.pdf')?.contentType).toBe('application/pdf');
    expect(Buffer.from((await store().get('inbound/x 1$.pdf'))!).toString()).toBe('%PDF-1.4 fake');
    await store().delete('inbound/x 1$.pdf');
    expect(s3.objects.size).toBe(0);
    expect(await store().get('inbound/x 1$.pdf')).toBeNull();
    await store().delete('inbound/x 1$.pdf');
  });

  it('sends SSE-KMS headers when a KMS key is set', async () => {
    await store({ kmsKeyId: 'alias/fax' }).put('k.pdf', new Uint8Array([1]), 'application/pdf');
    expect(s3.objects.get('faxes/office/k.pdf')?.encryption).toEqual({
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': 'alias/fax',
    });
  });

  it('explains a wrong secret, an unknown key id, a wrong bucket and missing configuration', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    await expect(store({ secretAccessKey: async () => 'wrong' }).put('a.pdf', bytes, 'application/pdf')).rejects.toThrow(
      'S3 PUT failed: HTTP 403 SignatureDoesNotMatch: check the S3 secret access key',
    );
    await expect(store({ accessKeyId: 'AKIDNOPE' }).get('a.pdf')).rejects.toThrow('InvalidAccessKeyId: check the S3 access key id');
    await expect(store({ bucket: 'other' }).get('a.pdf')).rejects.toThrow('HTTP 404 NoSuchBucket');
    await expect(store({ secretAccessKey: async () => null }).get('a.pdf')).rejects.toThrow('no secret access key is stored');
    await expect(store({ bucket: '' }).get('a.pdf')).rejects.toThrow('no bucket is set');
    expect(s3.objects.size).toBe(0);
  });

  it('reports an unreachable endpoint without credentials in the message', async () => {
    const origin = s3.origin;
    await s3.close();
    const error = await store({ endpointUrl: origin })
      .get('a.pdf')
      .catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^S3 GET failed: cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)$/);
    s3 = await startS3Emulator({ credentials: {}, buckets: [] });
  });
});

describe('STORAGE_BACKEND=s3: inbound faxes land in S3', () => {
  let s3: S3Emulator;
  let gw: TestGateway;
  afterEach(async () => {
    await gw?.close();
    await s3?.close();
  });

  async function start(secret: string, logs: string[] = []) {
    s3 = await startS3Emulator({ credentials: { AKIDGW: 'gw-secret' }, buckets: ['office-faxes'] });
    const secretStore = new MemorySecretStore();
    await secretStore.set('storage.s3SecretAccessKey', secret);
    gw = await startTestGateway({
      secretStore,
      log: (line) => logs.push(line),
      env: {
        API_KEY: 'bootstrap-admin-key',
        STORAGE_BACKEND: 's3',
        S3_BUCKET: 'office-faxes',
        S3_ENDPOINT_URL: s3.origin,
        S3_ACCESS_KEY_ID: 'AKIDGW',
      },
    });
  }

  it('stores a simulated inbound PDF in the bucket and serves it back through GET /inbound/{id}/pdf', async () => {
    await start('gw-secret');
    const result = await gw.invoke('inbound:simulate', {});
    expect(result.ok).toBe(true);
    const id = (result as { value: { id: string } }).value.id;
    const stored = [...s3.objects.entries()];
    expect(stored).toHaveLength(1);
    const [objectKey, object] = stored[0]!;
    expect(objectKey).toBe(`office-faxes/inbound/${id}.pdf`);
    const res = await gw.get(`/inbound/${id}/pdf`, { 'x-api-key': 'bootstrap-admin-key' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.bytes.equals(object.bytes)).toBe(true);
    expect(res.bytes.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('switching from the local folder to S3 keeps older faxes readable (each row remembers its store)', async () => {
    s3 = await startS3Emulator({ credentials: { AKIDGW: 'gw-secret' }, buckets: ['office-faxes'] });
    const secretStore = new MemorySecretStore();
    await secretStore.set('storage.s3SecretAccessKey', 'gw-secret');
    gw = await startTestGateway({ secretStore, env: { API_KEY: 'bootstrap-admin-key' } });
    const local = (await gw.invoke('inbound:simulate', {})) as { ok: true; value: { id: string } };
    expect(s3.objects.size).toBe(0);
    await gw.invoke('settings:update', {
      patch: { storage: { backend: 's3', s3Bucket: 'office-faxes', s3EndpointUrl: s3.origin, s3AccessKeyId: 'AKIDGW' } },
    });
    const remote = (await gw.invoke('inbound:simulate', {})) as { ok: true; value: { id: string } };
    expect([...s3.objects.keys()]).toEqual([`office-faxes/inbound/${remote.value.id}.pdf`]);
    for (const id of [local.value.id, remote.value.id]) {
      const res = await gw.get(`/inbound/${id}/pdf`, { 'x-api-key': 'bootstrap-admin-key' });
      expect(res.status).toBe(200);
      expect(res.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    }
  });

  it('a wrong secret fails the receive with the S3 reason in the log, and stores nothing', async () => {
    const logs: string[] = [];
    await start('not-the-secret', logs);
    const result = await gw.invoke('inbound:simulate', {});
    expect(result.ok).toBe(false);
    expect(logs.join('\n')).toContain('S3 PUT failed: HTTP 403 SignatureDoesNotMatch');
    expect(logs.join('\n')).not.toContain('not-the-secret');
    expect(s3.objects.size).toBe(0);
  });
});
