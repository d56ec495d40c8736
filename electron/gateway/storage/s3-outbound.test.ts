import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterEach, describe, expect, it } from 'vitest';
import { MAGIC_NUMBERS } from '../../../e2e/emulators/common';
import type { DiagnosticsReport } from '../../../shared/types';
import { startS3Emulator, type S3Emulator } from '../../../e2e/emulators/s3';
import { startPhaxioRig, type PhaxioRig } from '../providers/phaxio/test-fixture';
import { faxForm } from '../testing/harness';

const S3_ENV = { STORAGE_BACKEND: 's3', S3_BUCKET: 'office-faxes', S3_ACCESS_KEY_ID: 'AKIDGW', S3_SECRET_ACCESS_KEY: 'gw-secret' };

let s3: S3Emulator | null = null;
let rig: PhaxioRig | null = null;
afterEach(async () => {
  await rig?.close();
  await s3?.close();
  rig = null;
  s3 = null;
});

async function start(phaxio: { publicUrl?: boolean; sendMode?: 'content_url' | 'upload' } = {}) {
  s3 = await startS3Emulator({ credentials: { AKIDGW: 'gw-secret' }, buckets: ['office-faxes'], kmsKeys: ['alias/fax'] });
  rig = await startPhaxioRig({
    env: { ...S3_ENV, S3_ENDPOINT_URL: s3.origin, S3_KMS_KEY_ID: 'alias/fax' },
    publicUrl: phaxio.publicUrl,
    settings: phaxio.sendMode ? { phaxio: { sendMode: phaxio.sendMode } } : undefined,
  });
  return { s3, rig };
}

/** Files the gateway left in its local documents folder (nothing but staging should ever be there with S3). */
const localJobFiles = (r: PhaxioRig) => {
  try {
    return readdirSync(join(r.gw.dataDir, 'jobs'));
  } catch {
    return [];
  }
};

/** A real PDF over the in-memory upload limit (256 KB), so it streams to a staging file first. */
async function largePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([612, 792]).drawText('A large scan', { x: 72, y: 700, size: 24 });
  await doc.attach(randomBytes(400 * 1024), 'scan-data.bin', { mimeType: 'application/octet-stream' });
  return doc.save();
}

