import { createHash, createHmac } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { FormData, request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAGIC_NUMBERS } from './common';
import { phaxioSignature, startPhaxioEmulator, type PhaxioEmulator, type PhaxioFaxObject } from './phaxio';
import { formDataOf, makePdf, startReceiver, type Receiver, type ReceivedRequest } from './test-receiver';

const KEY = 'key_live';
const SECRET = 'secret_live';
const TOKEN = 'cbtoken-test';
const basic = (user = KEY, pass = SECRET) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

/** The §1.8 algorithm written out again, independently of the emulator's signer. */
async function verifySignature(token: string, url: string, r: ReceivedRequest): Promise<boolean> {
  const form = await formDataOf(r);
  const params: Array<[string, string]> = [];
  const files: Array<[string, string]> = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') params.push([name, value]);
    else
      files.push([
        name,
        createHash('sha1')
          .update(Buffer.from(await value.arrayBuffer()))
          .digest('hex'),
      ]);
  }
  const byName = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  const data =
    url +
    params
      .sort(byName)
      .map(([n, v]) => n + v)
      .join('') +
    files
      .sort(byName)
      .map(([n, h]) => n + h)
      .join('');
  return createHmac('sha1', token).update(data).digest('hex') === r.headers['x-phaxio-signature'];
}

async function faxOf(r: ReceivedRequest): Promise<PhaxioFaxObject> {
  return JSON.parse(String((await formDataOf(r)).get('fax'))) as PhaxioFaxObject;
}

describe('phaxioSignature reproduces the providers.md §7 vectors', () => {
  const faxJson =
    '{"id":123456,"direction":"sent","num_pages":2,"status":"success","is_test":true,"recipients":[{"phone_number":"+15551234567","status":"success"}]}';
  it('vector 1 (phaxio-ruby spec)', () => {
    expect(phaxioSignature('test-webhook-token', 'example.com', { test: 'true' })).toBe('64a735ef0c47a0ae671e381c046648f0966deb29');
  });
  it('vector 2 (send callback with query string)', () => {
    const params = { direction: 'sent', event_type: 'fax_completed', fax: faxJson, is_test: 'true', success: 'true' };
    expect(phaxioSignature('cbtoken123', 'https://gw.example.com/phaxio/callback?job_id=abc', params)).toBe(
      'e80852ad973731c62b65c43552e55b29c332a24a',
    );
  });
  it('vector 3 (receive callback with a file part)', () => {
    const file = new TextEncoder().encode('%PDF-1.4\n%fake\n%%EOF\n');
    const sig = phaxioSignature(
      'cbtoken123',
      'https://gw.example.com/phaxio/inbound',
      { direction: 'received', fax: faxJson, is_test: 'false' },
      { file },
    );
    expect(sig).toBe('0fe657b009e3002df57750fb5bc44363709dcd5b');
  });
});

