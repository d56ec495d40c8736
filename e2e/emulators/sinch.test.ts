import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaxCallbackWebhooks, FaxService } from '@sinch/sdk-core';
import { PDFDocument } from 'pdf-lib';
import { FormData, request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAGIC_NUMBERS } from './common';
import { SINCH_TEST_NUMBER, startSinchEmulator, type SinchEmulator, type SinchFax } from './sinch';
import { formDataOf, makePdf, startReceiver, type Receiver, type ReceivedRequest } from './test-receiver';

const KEY_ID = 'key-id-1';
const KEY_SECRET = 'key-secret-1';
const PROJECT = 'project-1';
const basic = (user = KEY_ID, pass = KEY_SECRET) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const oracle = new FaxCallbackWebhooks();

/** A multipart webhook as a plain object of its text fields, the way a form parser hands it to the SDK. */
async function formFields(r: ReceivedRequest): Promise<Record<string, string>> {
  const form = await formDataOf(r);
  return Object.fromEntries([...form.entries()].filter((e): e is [string, string] => typeof e[1] === 'string'));
}

describe('Sinch emulator', () => {
  let gw: Receiver;
  let sinch: SinchEmulator;
  let pdf: Uint8Array;

  beforeEach(async () => {
    gw = await startReceiver();
    pdf = await makePdf(2);
    sinch = await startSinchEmulator({
      keyId: KEY_ID,
      keySecret: KEY_SECRET,
      projectId: PROJECT,
      incomingWebhookUrl: `http://hook:pw@${gw.origin.slice('http://'.length)}/sinch/inbound`,
      stepDelayMs: 15,
      retrySchedule: [20, 20],
    });
  });
  afterEach(async () => {
    await sinch.close();
    await gw.close();
    expect(sinch.errors()).toEqual([]);
  });

  async function call(method: string, url: string, opts: { auth?: string | null; body?: string | FormData; contentType?: string } = {}) {
    const headers: Record<string, string> = {};
    if (opts.auth !== null) headers.authorization = opts.auth ?? basic();
    if (opts.contentType) headers['content-type'] = opts.contentType;
    const res = await request(url, { method: method as 'GET', headers, body: opts.body ?? null });
    const raw = Buffer.from(await res.body.arrayBuffer());
    return { status: res.statusCode, headers: res.headers, raw, json: () => JSON.parse(raw.toString('utf8')) as Record<string, any> };
  }
  const faxesUrl = () => `${sinch.url}/projects/${PROJECT}/faxes`;
  const sendJson = (body: object, auth?: string) =>
    call('POST', faxesUrl(), { body: JSON.stringify(body), contentType: 'application/json', ...(auth ? { auth } : {}) });
  const b64 = () => Buffer.from(pdf).toString('base64');

  async function settled(id: string): Promise<SinchFax> {
    await sinch.waitFor(() => ['COMPLETED', 'FAILURE'].includes(sinch.faxes().find((f) => f.fax.id === id)?.fax.status ?? ''), 3000);
    return (await call('GET', `${faxesUrl()}/${id}`)).json() as SinchFax;
  }

  it('issues OAuth tokens and accepts Bearer or Basic, 401 otherwise', async () => {
    const tokenUrl = `${sinch.authUrl}/oauth2/token`;
    const form = 'grant_type=client_credentials';
    const ct = 'application/x-www-form-urlencoded';
    expect((await call('POST', tokenUrl, { auth: basic(KEY_ID, 'bad'), body: form, contentType: ct })).status).toBe(401);
    expect((await call('POST', tokenUrl, { body: 'grant_type=password', contentType: ct })).status).toBe(400);
    const token = (await call('POST', tokenUrl, { body: form, contentType: ct })).json();
    expect(token).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: '' });
    const claims = JSON.parse(Buffer.from(String(token.access_token).split('.')[1] ?? '', 'base64url').toString()) as { exp: number };
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000 + 3500);

    const bearer = `Bearer ${token.access_token}`;
    expect((await call('GET', faxesUrl(), { auth: bearer })).status).toBe(200);
    expect((await call('GET', faxesUrl())).status).toBe(200);
    for (const auth of [null, 'Bearer nope', basic(KEY_ID, 'bad')]) {
      const res = await call('GET', faxesUrl(), { auth });
      expect(res.status).toBe(401);
      expect(res.raw.length).toBe(0);
    }
    expect((await call('GET', `${sinch.url}/projects/other/faxes`)).status).toBe(401);

    sinch.advanceClock(3601_000);
    const expired = await call('GET', faxesUrl(), { auth: bearer });
    expect(expired.status).toBe(401);
    expect(expired.headers['www-authenticate']).toContain('expired');
  });

  it('answers 400/422 on invalid sends', async () => {
    const bad = [
      { files: [{ file: b64(), fileType: 'PDF' }] },
      { to: '+1555', files: [{ file: b64(), fileType: 'PDF' }] },
      { to: MAGIC_NUMBERS.success },
      { to: MAGIC_NUMBERS.success, files: [{ file: b64(), fileType: 'EXE' }] },
      { to: MAGIC_NUMBERS.success, files: [{ file: b64(), fileType: 'PDF' }], callbackUrlContentType: 'text/xml' },
    ];
    for (const body of bad) {
      const res = await sendJson(body);
      expect(res.status).toBe(422);
      expect(res.json()).toMatchObject({
        code: '422',
        error: 'Invalid parameters',
        details: { fieldViolations: [expect.objectContaining({ field: expect.any(String) })] },
      });
    }
    expect((await call('POST', faxesUrl(), { body: '{', contentType: 'application/json' })).json()).toMatchObject({
      code: '400',
      error: 'Bad Request',
    });
    expect(sinch.faxes()).toHaveLength(0);
  });

  it('JSON send returns one Fax, runs QUEUED → IN_PROGRESS → COMPLETED and posts FAX_COMPLETED as JSON', async () => {
    const res = await sendJson({
      to: SINCH_TEST_NUMBER,
      files: [{ file: b64(), fileType: 'PDF' }],
      callbackUrl: `${gw.origin}/sinch/cb?job=1`,
      callbackUrlContentType: 'application/json',
      labels: { jobId: 'job-1' },
    });
    expect(res.status).toBe(200);
    const fax = res.json() as SinchFax;
    expect(fax).toMatchObject({
      direction: 'OUTBOUND',
      to: SINCH_TEST_NUMBER,
      status: 'QUEUED',
      hasFile: 'false',
      labels: { jobId: 'job-1' },
      projectId: PROJECT,
    });
    expect(fax.id).toMatch(/^01W4FFL35P4NC4K35URL\d{6}$/);

    // The send answer is the first state seen; a loaded machine may poll only after the call ended.
    const seen = new Set<string>([fax.status]);
    await sinch.waitFor(async () => {
      const now = (await call('GET', `${faxesUrl()}/${fax.id}`)).json() as SinchFax;
      seen.add(now.status);
      return now.status === 'COMPLETED';
    }, 10_000);
    expect([...seen].filter((s) => !['QUEUED', 'IN_PROGRESS', 'COMPLETED'].includes(s))).toEqual([]);
    expect(seen.has('COMPLETED')).toBe(true);

    await sinch.waitFor(() => gw.posts('/sinch/cb').length === 1, 10_000);
    const [cb] = gw.posts('/sinch/cb') as [ReceivedRequest];
    expect(cb.target).toBe('/sinch/cb?job=1');
    expect(cb.headers['content-type']).toBe('application/json');
    expect(Object.keys(cb.headers).filter((h) => /signature/i.test(h))).toEqual([]);
    const body = JSON.parse(cb.body.toString()) as { file: string; fileType: string };
    expect(body.fileType).toBe('PDF');
    expect((await PDFDocument.load(Buffer.from(body.file, 'base64'))).getPageCount()).toBe(2);
    const event = oracle.parseEvent(JSON.parse(cb.body.toString()));
    expect(event.event).toBe('FAX_COMPLETED');
    expect(event.eventTime).toBeInstanceOf(Date);
    expect(event.fax).toMatchObject({ id: fax.id, status: 'COMPLETED', numberOfPages: 2, pagesSentSuccessfully: 2, hasFile: 'true' });
  });

  it('multipart send with several `to` returns {faxes}, fetches contentUrl once and posts multipart FAX_COMPLETED with Basic auth', async () => {
    const form = new FormData();
    for (const to of [MAGIC_NUMBERS.success, SINCH_TEST_NUMBER]) form.append('to', to);
    form.append('contentUrl', gw.mediaUrl(pdf));
    form.append('callbackUrl', `http://cb:s3cret@${gw.origin.slice('http://'.length)}/sinch/multi`);
    form.append('labels[jobId]', 'job-2');
    const res = await call('POST', faxesUrl(), { body: form });
    expect(res.status).toBe(200);
    const { faxes } = res.json() as { faxes: SinchFax[] };
    expect(faxes.map((f) => f.to)).toEqual([MAGIC_NUMBERS.success, SINCH_TEST_NUMBER]);
    expect(new Set(faxes.map((f) => f.id)).size).toBe(2);
    expect(faxes[0]?.callbackUrl).not.toContain('s3cret');
    expect(faxes[0]?.labels).toEqual({ jobId: 'job-2' });

    await sinch.waitFor(() => gw.posts('/sinch/multi').length === 2, 3000);
    expect(gw.requests.filter((r) => r.target.startsWith('/media/'))).toHaveLength(1);
    for (const cb of gw.posts('/sinch/multi')) {
      expect(cb.headers.authorization).toBe(basic('cb', 's3cret'));
      const form = await formDataOf(cb);
      expect([...form.keys()].sort()).toEqual(['event', 'eventTime', 'fax', 'file']);
      const file = form.get('file') as File;
      expect(file.type).toBe('application/pdf');
      const event = oracle.parseEvent(await formFields(cb));
      expect(event.event).toBe('FAX_COMPLETED');
      expect(event.fax?.status).toBe('COMPLETED');
      expect((await PDFDocument.load(await file.arrayBuffer())).getPageCount()).toBe(2);
    }
  });

  it('fails with DOCUMENT_CONVERSION_ERROR 54 when the contentUrl answers 403', async () => {
    const fax = (await sendJson({ to: MAGIC_NUMBERS.success, contentUrl: gw.mediaUrl(pdf, -1) })).json() as SinchFax;
    expect(await settled(fax.id)).toMatchObject({
      status: 'FAILURE',
      errorType: 'DOCUMENT_CONVERSION_ERROR',
      errorCode: 54,
      hasFile: 'false',
    });

    sinch.misbehave({ kind: 'contentFetchDelay', times: 1, ms: 150 });
    const late = (await sendJson({ to: MAGIC_NUMBERS.success, contentUrl: gw.mediaUrl(pdf, 60) })).json() as SinchFax;
    expect(await settled(late.id)).toMatchObject({ status: 'FAILURE', errorCode: 54 });
  });

  it('scripts call errors with magic numbers and retries them internally up to maxRetries', async () => {
    const files = [{ file: b64(), fileType: 'PDF' }];
    const cases: Array<[string, number]> = [
      [MAGIC_NUMBERS.busy, 17],
      [MAGIC_NUMBERS.noAnswer, 30],
      [MAGIC_NUMBERS.notOperational, 34],
    ];
    for (const [to, code] of cases) {
      const fax = (await sendJson({ to, files })).json() as SinchFax;
      expect(await settled(fax.id)).toMatchObject({
        status: 'FAILURE',
        errorType: 'CALL_ERROR',
        errorCode: code,
        errorMessage: expect.any(String),
      });
    }
    const retried = (await sendJson({ to: '+15550100217', files, maxRetries: 3 })).json() as SinchFax;
    expect(await settled(retried.id)).toMatchObject({ status: 'COMPLETED', retryCount: 2 });
  });

  it('serves file.pdf, deletes content, and lists by status and label', async () => {
    const files = [{ file: b64(), fileType: 'PDF' }];
    const a = (await sendJson({ to: MAGIC_NUMBERS.success, files, labels: { jobId: 'a' } })).json() as SinchFax;
    const b = (await sendJson({ to: MAGIC_NUMBERS.busy, files, labels: { jobId: 'b' } })).json() as SinchFax;
    await settled(a.id);
    await settled(b.id);

    const file = await call('GET', `${faxesUrl()}/${a.id}/file.pdf`);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toContain(`${a.id}.pdf`);
    expect((await PDFDocument.load(file.raw)).getPageCount()).toBe(2);

    const byLabel = (await call('GET', `${faxesUrl()}?${new URLSearchParams({ 'labels[jobId]': 'b' })}`)).json();
    expect(byLabel).toMatchObject({ page: 1, totalPages: 1, totalItems: 1 });
    expect(byLabel.faxes.map((f: SinchFax) => f.id)).toEqual([b.id]);
    const completed = (await call('GET', `${faxesUrl()}?status=COMPLETED`)).json();
    expect(completed.faxes.map((f: SinchFax) => f.id)).toEqual([a.id]);

    expect((await call('DELETE', `${faxesUrl()}/${a.id}/file`)).status).toBe(200);
    expect((await call('GET', `${faxesUrl()}/${a.id}`)).json().hasFile).toBe('false');
    expect((await call('GET', `${faxesUrl()}/${a.id}/file.pdf`)).status).toBe(404);
    expect((await call('GET', `${faxesUrl()}/nope`)).json()).toMatchObject({ code: '404' });
  });

  it('posts INCOMING_FAX in multipart (default) and JSON, with Basic credentials from the URL', async () => {
    const inbound = await makePdf(3);
    const multi = await sinch.sendInbound({ from: '+15557654321', to: '+15551230000', pdf: inbound });
    expect(multi.status).toBe(200);
    const json = await sinch.sendInbound({ from: '+15557654321', to: '+15551230000', pdf: inbound, contentType: 'application/json' });
    const [m, j] = gw.posts('/sinch/inbound') as [ReceivedRequest, ReceivedRequest];
    for (const r of [m, j]) expect(r.headers.authorization).toBe(basic('hook', 'pw'));

    const file = (await formDataOf(m)).get('file') as File;
    expect(Buffer.from(await file.arrayBuffer()).equals(Buffer.from(inbound))).toBe(true);
    const mEvent = oracle.parseEvent(await formFields(m));
    expect(mEvent).toMatchObject({
      event: 'INCOMING_FAX',
      fax: { id: multi.id, direction: 'INBOUND', from: '+15557654321', to: '+15551230000', numberOfPages: 3, status: 'COMPLETED' },
    });

    const jEvent = oracle.parseEvent(JSON.parse(j.body.toString())) as { event?: string; fax?: SinchFax; file?: string; fileType?: string };
    expect(jEvent).toMatchObject({ event: 'INCOMING_FAX', fileType: 'PDF', fax: { id: json.id, direction: 'INBOUND' } });
    expect(Buffer.from(jEvent.file ?? '', 'base64').equals(Buffer.from(inbound))).toBe(true);
  });

  it('injects 5xx, duplicate and stale callbacks', async () => {
    sinch.misbehave({ kind: 'serverError', times: 1, status: 502 });
    expect((await call('GET', faxesUrl())).status).toBe(502);
    expect((await call('GET', faxesUrl())).status).toBe(200);

    sinch.misbehave({ kind: 'duplicateCallback', times: 1 });
    sinch.misbehave({ kind: 'staleCallbackAfterTerminal', times: 1 });
    gw.script('/sinch/chaos', [500]);
    await sendJson({ to: MAGIC_NUMBERS.success, files: [{ file: b64(), fileType: 'PDF' }], callbackUrl: `${gw.origin}/sinch/chaos` });
    await sinch.waitFor(() => sinch.callbacksSent().filter((c) => c.status === 200).length === 3, 3000);
    const statuses = await Promise.all(gw.posts('/sinch/chaos').map(async (r) => oracle.parseEvent(await formFields(r)).fax?.status));
    // first attempt 500, duplicate, stale, then the retried original (order of the last two may vary)
    expect(statuses.slice(0, 2)).toEqual(['COMPLETED', 'COMPLETED']);
    expect(statuses.slice(2).sort()).toEqual(['COMPLETED', 'IN_PROGRESS']);
  });

  it('works with the official @sinch/sdk-core client (OAuth, send, get, list, download)', async () => {
    const sdk = new FaxService({
      projectId: PROJECT,
      keyId: KEY_ID,
      keySecret: KEY_SECRET,
      faxHostname: sinch.authUrl,
      authHostname: sinch.authUrl,
    });
    const [sent] = await sdk.faxes.send({
      sendFaxRequestBody: { to: SINCH_TEST_NUMBER, files: [{ file: b64(), fileType: 'PDF' }], labels: { jobId: 'sdk' } },
    });
    const id = sent?.id ?? '';
    expect(sinch.tokensIssued()).toBe(1);
    await settled(id);
    expect(await sdk.faxes.get({ id })).toMatchObject({ status: 'COMPLETED', numberOfPages: 2 });
    const page = await sdk.faxes.list({ status: 'COMPLETED' });
    expect(page.data.map((f) => f.id)).toEqual([id]);
    const download = await sdk.faxes.downloadContent({ id, fileFormat: 'pdf' });
    expect(download.fileName).toBe(`${id}.pdf`);

    sinch.advanceClock(3601_000); // the SDK must refresh the expired token and carry on
    expect((await sdk.faxes.get({ id })).id).toBe(id);
    expect(sinch.tokensIssued()).toBe(2);

    // The SDK's multipart path (form-data package), several `to` → one Fax per number.
    const dir = await mkdtemp(join(tmpdir(), 'sinch-emu-'));
    try {
      await writeFile(join(dir, 'doc.pdf'), pdf);
      const faxes = await sdk.faxes.send({
        sendFaxRequestBody: { to: [MAGIC_NUMBERS.success, MAGIC_NUMBERS.busy], filePaths: [join(dir, 'doc.pdf')] },
      });
      expect(faxes.map((f) => f.to)).toEqual([MAGIC_NUMBERS.success, MAGIC_NUMBERS.busy]);
      expect(sinch.faxes().find((f) => f.fax.id === faxes[0]?.id)?.requestEncoding).toBe('multipart');
      expect(await settled(faxes[1]?.id ?? '')).toMatchObject({ status: 'FAILURE', errorCode: 17 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