describe('STORAGE_BACKEND=s3: outbound documents live in the bucket', () => {
  it('POST /fax → the fax PDF is stored in S3 (SSE-KMS) → Phaxio fetches the media URL → delivered; nothing stays on disk', async () => {
    const { s3, rig } = await start({ publicUrl: true, sendMode: 'content_url' });
    const id = await rig.send(MAGIC_NUMBERS.success, 'page one\fpage two');
    const done = await rig.gw.waitForJob(id, ['delivered', 'failed'], 8000);
    expect(done).toMatchObject({ state: 'delivered', pages: 2 });
    const stored = s3.objects.get(`office-faxes/outbound/${id}-fax.pdf`);
    expect(stored?.encryption['x-amz-server-side-encryption']).toBe('aws:kms');
    const [fax] = rig.faxesFor(id);
    expect(fax!.contentUrls[0]).toMatch(new RegExp(`^${rig.gw.url}/fax/${id}/pdf\\?token=`));
    expect(fax!.contentFetches[0]).toMatchObject({ ok: true, status: 200 });
    expect(Buffer.from(fax!.contentFetches[0]!.bytes!).equals(stored!.bytes)).toBe(true);
    expect((await rig.gw.core.jobs.row(id)).pdf_path).toBe(`s3:${id}-fax.pdf`);
    expect(localJobFiles(rig)).toEqual([]);
  });

  it('a large upload streams to a staging file, moves to S3 on commit, and Phaxio gets it uploaded; staging is cleaned', async () => {
    const { s3, rig } = await start();
    const pdf = await largePdf();
    expect(pdf.length).toBeGreaterThan(256 * 1024);
    const res = await rig.gw.post('/fax', faxForm(MAGIC_NUMBERS.success, { name: 'scan.pdf', bytes: pdf }));
    expect(res.status).toBe(202);
    const id = res.body.id as string;
    const uploaded = s3.objects.get(`office-faxes/outbound/${id}-upload.pdf`);
    expect(Buffer.from(pdf).equals(uploaded!.bytes)).toBe(true);
    expect(localJobFiles(rig)).toEqual([]);
    expect((await rig.gw.waitForJob(id, ['delivered', 'failed'], 8000)).state).toBe('delivered');
    const [fax] = rig.faxesFor(id);
    expect(Buffer.from(fax!.uploads[0]!.data).equals(Buffer.from(pdf))).toBe(true);
  });

  it('an S3 hiccup (503 then 200) is retried: the fax is accepted and delivered once', async () => {
    const { s3, rig } = await start();
    s3.misbehave({ kind: 'serverError', times: 1 });
    const id = await rig.send(MAGIC_NUMBERS.success);
    expect((await rig.gw.waitForJob(id, ['delivered', 'failed'], 8000)).state).toBe('delivered');
    expect(s3.log.filter((line) => line.startsWith('503 SlowDown'))).toHaveLength(1);
    expect(s3.log).toContain(`PUT /office-faxes/outbound/${id}-fax.pdf → 200`);
    expect(rig.faxesFor(id)).toHaveLength(1);
  });

  it('S3 down while the fax is prepared: the job waits (not failed, not sent), then goes out once S3 answers', async () => {
    const { s3, rig } = await start();
    s3.misbehave({ kind: 'serverError', times: 3 });
    const id = await rig.send(MAGIC_NUMBERS.success);
    await rig.gw.waitForJob(id, ['queued'], 2000);
    const deadline = Date.now() + 3000;
    while (!(await rig.timeline(id)).some((line) => line.startsWith('Waiting for document storage')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect((await rig.timeline(id)).filter((line) => line.startsWith('Waiting for document storage'))).toEqual([
      'Waiting for document storage: S3 PUT failed: HTTP 503 SlowDown',
    ]);
    expect(rig.faxesFor(id)).toEqual([]);
    expect((await rig.gw.waitForJob(id, ['delivered', 'failed'], 15_000)).state).toBe('delivered');
    expect(rig.faxesFor(id)).toHaveLength(1);
  });

  it('resend and the confirmation report read the document back from S3', async () => {
    const { s3, rig } = await start();
    const id = await rig.send(MAGIC_NUMBERS.success, 'resend me');
    await rig.gw.waitForJob(id, ['delivered'], 8000);
    const resent = await rig.gw.invoke('jobs:resend', { id });
    if (!resent.ok) throw new Error(resent.error.message);
    const copyId = (resent.value as { id: string }).id;
    expect(s3.objects.has(`office-faxes/outbound/${copyId}-upload.pdf`)).toBe(true);
    expect((await rig.gw.waitForJob(copyId, ['delivered', 'failed'], 8000)).state).toBe('delivered');
    const report = await rig.gw.get(`/fax/${id}/report.pdf`);
    expect(report.status).toBe(200);
    expect(report.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const stored = s3.objects.get(`office-faxes/outbound/${id}-fax.pdf`)!;
    const local = await rig.gw.core.jobs.readPdf(await rig.gw.core.jobs.row(id));
    expect(Buffer.from(local!).equals(stored.bytes)).toBe(true);
  });

  it('Diagnostics checks the bucket live: a round trip that leaves nothing behind, or the reason it fails', async () => {
    const { s3, rig } = await start();
    const report = (await rig.gw.invoke('diagnostics:run', {})) as { ok: true; value: DiagnosticsReport };
    expect(report.value.checks.find((c) => c.id === 'storage')).toMatchObject({ state: 'pass' });
    expect(s3.objects.size).toBe(0);
    expect(s3.log.filter((line) => line.includes('.diagnostics-probe')).map((line) => line.split(' ')[0])).toEqual([
      'PUT',
      'GET',
      'DELETE',
    ]);
    await s3.close();
    const down = (await rig.gw.invoke('diagnostics:run', {})) as { ok: true; value: DiagnosticsReport };
    expect(down.value.checks.find((c) => c.id === 'storage')).toMatchObject({
      state: 'fail',
      detail: expect.stringMatching(/^S3 PUT failed: cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)$/),
    });
  });

  it('when S3 refuses the credentials, POST /fax answers 503 with the reason and no job is created', async () => {
    s3 = await startS3Emulator({ credentials: { AKIDGW: 'another-secret' }, buckets: ['office-faxes'] });
    rig = await startPhaxioRig({ env: { ...S3_ENV, S3_ENDPOINT_URL: s3.origin } });
    const res = await rig.gw.post('/fax', faxForm(MAGIC_NUMBERS.success, { name: 'scan.pdf', bytes: await largePdf() }));
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ detail: 'S3 PUT failed: HTTP 403 SignatureDoesNotMatch: check the S3 secret access key' });
    expect((rig.gw.core.db.prepare('SELECT COUNT(*) AS n FROM jobs').get() as { n: number }).n).toBe(0);
    expect(localJobFiles(rig)).toEqual([]);
  });
});