describe('Phaxio emulator', () => {
  let gw: Receiver;
  let phaxio: PhaxioEmulator;
  let pdf: Uint8Array;

  beforeEach(async () => {
    gw = await startReceiver();
    pdf = await makePdf(2);
    phaxio = await startPhaxioEmulator({
      apiKey: KEY,
      apiSecret: SECRET,
      callbackToken: TOKEN,
      receiveWebhookUrl: `${gw.origin}/phaxio/inbound`,
      stepDelayMs: 15,
      retrySchedule: [20, 20, 20],
    });
  });
  afterEach(async () => {
    await phaxio.close();
    await gw.close();
    expect(phaxio.errors()).toEqual([]);
  });

  async function api(method: string, path: string, opts: { form?: FormData; auth?: string | null; timeoutMs?: number } = {}) {
    const headers: Record<string, string> = {};
    if (opts.auth !== null) headers.authorization = opts.auth ?? basic();
    const res = await request(`${phaxio.url}${path}`, {
      method: method as 'GET',
      headers,
      body: opts.form ?? null,
      ...(opts.timeoutMs ? { signal: AbortSignal.timeout(opts.timeoutMs) } : {}),
    });
    const raw = Buffer.from(await res.body.arrayBuffer());
    return { status: res.statusCode, raw, headers: res.headers, json: () => JSON.parse(raw.toString('utf8')) as Record<string, any> };
  }

  function sendForm(fields: Record<string, string | string[]>, file: Uint8Array | null = pdf): FormData {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) form.append(name, v);
    if (file) form.append('file', new Blob([new Uint8Array(file)], { type: 'application/pdf' }), 'doc.pdf');
    return form;
  }

  async function send(fields: Record<string, string | string[]>, file: Uint8Array | null = pdf): Promise<number> {
    const res = await api('POST', '/faxes', { form: sendForm(fields, file) });
    expect(res.status).toBe(200);
    return res.json().data.id as number;
  }

  async function settled(id: number): Promise<PhaxioFaxObject> {
    await phaxio.waitFor(
      () => ['success', 'failure', 'partialsuccess'].includes(phaxio.faxes().find((f) => f.fax.id === id)?.fax.status ?? ''),
      3000,
    );
    return (await api('GET', `/faxes/${id}`)).json().data as PhaxioFaxObject;
  }

  it('rejects missing or wrong credentials with 401 and accepts Basic, query and form credentials', async () => {
    for (const auth of [null, basic(KEY, 'nope')]) {
      const res = await api('GET', '/account/status', { auth });
      expect(res.status).toBe(401);
      expect(res.json()).toMatchObject({ success: false, message: expect.any(String) });
    }
    expect((await api('GET', '/account/status')).json()).toMatchObject({ success: true, data: { balance: expect.any(Number) } });
    expect((await api('GET', `/account/status?api_key=${KEY}&api_secret=${SECRET}`, { auth: null })).status).toBe(200);
    const form = sendForm({ to: MAGIC_NUMBERS.success, api_key: KEY, api_secret: SECRET });
    expect((await api('POST', '/faxes', { form, auth: null })).status).toBe(200);
  });

  it('answers 422 on invalid sends', async () => {
    const cases: Array<[Record<string, string>, Uint8Array | null]> = [
      [{}, pdf],
      [{ to: MAGIC_NUMBERS.success }, null],
      [{ to: MAGIC_NUMBERS.success, header_text: 'x'.repeat(51) }, pdf],
      [{ to: '5551234' }, pdf],
    ];
    for (const [fields, file] of cases) {
      const res = await api('POST', '/faxes', { form: sendForm(fields, file) });
      expect(res.status).toBe(422);
      expect(res.json().success).toBe(false);
    }
    const noFilename = sendForm({ to: MAGIC_NUMBERS.success }, null);
    noFilename.append('file', '%PDF-1.4 not a file part');
    expect((await api('POST', '/faxes', { form: noFilename })).status).toBe(422);
    expect(phaxio.faxes()).toHaveLength(0);
  });

  it('queues with the exact body, progresses to success and posts a signed fax_completed', async () => {
    const callbackUrl = `${gw.origin}/phaxio/callback?job_id=job-1`;
    const res = await api('POST', '/faxes', {
      form: sendForm({ 'to[]': MAGIC_NUMBERS.success, callback_url: callbackUrl, header_text: 'ACME', 'tag[job_id]': 'job-1' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const id = res.json().data.id as number;
    expect(Number.isInteger(id)).toBe(true);
    expect(res.raw.toString()).toBe(`{"success":true,"message":"Fax queued for sending","data":{"id":${id}}}`);

    const seen: string[] = [];
    await phaxio.waitFor(async () => {
      const fax = (await api('GET', `/faxes/${id}`)).json().data as PhaxioFaxObject;
      if (seen.at(-1) !== fax.status) seen.push(fax.status);
      return fax.status === 'success';
    }, 3000);
    // Polling may miss a short-lived state on a busy machine, but never sees them out of order.
    const order = ['queued', 'inprogress', 'success'];
    expect(seen.at(-1)).toBe('success');
    expect(seen.map((s) => order.indexOf(s))).toEqual([...seen.map((s) => order.indexOf(s))].sort((a, b) => a - b));
    expect(seen.every((s) => order.includes(s))).toBe(true);

    await phaxio.waitFor(() => gw.posts('/phaxio/callback').length === 1, 3000);
    const [cb] = gw.posts('/phaxio/callback');
    if (!cb) throw new Error('no callback');
    expect(cb.target).toBe('/phaxio/callback?job_id=job-1');
    expect(cb.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(await verifySignature(TOKEN, callbackUrl, cb)).toBe(true);
    expect(await verifySignature(TOKEN, `${gw.origin}/phaxio/callback`, cb)).toBe(false);
    const form = await formDataOf(cb);
    expect(Object.fromEntries([...form.entries()].filter(([n]) => n !== 'fax'))).toEqual({
      direction: 'sent',
      event_type: 'fax_completed',
      is_test: 'false',
      success: 'true',
    });
    const fax = await faxOf(cb);
    expect(fax).toMatchObject({ id, direction: 'sent', status: 'success', num_pages: 2, tags: { job_id: 'job-1' }, error_type: null });
    expect(fax.recipients).toEqual([expect.objectContaining({ phone_number: MAGIC_NUMBERS.success, status: 'success' })]);

    const file = await api('GET', `/faxes/${id}/file`);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect((await PDFDocument.load(file.raw)).getPageCount()).toBe(2);
    expect(phaxio.faxes()[0]?.headerText).toBe('ACME');
  });

  it('fetches content_url like the real service and fails with documentConversionError 54 on 403', async () => {
    const good = await send({ to: MAGIC_NUMBERS.success, 'content_url[]': gw.mediaUrl(pdf) }, null);
    expect(await settled(good)).toMatchObject({ status: 'success', num_pages: 2 });
    expect(gw.requests.filter((r) => r.method === 'GET' && r.target.startsWith('/media/'))).toHaveLength(1);

    const expired = await send({ to: MAGIC_NUMBERS.success, content_url: gw.mediaUrl(pdf, -1) }, null);
    expect(await settled(expired)).toMatchObject({ status: 'failure', error_type: 'documentConversionError', error_id: 54 });
    expect(phaxio.faxes().find((f) => f.fax.id === expired)?.contentFetches[0]?.status).toBe(403);
  });

  it('a contentFetchDelay fault lets a short-lived media token expire', async () => {
    phaxio.misbehave({ kind: 'contentFetchDelay', times: 1, ms: 150 });
    const id = await send({ to: MAGIC_NUMBERS.success, content_url: gw.mediaUrl(pdf, 60) }, null);
    expect(await settled(id)).toMatchObject({ status: 'failure', error_type: 'documentConversionError', error_id: 54 });
  });

  it('scripts line errors with magic numbers, per recipient (partialsuccess)', async () => {
    const busy = await send({ to: MAGIC_NUMBERS.busy });
    expect(await settled(busy)).toMatchObject({ status: 'failure', error_type: 'lineError', error_id: 17, error_message: 'Busy' });

    const multi = await send({ 'to[]': [MAGIC_NUMBERS.success, MAGIC_NUMBERS.noAnswer, MAGIC_NUMBERS.notOperational] });
    const fax = await settled(multi);
    expect(fax.status).toBe('partialsuccess');
    expect(fax.recipients.map((r) => [r.phone_number, r.status, r.error_type, r.error_id])).toEqual([
      [MAGIC_NUMBERS.success, 'success', null, null],
      [MAGIC_NUMBERS.noAnswer, 'failure', 'lineError', 30],
      [MAGIC_NUMBERS.notOperational, 'failure', 'lineError', 34],
    ]);
  });

  it('busy-then-success numbers fail N times, then go through', async () => {
    const first = await send({ to: MAGIC_NUMBERS.busyOnceThenSuccess });
    expect(await settled(first)).toMatchObject({ status: 'failure', error_id: 17 });
    const second = await send({ to: MAGIC_NUMBERS.busyOnceThenSuccess });
    expect(await settled(second)).toMatchObject({ status: 'success' });
  });

  it('lists faxes by tag so a gateway can reconcile after a crash', async () => {
    await send({ to: MAGIC_NUMBERS.success, 'tag[job_id]': 'a' });
    const b = await send({ to: MAGIC_NUMBERS.success, 'tag[job_id]': 'b' });
    const res = (await api('GET', `/faxes?${new URLSearchParams({ 'tag[job_id]': 'b' })}`)).json();
    expect(res).toMatchObject({ success: true, message: 'Retrieved faxes successfully', paging: { total: 1, per_page: 25, page: 1 } });
    expect(res.data.map((f: PhaxioFaxObject) => f.id)).toEqual([b]);
  });

  it('cancels a fax in flight and refuses to cancel a finished one', async () => {
    await phaxio.close();
    phaxio = await startPhaxioEmulator({ apiKey: KEY, apiSecret: SECRET, callbackToken: TOKEN, stepDelayMs: 5_000 });
    const id = await send({ to: MAGIC_NUMBERS.success, callback_url: `${gw.origin}/phaxio/cb` });
    const res = await api('POST', `/faxes/${id}/cancel`);
    expect(res.json()).toEqual({ success: true, message: 'Fax cancellation scheduled successfully.', data: { id } });
    expect((await api('GET', `/faxes/${id}`)).json().data).toMatchObject({ status: 'failure', error_type: 'generalError' });
    expect((await api('POST', `/faxes/${id}/cancel`)).status).toBe(422);
    await phaxio.waitFor(() => gw.posts('/phaxio/cb').length === 1, 3000);
  });

  it('retries a failed callback on the compressed schedule', async () => {
    gw.script('/phaxio/retry', [500, 503]);
    await send({ to: MAGIC_NUMBERS.success, callback_url: `${gw.origin}/phaxio/retry` });
    await phaxio.waitFor(() => phaxio.callbacksSent()[2]?.status === 200, 3000);
    expect(gw.posts('/phaxio/retry')).toHaveLength(3);
    expect(phaxio.callbacksSent().map((c) => [c.attempt, c.status])).toEqual([
      [1, 500],
      [2, 503],
      [3, 200],
    ]);
  });

  it('injects 5xx, hangs and lost responses on API calls', async () => {
    phaxio.misbehave({ kind: 'serverError', times: 2 });
    expect((await api('GET', '/account/status')).status).toBe(503);
    expect((await api('GET', '/account/status')).json()).toMatchObject({ success: false });
    expect((await api('GET', '/account/status')).status).toBe(200);

    phaxio.misbehave({ kind: 'hang', times: 1, ms: 400 });
    await expect(
      api('POST', '/faxes', { form: sendForm({ to: MAGIC_NUMBERS.success, 'tag[job_id]': 'slow' }), timeoutMs: 100 }),
    ).rejects.toThrow();
    // The slow request is still processed: the gateway must reconcile by tag, not resubmit blindly.
    await phaxio.waitFor(() => phaxio.faxes().some((f) => f.fax.tags.job_id === 'slow'), 2000);

    phaxio.misbehave({ kind: 'dropResponse', times: 1 });
    await expect(api('POST', '/faxes', { form: sendForm({ to: MAGIC_NUMBERS.success, 'tag[job_id]': 'lost' }) })).rejects.toThrow();
    expect(phaxio.faxes().filter((f) => f.fax.tags.job_id === 'lost')).toHaveLength(1);
  });

  it('sends duplicate, stale and badly signed callbacks on request', async () => {
    const url = `${gw.origin}/phaxio/chaos`;
    phaxio.misbehave({ kind: 'duplicateCallback', times: 1 });
    phaxio.misbehave({ kind: 'staleCallbackAfterTerminal', times: 1 });
    await send({ to: MAGIC_NUMBERS.success, callback_url: url });
    await phaxio.waitFor(() => gw.posts('/phaxio/chaos').length === 3, 3000);
    const [first, dup, stale] = gw.posts('/phaxio/chaos') as [ReceivedRequest, ReceivedRequest, ReceivedRequest];
    expect([...(await formDataOf(dup)).entries()]).toEqual([...(await formDataOf(first)).entries()]);
    expect(dup.headers['x-phaxio-signature']).toBe(first.headers['x-phaxio-signature']);
    expect((await formDataOf(stale)).get('event_type')).toBe('transmitting_page');
    expect((await faxOf(stale)).status).toBe('inprogress');
    for (const r of [first, dup, stale]) expect(await verifySignature(TOKEN, url, r)).toBe(true);

    gw.script('/phaxio/forged', [401]);
    phaxio.misbehave({ kind: 'badSignature', times: 1 });
    await send({ to: MAGIC_NUMBERS.success, callback_url: `${gw.origin}/phaxio/forged` });
    await phaxio.waitFor(() => gw.posts('/phaxio/forged').length === 1, 3000);
    const [forged] = gw.posts('/phaxio/forged') as [ReceivedRequest];
    expect(await verifySignature(TOKEN, `${gw.origin}/phaxio/forged`, forged)).toBe(false);
    await new Promise((r) => setTimeout(r, 150));
    expect(gw.posts('/phaxio/forged')).toHaveLength(1); // forged requests are not retried
  });

  it('posts a signed receive webhook with a real file part', async () => {
    const inboundPdf = await makePdf(3);
    const { status, id } = await phaxio.sendInbound({ from: '+15557654321', to: '+15551230000', pdf: inboundPdf });
    expect(status).toBe(200);
    const [cb] = gw.posts('/phaxio/inbound') as [ReceivedRequest];
    expect(await verifySignature(TOKEN, `${gw.origin}/phaxio/inbound`, cb)).toBe(true);
    const form = await formDataOf(cb);
    const file = form.get('file');
    if (!(file instanceof Blob)) throw new Error('file part missing');
    expect(file.type).toBe('application/pdf');
    expect((file as File).name).toMatch(/\.pdf$/);
    expect(Buffer.from(await file.arrayBuffer()).equals(Buffer.from(inboundPdf))).toBe(true);
    expect(await faxOf(cb)).toMatchObject({
      id,
      direction: 'received',
      from_number: '+15557654321',
      to_number: '+15551230000',
      num_pages: 3,
      status: 'success',
    });
    expect(form.get('direction')).toBe('received');
    expect((await api('GET', `/faxes/${id}/file`)).raw.equals(Buffer.from(inboundPdf))).toBe(true);
  });

  it('supports the test-receive path with test credentials only', async () => {
    const form = sendForm({ direction: 'received', from_number: '+15557654321', to_number: '+15551230000' });
    expect((await api('POST', '/faxes', { form })).status).toBe(422);

    await phaxio.close();
    phaxio = await startPhaxioEmulator({
      apiKey: KEY,
      apiSecret: SECRET,
      callbackToken: TOKEN,
      isTest: true,
      receiveWebhookUrl: `${gw.origin}/phaxio/test-inbound`,
    });
    const res = await api('POST', '/faxes', {
      form: sendForm({ direction: 'received', from_number: '+15557654321', to_number: '+15551230000' }),
    });
    expect(res.json()).toEqual({ success: true, message: 'Test fax received from +15557654321 to +15551230000.  Calling back now...' });
    await phaxio.waitFor(() => gw.posts('/phaxio/test-inbound').length === 1, 3000);
    const [cb] = gw.posts('/phaxio/test-inbound') as [ReceivedRequest];
    expect(await faxOf(cb)).toMatchObject({ direction: 'received', is_test: true });
  });
});
