import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RestClient } from '@signalwire/compatibility-api';
import twilio from 'twilio';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifySignalWireSignature } from '../../electron/gateway/security/signatures';
import { MAGIC_NUMBERS, startSignalWireEmulator, type SignalWireEmulator } from './signalwire';
import { makePdf } from './test-receiver';

const PROJECT = 'b3877c40-da60-4998-90ad-b792e98472ac';
const TOKEN = 'PT_apitoken';
const KEY = 'PSK_signingkey';
const FROM = '+13103383454';
const AUTH = `Basic ${Buffer.from(`${PROJECT}:${TOKEN}`).toString('base64')}`;

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Stands in for the gateway: serves the document and the LaML XML, records every callback. */
async function startReceiver(pdf: Uint8Array) {
  const received: Received[] = [];
  const state = { callbackFailures: 0, laml: '<Response/>' };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ method: req.method ?? '', path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const pathname = path.split('?')[0];
      if (pathname === '/doc.pdf') return void res.writeHead(200, { 'content-type': 'application/pdf' }).end(pdf);
      if (pathname === '/missing.pdf') return void res.writeHead(404).end();
      if (pathname === '/forbidden.pdf') return void res.writeHead(403).end();
      if (pathname === '/text.pdf') return void res.writeHead(200).end('not a pdf');
      if (pathname === '/laml') return void res.writeHead(200, { 'content-type': 'application/xml' }).end(state.laml);
      if (pathname === '/cb' && state.callbackFailures > 0) {
        state.callbackFailures -= 1;
        return void res.writeHead(500).end();
      }
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    state,
    received,
    callbacks: (pathname: string) => received.filter((r) => r.path.split('?')[0] === pathname),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Both oracles must accept a callback: the official SDK and the gateway's own verifier. */
function expectValidlySigned(r: Received, url: string, params: Record<string, string>): void {
  const sw = String(r.headers['x-signalwire-signature']);
  expect(r.headers['x-twilio-signature']).toBe(sw);
  expect(RestClient.validateRequest(KEY, sw, url, params)).toBe(true);
  expect(twilio.validateRequest(KEY, sw, url, params)).toBe(true);
  const ours = verifySignalWireSignature({
    headers: { signalwire: sw },
    url,
    contentType: String(r.headers['content-type'] ?? ''),
    rawBody: Buffer.from(r.body),
    signingKey: KEY,
  });
  expect(ours).toEqual({ ok: true, scheme: 'form' });
}

let pdf: Uint8Array;
let rx: Receiver;
let sw: SignalWireEmulator;

async function start(extra: { stepDelayMs?: number; retrySchedule?: number[]; protectMedia?: boolean } = {}): Promise<void> {
  sw = await startSignalWireEmulator({
    projectId: PROJECT,
    apiToken: TOKEN,
    signingKey: KEY,
    stepDelayMs: 5,
    retrySchedule: [20, 20, 20],
    ...extra,
  });
}

async function api(method: 'GET' | 'POST' | 'DELETE', path: string, form?: Record<string, string>, auth = AUTH) {
  const res = await request(`${sw.url}${path}`, {
    method,
    headers: { authorization: auth, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
  const text = await res.body.text();
  return { status: res.statusCode, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

const FAXES = `/api/laml/2010-04-01/Accounts/${PROJECT}/Faxes.json`;

function sendForm(to: string, extra: Record<string, string> = {}): Record<string, string> {
  return { To: to, From: FROM, MediaUrl: `${rx.url}/doc.pdf?token=t0k`, StatusCallback: `${rx.url}/cb?job_id=abc`, ...extra };
}

async function sendAndSettle(to: string, extra: Record<string, string> = {}): Promise<{ sid: string; cb: Received }> {
  const created = await api('POST', FAXES, sendForm(to, extra));
  expect(created.status).toBe(201);
  const sid = String(created.json?.sid);
  await sw.waitFor(() => rx.callbacks('/cb').some((r) => r.body.includes(sid) || r.path.includes(sid)), 2000);
  const cb = rx.callbacks('/cb').find((r) => r.body.includes(sid) || r.path.includes(sid));
  if (!cb) throw new Error('no callback');
  return { sid, cb };
}

const formOf = (body: string): Record<string, string> => Object.fromEntries(new URLSearchParams(body));

beforeEach(async () => {
  pdf = await makePdf(2);
  rx = await startReceiver(pdf);
});

afterEach(async () => {
  await sw?.close();
  await rx.close();
});

describe('SignalWire emulator: REST API', () => {
  it('requires Basic projectId:apiToken and answers 401 with the error shape', async () => {
    await start();
    for (const auth of ['', `Basic ${Buffer.from(`${PROJECT}:wrong`).toString('base64')}`]) {
      const r = await api('GET', FAXES, undefined, auth);
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ code: 20003, message: 'Authentication failed', more_info: expect.any(String), status: 401 });
    }
  });

  it('accepts the 4 path forms and returns the Fax resource of §3.3', async () => {
    await start();
    const paths = ['/api/laml/2010-04-01', '/2010-04-01'].flatMap((p) =>
      ['', '.json'].map((ext) => `${p}/Accounts/${PROJECT}/Faxes${ext}`),
    );
    for (const path of paths) {
      const r = await api('POST', path, { To: '+15550100000', From: FROM, MediaUrl: `${rx.url}/doc.pdf` });
      expect(r.status, path).toBe(201);
      expect(r.json).toMatchObject({
        account_sid: PROJECT,
        status: 'queued',
        num_pages: null,
        direction: 'outbound',
        to: '+15550100000',
        from: FROM,
        quality: 'fine',
        price: null,
        error_code: null,
      });
      expect(String(r.json?.sid)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
    await sw.waitFor(() => sw.faxes().every((f) => f.status === 'delivered'), 2000);
    const fetched = await api('GET', `/2010-04-01/Accounts/${PROJECT}/Faxes/${sw.faxes()[0]?.sid}`);
    expect(fetched.json).toMatchObject({ status: 'delivered', num_pages: '2' });
  });

  it.each(['To', 'From', 'MediaUrl'])('answers 422 {code,message,more_info,status} without %s', async (field) => {
    await start();
    const form = sendForm('+15550100000');
    delete form[field];
    const r = await api('POST', FAXES, form);
    expect(r.status).toBe(422);
    expect(Object.keys(r.json ?? {}).sort()).toEqual(['code', 'message', 'more_info', 'status']);
    expect(r.json?.status).toBe(422);
    expect(sw.faxes()).toHaveLength(0);
  });

  it('answers 404 for another account or an unknown sid', async () => {
    await start();
    expect((await api('GET', '/2010-04-01/Accounts/someone-else/Faxes.json')).status).toBe(404);
    expect((await api('GET', `/2010-04-01/Accounts/${PROJECT}/Faxes/00000000-0000-0000-0000-000000000000.json`)).json).toMatchObject({
      code: 20404,
      status: 404,
    });
  });

  it('lists faxes newest first, filtered by To', async () => {
    await start();
    await api('POST', FAXES, sendForm('+15550100000'));
    await api('POST', FAXES, sendForm(MAGIC_NUMBERS.busy));
    await api('POST', FAXES, sendForm('+15550100000'));
    const all = await api('GET', FAXES);
    expect((all.json?.faxes as unknown[]).length).toBe(3);
    const filtered = await api('GET', `${FAXES}?To=${encodeURIComponent('+15550100000')}&PageSize=1`);
    expect(filtered.json).toMatchObject({ page: 0, page_size: 1, faxes: [{ to: '+15550100000' }] });
    expect(filtered.json?.next_page_uri).toEqual(expect.stringContaining('Page=1'));
  });

  it('cancels only while queued, deletes only when not in flight', async () => {
    await start({ stepDelayMs: 150 });
    const a = await api('POST', FAXES, sendForm('+15550100000'));
    const item = `/api/laml/2010-04-01/Accounts/${PROJECT}/Faxes/${String(a.json?.sid)}`;
    const canceled = await api('POST', item, { Status: 'canceled' });
    expect(canceled).toMatchObject({ status: 200, json: { status: 'canceled' } });
    await sw.waitFor(() => rx.callbacks('/cb').length === 1, 2000);
    expect(formOf(rx.callbacks('/cb')[0]?.body ?? '').FaxStatus).toBe('canceled');

    const b = await api('POST', FAXES, sendForm('+15550100000'));
    const itemB = `${FAXES.replace('.json', '')}/${String(b.json?.sid)}.json`;
    await sw.waitFor(() => sw.faxes().some((f) => f.sid === b.json?.sid && f.status === 'sending'), 2000);
    expect((await api('POST', itemB, { Status: 'canceled' })).status).toBe(422);
    expect((await api('DELETE', itemB)).status).toBe(409);
    await sw.waitFor(() => sw.faxes().some((f) => f.sid === b.json?.sid && f.status === 'delivered'), 2000);
    expect((await api('DELETE', itemB)).status).toBe(204);
    expect((await api('GET', itemB)).status).toBe(404);
  });
});

describe('SignalWire emulator: outbound walk and StatusCallback', () => {
  it('fetches MediaUrl, walks queued → processing → sending → delivered, and signs the callback', async () => {
    await start();
    const { sid, cb } = await sendAndSettle('+15550100000');
    expect(rx.received.some((r) => r.path === '/doc.pdf?token=t0k' && r.method === 'GET')).toBe(true);
    expect(sw.faxes()[0]?.history).toEqual(['queued', 'processing', 'sending', 'delivered']);
    expect(cb.method).toBe('POST');
    expect(cb.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const params = formOf(cb.body);
    expect(params).toMatchObject({
      FaxSid: sid,
      FaxStatus: 'delivered',
      AccountSid: PROJECT,
      ApiVersion: 'v1',
      From: FROM,
      To: '+15550100000',
      NumPages: '2',
      ErrorCode: '',
      ErrorMessage: '',
      RemoteStationId: '+15550100000',
    });
    expectValidlySigned(cb, `${rx.url}/cb?job_id=abc`, params);
    // The callback's MediaUrl is the emulator's stored copy.
    const copy = await request(params.MediaUrl ?? '');
    expect(Buffer.from(await copy.body.arrayBuffer()).equals(Buffer.from(pdf))).toBe(true);
  });

  it.each([
    [MAGIC_NUMBERS.busy, 'busy', ''],
    [MAGIC_NUMBERS.noAnswer, 'no-answer', ''],
    [MAGIC_NUMBERS.notOperational, 'failed', '15005'],
  ])('magic number %s ends %s', async (to, status, code) => {
    await start();
    const { cb } = await sendAndSettle(to);
    expect(formOf(cb.body)).toMatchObject({ FaxStatus: status, ErrorCode: code });
  });

  it('…0117 is busy on the first attempt only', async () => {
    await start();
    expect(formOf((await sendAndSettle(MAGIC_NUMBERS.busyOnceThenSuccess)).cb.body).FaxStatus).toBe('busy');
    expect(formOf((await sendAndSettle(MAGIC_NUMBERS.busyOnceThenSuccess)).cb.body).FaxStatus).toBe('delivered');
    expect(sw.faxes().map((f) => f.attempt)).toEqual([1, 2]);
  });

  it.each([
    ['/missing.pdf', 15003],
    ['/forbidden.pdf', 15002],
    ['/text.pdf', 15004],
  ])('a MediaUrl answering %s fails the fax with ErrorCode %i', async (path, code) => {
    await start();
    const { cb } = await sendAndSettle('+15550100000', { MediaUrl: `${rx.url}${path}` });
    expect(formOf(cb.body)).toMatchObject({ FaxStatus: 'failed', ErrorCode: String(code), MediaUrl: '' });
    expect(sw.faxes()[0]?.history).toEqual(['queued', 'processing', 'failed']);
  });

  it('StatusCallbackMethod=GET puts the fields in the query and signs the full URL', async () => {
    await start();
    const { cb } = await sendAndSettle('+15550100000', { StatusCallbackMethod: 'GET' });
    expect(cb.method).toBe('GET');
    const fullUrl = `${rx.url}${cb.path}`;
    expect(new URL(fullUrl).searchParams.get('job_id')).toBe('abc');
    expect(new URL(fullUrl).searchParams.get('FaxStatus')).toBe('delivered');
    expectValidlySigned(cb, fullUrl, {});
  });

  it('retries a non-2xx callback on the compressed schedule', async () => {
    await start();
    rx.state.callbackFailures = 2;
    await sendAndSettle('+15550100000');
    await sw.waitFor(() => sw.callbacksSent().some((c) => c.status === 200), 2000);
    expect(sw.callbacksSent().map((c) => [c.attempt, c.status])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
  });
});

describe('SignalWire emulator: misbehaviours', () => {
  it('serverError: the next N API calls answer 5xx in the SignalWire error shape', async () => {
    await start();
    sw.misbehave({ kind: 'serverError', times: 2 });
    expect((await api('GET', FAXES)).json).toMatchObject({ status: 503, code: 20503 });
    expect((await api('GET', FAXES)).status).toBe(503);
    expect((await api('GET', FAXES)).status).toBe(200);
  });

  it('hang: the next call stalls, then is handled', async () => {
    await start();
    sw.misbehave({ kind: 'hang', times: 1, ms: 200 });
    const t0 = Date.now();
    expect((await api('POST', FAXES, sendForm('+15550100000'))).status).toBe(201);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
  });

  it('duplicateCallback and staleCallbackAfterTerminal send validly signed extras', async () => {
    await start();
    sw.misbehave({ kind: 'duplicateCallback', times: 1 });
    sw.misbehave({ kind: 'staleCallbackAfterTerminal', times: 1 });
    await sendAndSettle('+15550100000');
    await sw.waitFor(() => rx.callbacks('/cb').length === 3, 2000);
    const cbs = rx.callbacks('/cb');
    expect(cbs.map((c) => formOf(c.body).FaxStatus)).toEqual(['delivered', 'delivered', 'sending']);
    for (const cb of cbs) expectValidlySigned(cb, `${rx.url}/cb?job_id=abc`, formOf(cb.body));
    expect(sw.callbacksSent().map((c) => c.label)).toEqual(['original', 'duplicate', 'stale']);
  });

  it('badSignature: the tampered callback is refused by both oracles and sent once', async () => {
    await start();
    sw.misbehave({ kind: 'badSignature', times: 1 });
    const { cb } = await sendAndSettle('+15550100000');
    const sig = String(cb.headers['x-signalwire-signature']);
    const url = `${rx.url}/cb?job_id=abc`;
    expect(RestClient.validateRequest(KEY, sig, url, formOf(cb.body))).toBe(false);
    const ours = verifySignalWireSignature({
      headers: { signalwire: sig, twilio: String(cb.headers['x-twilio-signature']) },
      url,
      contentType: 'application/x-www-form-urlencoded',
      rawBody: Buffer.from(cb.body),
      signingKey: KEY,
    });
    expect(ours.ok).toBe(false);
    expect(sw.callbacksSent()).toHaveLength(1);
  });
});

describe('SignalWire emulator: inbound (§3.5)', () => {
  function lamlReceive(action: string): string {
    const r = new RestClient.LaML.FaxResponse();
    r.receive({ action, mediaType: 'application/pdf' });
    return r.toString();
  }

  it('posts the signed LaML request, follows <Receive action>, and serves protected media', async () => {
    await start({ protectMedia: true });
    const action = `${rx.url}/action?box=1&kind=fax`;
    rx.state.laml = lamlReceive(action); // the SDK escapes & as &amp;
    expect(rx.state.laml).toContain('&amp;');
    const result = await sw.sendInbound({ laMlUrl: `${rx.url}/laml`, from: '+15557654321', to: '+15551234567', pdf });
    expect(result).toEqual({ xml: rx.state.laml, actionStatus: 200 });

    const [laml] = rx.callbacks('/laml');
    if (!laml) throw new Error('no LaML request');
    const lamlParams = formOf(laml.body);
    expect(Object.keys(lamlParams).sort()).toEqual(['AccountSid', 'ApiVersion', 'FaxSid', 'From', 'To']);
    expectValidlySigned(laml, `${rx.url}/laml`, lamlParams);

    const [cb] = rx.callbacks('/action');
    if (!cb) throw new Error('no action callback');
    const params = formOf(cb.body);
    expect(params).toMatchObject({
      FaxStatus: 'received',
      NumPages: '2',
      From: '+15557654321',
      To: '+15551234567',
      RemoteStationId: '+15557654321',
    });
    expect(params.MediaSid).toMatch(/^[0-9a-f-]{36}$/);
    expectValidlySigned(cb, action, params);

    const mediaUrl = params.MediaUrl ?? '';
    expect((await request(mediaUrl)).statusCode).toBe(401);
    const got = await request(mediaUrl, { headers: { authorization: AUTH } });
    expect(got.statusCode).toBe(200);
    expect(Buffer.from(await got.body.arrayBuffer()).equals(Buffer.from(pdf))).toBe(true);
    expect(sw.faxes()[0]).toMatchObject({ direction: 'inbound', status: 'received', history: ['receiving', 'received'] });
  });

  it('<Reject/> cancels the call with no action callback', async () => {
    await start();
    const r = new RestClient.LaML.FaxResponse();
    r.reject();
    rx.state.laml = r.toString();
    expect(await sw.sendInbound({ laMlUrl: `${rx.url}/laml`, from: '+15557654321', to: '+15551234567', pdf })).toEqual({
      xml: rx.state.laml,
    });
    expect(sw.faxes()[0]?.status).toBe('canceled');
    expect(rx.callbacks('/action')).toHaveLength(0);
  });

  it('verbs are case-sensitive: <receive> fails the fax', async () => {
    await start();
    rx.state.laml = `<?xml version="1.0" encoding="UTF-8"?><Response><receive action="${rx.url}/action"/></Response>`;
    await sw.sendInbound({ laMlUrl: `${rx.url}/laml`, from: '+15557654321', to: '+15551234567', pdf });
    expect(sw.faxes()[0]?.status).toBe('failed');
    expect(rx.callbacks('/action')).toHaveLength(0);
  });

  it('fail: true reports FaxStatus=failed to the action URL, without media', async () => {
    await start();
    rx.state.laml = lamlReceive(`${rx.url}/action`);
    const result = await sw.sendInbound({ laMlUrl: `${rx.url}/laml`, from: '+15557654321', to: '+15551234567', pdf, fail: true });
    expect(result.actionStatus).toBe(200);
    const params = formOf(rx.callbacks('/action')[0]?.body ?? '');
    expect(params).toMatchObject({ FaxStatus: 'failed', ErrorCode: '15006', MediaUrl: '', NumPages: '0' });
  });
});
