import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startS3Emulator, type S3Emulator } from '../../../e2e/emulators/s3';
import { MemorySecretStore } from '../secrets/memory';
import { startTestGateway, type TestGateway } from '../testing/harness';
import { S3ArtifactStore, type S3StoreOptions } from './s3-store';

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
    expect(new S3ArtifactStore(base).objectUrl('a b+(1).pdf').href).toBe(
      'https://faxes.s3.eu-west-1.amazonaws.com/inbound/a%20b%2B%281%29.pdf',
    );
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
    s3 = await startS3Emulator({ credentials: { AKIDTEST: 'right-secret' }, buckets: ['faxes'], kmsKeys: ['alias/fax'] });
  });
  afterEach(async () => s3.close());

  it('puts, gets and deletes an object under the prefix; a missing object is null', async () => {
    const bytes = new TextEncoder().encode('%PDF-1.4 fake');
    await store().put('inbound/x 1$.pdf', bytes, 'application/pdf');
    expect(s3.objects.get('faxes/office/inbound/x 1$.pdf')?.contentType).toBe('application/pdf');
    expect(Buffer.from((await store().get('inbound/x 1$.pdf'))!).toString()).toBe('%PDF-1.4 fake');
    expect(await store().head('inbound/x 1$.pdf')).toEqual({ size: 13 });
    await store().delete('inbound/x 1$.pdf');
    expect(s3.objects.size).toBe(0);
    expect(await store().get('inbound/x 1$.pdf')).toBeNull();
    expect(await store().head('inbound/x 1$.pdf')).toBeNull();
    await store().delete('inbound/x 1$.pdf');
  });

  it('keys with +, spaces, parentheses and non-ASCII are signed as S3 reads them', async () => {
    const key = 'jobs/Rechnung März (2)+Anlage.pdf';
    await store().put(key, new Uint8Array([7]), 'application/pdf');
    expect([...s3.objects.keys()]).toEqual([`faxes/office/${key}`]);
    expect(await store().get(key)).toEqual(new Uint8Array([7]));
  });

  it('lends a tool a private temporary copy, removed afterwards', async () => {
    await store().put('t.pdf', new TextEncoder().encode('%PDF-1.4 tool'), 'application/pdf');
    let seen = '';
    const size = await store().withFile('t.pdf', async (path) => {
      seen = path;
      return (await readFile(path)).length;
    });
    expect(size).toBe(13);
    expect(existsSync(seen)).toBe(false);
    await expect(store().withFile('missing.pdf', async () => 0)).rejects.toThrow('The stored document is missing');
  });

  it('retries a 5xx and succeeds; gives up after its attempts with the last reason', async () => {
    s3.misbehave({ kind: 'serverError', times: 2 });
    await store({ backoffMs: 5 }).put('r.pdf', new Uint8Array([1]), 'application/pdf');
    expect(s3.objects.has('faxes/office/r.pdf')).toBe(true);
    expect(s3.log.filter((line) => line.startsWith('PUT'))).toEqual(['PUT /faxes/office/r.pdf → 200']);
    s3.misbehave({ kind: 'serverError', times: 3, status: 500 });
    await expect(store({ backoffMs: 5 }).get('r.pdf')).rejects.toThrow('S3 GET failed: HTTP 500 InternalError');
    expect(await store().get('r.pdf')).toEqual(new Uint8Array([1]));
  });

  it('bounds each attempt with a timeout, then retries', async () => {
    s3.misbehave({ kind: 'hang', times: 1, ms: 2_000, abandon: true });
    const started = Date.now();
    await store({ timeoutMs: 300, backoffMs: 5 }).put('slow.pdf', new Uint8Array([1]), 'application/pdf');
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(s3.objects.has('faxes/office/slow.pdf')).toBe(true);
    s3.misbehave({ kind: 'hang', times: 2, ms: 2_000, abandon: true });
    await expect(store({ timeoutMs: 200, attempts: 2, backoffMs: 5 }).get('slow.pdf')).rejects.toThrow(
      /^S3 GET failed: cannot reach 127\.0\.0\.1:\d+ \(timed out\)$/,
    );
  });

  it('sends SSE-KMS headers when a KMS key is set, and explains an unknown key', async () => {
    await store({ kmsKeyId: 'alias/fax' }).put('k.pdf', new Uint8Array([1]), 'application/pdf');
    expect(s3.objects.get('faxes/office/k.pdf')?.encryption).toEqual({
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': 'alias/fax',
    });
    await store().put('plain.pdf', new Uint8Array([1]), 'application/pdf');
    expect(s3.objects.get('faxes/office/plain.pdf')?.encryption).toEqual({});
    await expect(store({ kmsKeyId: 'alias/other' }).put('k2.pdf', new Uint8Array([1]), 'application/pdf')).rejects.toThrow(
      'S3 PUT failed: HTTP 400 KMS.NotFoundException: check S3_KMS_KEY_ID and that the credentials may use it',
    );
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

  it('a wrong secret fails the receive as "storage unavailable" with the S3 reason, never the secret, and stores nothing', async () => {
    const logs: string[] = [];
    await start('not-the-secret', logs);
    const result = await gw.invoke('inbound:simulate', {});
    expect(result).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'S3 PUT failed: HTTP 403 SignatureDoesNotMatch: check the S3 secret access key' },
    });
    expect(logs.join('\n')).not.toContain('not-the-secret');
    expect(s3.objects.size).toBe(0);
  });
});
