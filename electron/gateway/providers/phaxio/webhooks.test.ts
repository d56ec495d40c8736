import { createHmac } from 'node:crypto';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { MAGIC_NUMBERS, type DeliveredCallback } from '../../../../e2e/emulators/common';
import { makePdf, startReceiver, type Receiver } from '../../../../e2e/emulators/test-receiver';
import { SECRET, payloadOf, postWebhook, sign, startPhaxioRig, type Fields, type PhaxioRig } from './test-fixture';

let rig: PhaxioRig | null = null;
let receiver: Receiver | null = null;
afterEach(async () => {
  const emu = rig?.emu;
  await rig?.close();
  await receiver?.close();
  rig = null;
  receiver = null;
  expect(emu?.errors() ?? []).toEqual([]);
});

async function state(r: PhaxioRig, id: string): Promise<string> {
  return (await r.gw.get(`/fax/${id}`)).body.state as string;
}

/**
 * A job Phaxio has finished whose completion callback was rejected (the emulator signed it with a
 * wrong token): the job is still `sending` and polling is 60 s away, so only a callback moves it.
 */
async function jobAwaitingCallback(r: PhaxioRig, to: string = MAGIC_NUMBERS.success): Promise<{ id: string; cb: DeliveredCallback }> {
  r.emu.misbehave({ kind: 'badSignature', times: 1 });
  const id = await r.send(to);
  let cb: DeliveredCallback | undefined;
  await r.emu.waitFor(() => {
    const faxId = r.faxesFor(id)[0]?.fax.id;
    cb = r.emu.callbacksSent().find((c) => c.payload.faxId === String(faxId) && c.status !== null);
    return cb !== undefined;
  }, 5000);
  expect(cb!).toMatchObject({ label: 'badSignature', status: 401 });
  expect(await state(r, id)).toBe('sending');
  return { id, cb: cb! };
}

function withFax(fields: Fields, edit: (fax: Record<string, unknown>) => void): Fields {
  return fields.map(([name, value]) => {
    if (name !== 'fax') return [name, value];
    const fax = JSON.parse(value) as Record<string, unknown>;
    edit(fax);
    return [name, JSON.stringify(fax)];
  });
}

describe('Phaxio status callbacks', () => {
  it('a forged callback (wrong signature) gets 401 and leaves the job alone', async () => {
    rig = await startPhaxioRig({ publicUrl: true });
    const { cb } = await jobAwaitingCallback(rig);
    expect(rig.emu.callbacksSent().filter((c) => c.url === cb.url)).toHaveLength(1); // not retried
    const [rejected] = await rig.audit('provider_callback_rejected');
    expect(rejected).toMatchObject({ backend: 'phaxio', path: '/phaxio-callback', reason: 'signature_mismatch' });
    expect(await rig.audit('provider_callback')).toEqual([]);
  });

  it('a tampered body or a missing signature gets 401; the genuine body then applies', async () => {
    rig = await startPhaxioRig({ publicUrl: true });
    const { id, cb } = await jobAwaitingCallback(rig);
    const { fields } = payloadOf(cb);
    const signature = sign(cb.url, fields);
    const tampered = withFax(fields, (fax) => {
      fax.status = 'failure';
      fax.error_type = 'lineError';
      fax.error_id = 34;
    });
    const bad = await postWebhook(cb.url, tampered, [], { 'x-phaxio-signature': signature });
    expect(bad).toEqual({ status: 401, body: { detail: 'Invalid Phaxio signature' } });
    expect((await postWebhook(cb.url, fields, [], {})).status).toBe(401);
    // Same body, signed for another job's URL: the URL is part of what is signed.
    expect((await postWebhook(cb.url.replace(/job_id=\w+/, 'job_id=other'), fields, [], { 'x-phaxio-signature': signature })).status).toBe(
      401,
    );
    expect(await state(rig, id)).toBe('sending');
    const good = await postWebhook(cb.url, fields, [], { 'x-phaxio-signature': signature });
    expect(good).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await rig.gw.waitForJob(id, ['delivered'], 2000)).toMatchObject({ state: 'delivered', pages: 1 });
    const [entry] = await rig.audit('provider_callback');
    expect(entry).toMatchObject({ job_id: id, scheme: 'phaxio-official', reason: 'applied' });
  });

  it('a duplicate callback is a no-op: one Delivered line', async () => {
    rig = await startPhaxioRig({ publicUrl: true });
    rig.emu.misbehave({ kind: 'duplicateCallback', times: 1 });
    const id = await rig.send(MAGIC_NUMBERS.success);
    await rig.gw.waitForJob(id, ['delivered'], 5000);
    await rig.emu.waitFor(() => rig!.emu.callbacksSent().filter((c) => c.status !== null).length === 2, 2000);
    expect(rig.emu.callbacksSent().map((c) => [c.label, c.status])).toEqual([
      ['original', 200],
      ['duplicate', 200],
    ]);
    expect((await rig.timeline(id)).filter((l) => l.startsWith('Delivered'))).toHaveLength(1);
    expect((await rig.audit('provider_callback')).map((e) => e.reason)).toEqual(['noop', 'applied']);
  });

  it('a stale in-progress callback after delivery leaves the job delivered', async () => {
    rig = await startPhaxioRig({ publicUrl: true });
    rig.emu.misbehave({ kind: 'staleCallbackAfterTerminal', times: 1 });
    const id = await rig.send(MAGIC_NUMBERS.success);
    await rig.gw.waitForJob(id, ['delivered'], 5000);
    await rig.emu.waitFor(() => rig!.emu.callbacksSent().some((c) => c.label === 'stale' && c.status !== null), 2000);
    expect(rig.emu.callbacksSent().find((c) => c.label === 'stale')!.status).toBe(200);
    expect(await rig.gw.get(`/fax/${id}`)).toMatchObject({ body: { state: 'delivered', status: 'SUCCESS' } });
    expect((await rig.gw.core.jobs.row(id)).provider_status).toBe('success');
  });

  it("a callback naming one job with another job's fax is ignored", async () => {
    rig = await startPhaxioRig({ publicUrl: true });
    const victim = await jobAwaitingCallback(rig);
    const other = await rig.send(MAGIC_NUMBERS.success);
    await rig.gw.waitForJob(other, ['delivered'], 5000);
    const otherCb = rig.emu.callbacksSent().find((c) => c.url.endsWith(`job_id=${other}`))!;
    // Genuinely signed by Phaxio's token, but the fax is not the victim's.
    const failing = withFax(payloadOf(otherCb).fields, (fax) => {
      fax.status = 'failure';
      fax.error_type = 'lineError';
      fax.error_id = 34;
    });
    const res = await postWebhook(victim.cb.url, failing, [], { 'x-phaxio-signature': sign(victim.cb.url, failing) });
    expect(res).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await state(rig, victim.id)).toBe('sending');
    const [ignored] = await rig.audit('provider_callback_ignored');
    expect(ignored).toMatchObject({ job_id: victim.id, reason: 'provider_id_mismatch' });
  });

  it("Faxbot's scheme (flat fax[...] form, HMAC-SHA256 of the body with the API secret) is accepted and logged", async () => {
    rig = await startPhaxioRig({ publicUrl: true });
    const { id, cb } = await jobAwaitingCallback(rig);
    const faxId = (await rig.gw.core.jobs.row(id)).provider_id!;
    const body = new URLSearchParams({ 'fax[id]': faxId, 'fax[status]': 'success', 'fax[num_pages]': '1' }).toString();
    const signature = createHmac('sha256', SECRET).update(body).digest('hex');
    const res = await request(cb.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-phaxio-signature': signature },
      body,
    });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ status: 'ok' });
    expect(await state(rig, id)).toBe('delivered');
    const [entry] = await rig.audit('provider_callback');
    expect(entry).toMatchObject({ job_id: id, scheme: 'faxbot-hmac-sha256', reason: 'applied' });
  });

  it('with PHAXIO_VERIFY_SIGNATURE=false an unsigned callback is applied', async () => {
    rig = await startPhaxioRig({ publicUrl: true, env: { PHAXIO_VERIFY_SIGNATURE: 'false' } });
    rig.emu.misbehave({ kind: 'badSignature', times: 1 });
    const id = await rig.send(MAGIC_NUMBERS.success);
    await rig.gw.waitForJob(id, ['delivered'], 5000);
    const [entry] = await rig.audit('provider_callback');
    expect(entry).toMatchObject({ job_id: id, scheme: 'unverified' });
  });

  it('Faxbot’s own callback test: fax[id]=phaxio_123 for an unknown job is acknowledged (200), not a 400', async () => {
    rig = await startPhaxioRig({ publicUrl: true, env: { PHAXIO_VERIFY_SIGNATURE: 'false' } });
    const url = `${rig.gw.url}/phaxio-callback?job_id=test_job_123`;
    const fields: Fields = [
      ['fax[id]', 'phaxio_123'],
      ['fax[status]', 'success'],
      ['fax[num_pages]', '2'],
      ['fax[to]', '+15551234567'],
    ];
    expect(await postWebhook(url, fields, [], {})).toEqual({ status: 200, body: { status: 'ok' } });
    const [ignored] = await rig.audit('provider_callback_ignored');
    expect(ignored).toMatchObject({ backend: 'phaxio', provider_id: 'phaxio_123', reason: 'unknown_job' });
  });

  it('hostile bodies get 4xx, never 5xx', async () => {
    rig = await startPhaxioRig({ publicUrl: true });
    const url = `${rig.gw.url}/phaxio-callback?job_id=x`;
    const post = async (body: string | Buffer, type: string) =>
      (await request(url, { method: 'POST', headers: { 'content-type': type }, body })).statusCode;
    expect(await post('--nope\r\ngarbage', 'multipart/form-data; boundary=zzz')).toBe(400);
    expect(await post('whatever', 'multipart/form-data')).toBe(400);
    expect(await post('{"fax":{}}', 'application/json')).toBe(415);
    expect(await post(Buffer.alloc(2 * 1024 * 1024, 'a'), 'application/x-www-form-urlencoded')).toBe(413);
    // Signed, but no fax object in it.
    const fields: Fields = [
      ['event_type', 'fax_completed'],
      ['fax', 'not json'],
    ];
    expect((await postWebhook(url, fields, [], { 'x-phaxio-signature': sign(url, fields) })).status).toBe(400);
  });
});

describe('Phaxio inbound webhook', () => {
  const admin = { 'x-api-key': 'bootstrap_admin_only' };
  const authEnv = { API_KEY: 'bootstrap_admin_only', REQUIRE_API_KEY: 'true' };
  const FROM = '+15550100199';
  const TO = '+15550100200';

  it('stores the inline PDF once, readable with an inbound:read key and with a document-link token', async () => {
    rig = await startPhaxioRig({ publicUrl: true, env: authEnv });
    const pdf = await makePdf(2);
    const url = `${rig.gw.url}/phaxio-inbound`;
    const sent = await rig.emu.sendInbound({ from: FROM, to: TO, pdf, url });
    expect(sent.status).toBe(200);
    const page = rig.gw.core.inbound.list({ limit: 10 });
    expect(page.items).toHaveLength(1);
    const fax = page.items[0]!;
    expect(fax).toMatchObject({
      backend: 'phaxio',
      providerId: String(sent.id),
      from: FROM,
      to: TO,
      pages: 2,
      sizeBytes: pdf.length,
      read: false,
    });

    const created = await rig.gw.json('POST', '/admin/api-keys', { name: 'inbox', owner: 'tester', scopes: ['inbound:read'] }, admin);
    const key = created.body.token as string;
    const withKey = await rig.gw.get(`/inbound/${fax.id}/pdf`, { 'x-api-key': key });
    expect(withKey.status).toBe(200);
    expect(Buffer.compare(withKey.bytes, Buffer.from(pdf))).toBe(0);
    expect((await rig.gw.get(`/inbound/${fax.id}/pdf`)).status).toBe(403);
    const link = await rig.gw.invoke('inbound:documentLink', { id: fax.id });
    if (!link.ok) throw new Error(link.error.message);
    const linkUrl = (link.value as { url: string }).url;
    expect(linkUrl.startsWith(`${rig.gw.url}/inbound/${fax.id}/pdf?token=`)).toBe(true);
    const withToken = await rig.gw.get(linkUrl.slice(rig.gw.url.length));
    expect(withToken.status).toBe(200);
    expect(Buffer.compare(withToken.bytes, Buffer.from(pdf))).toBe(0);

    // Phaxio retrying the same webhook stores nothing twice.
    const { fields, files } = payloadOf(rig.emu.callbacksSent().at(-1)!);
    const replay = await postWebhook(url, fields, files, { 'x-phaxio-signature': sign(url, fields, files) });
    expect(replay).toEqual({ status: 200, body: { status: 'ok' } });
    expect(rig.gw.core.inbound.list({ limit: 10 }).total).toBe(1);
    expect((await rig.audit('provider_inbound')).map((e) => [e.reason, e.scheme])).toEqual([
      ['duplicate', 'phaxio-official'],
      ['stored', 'phaxio-official'],
    ]);
    // Audit carries masked numbers only.
    expect(JSON.stringify(await rig.gw.core.audit.recent(500))).not.toContain(FROM.slice(1));
  });

  it('without a file part the PDF comes from Phaxio’s own API, never from a URL in the body', async () => {
    rig = await startPhaxioRig({ publicUrl: true });
    receiver = await startReceiver();
    const pdf = await makePdf(1);
    // Let the emulator record a received fax without delivering it to us.
    const { id } = await rig.emu.sendInbound({ from: FROM, to: TO, pdf, url: `${rig.gw.url}/not-here` });
    const { fields } = payloadOf(rig.emu.callbacksSent().find((c) => c.payload.faxId === String(id))!);
    const url = `${rig.gw.url}/phaxio-inbound`;
    const hostile: Fields = [...fields, ['file_url', `${receiver.origin}/steal-credentials`]];
    const res = await postWebhook(url, hostile, [], { 'x-phaxio-signature': sign(url, hostile) });
    expect(res).toEqual({ status: 200, body: { status: 'ok' } });
    expect(receiver.requests).toEqual([]);
    const stored = rig.gw.core.inbound.list({ limit: 10 }).items[0]!;
    expect(stored.providerId).toBe(String(id));
    expect(Buffer.compare(Buffer.from(await rig.gw.core.inbound.document(stored.id)), Buffer.from(pdf))).toBe(0);
  });

  it('accepts Faxbot’s documented JSON shape, signed the same way, with its from/to', async () => {
    rig = await startPhaxioRig({ publicUrl: true });
    const pdf = await makePdf(2);
    // The emulator records a received fax (so its document can be fetched by id) without delivering it.
    const { id } = await rig.emu.sendInbound({ from: FROM, to: TO, pdf, url: `${rig.gw.url}/not-here` });
    const url = `${rig.gw.url}/phaxio-inbound`;
    const fax = { id, from: FROM, to: TO, num_pages: 2, status: 'success', file_url: 'http://127.0.0.1:9/never-fetched' };
    const body = JSON.stringify({ fax });
    const post = (signature: string) =>
      request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-phaxio-signature': signature }, body });
    // Signed like the multipart field it mirrors: url + "fax" + the fax object's JSON text.
    expect((await post(sign(url, [['fax', 'tampered']]))).statusCode).toBe(401);
    const res = await post(sign(url, [['fax', JSON.stringify(fax)]]));
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ status: 'ok' });
    const stored = rig.gw.core.inbound.list({ limit: 10 }).items[0]!;
    expect(stored).toMatchObject({ backend: 'phaxio', providerId: String(id), from: FROM, to: TO, pages: 2 });
    // Faxbot's HMAC-SHA256-of-body scheme (keyed by the API secret) is accepted for JSON too.
    const again = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-phaxio-signature-sha256': createHmac('sha256', SECRET).update(body).digest('hex') },
      body,
    });
    expect(again.statusCode).toBe(200);
    expect(rig.gw.core.inbound.list({ limit: 10 }).total).toBe(1);
  });

  it('stores from/to sent as Faxbot’s flat form fields instead of "unknown"', async () => {
    rig = await startPhaxioRig({ publicUrl: true });
    const url = `${rig.gw.url}/phaxio-inbound`;
    const fields: Fields = [
      ['fax[id]', '77'],
      ['fax[from]', FROM],
      ['fax[to]', TO],
      ['fax[num_pages]', '1'],
    ];
    const files = [{ name: 'file', filename: 'fax.pdf', data: await makePdf(1) }];
    expect((await postWebhook(url, fields, files, { 'x-phaxio-signature': sign(url, fields, files) })).status).toBe(200);
    expect(rig.gw.core.inbound.list({ limit: 10 }).items[0]).toMatchObject({ providerId: '77', from: FROM, to: TO });
  });

  it('a bad signature gets 401 and stores nothing', async () => {
    rig = await startPhaxioRig({ publicUrl: true });
    rig.emu.misbehave({ kind: 'badSignature', times: 1 });
    const sent = await rig.emu.sendInbound({ from: FROM, to: TO, pdf: await makePdf(1), url: `${rig.gw.url}/phaxio-inbound` });
    expect(sent.status).toBe(401);
    expect(rig.gw.core.inbound.list({ limit: 10 }).total).toBe(0);
  });

  it('answers 404 "Inbound not enabled" when inbound is off', async () => {
    rig = await startPhaxioRig({ publicUrl: true, env: { INBOUND_ENABLED: 'false' } });
    const url = `${rig.gw.url}/phaxio-inbound`;
    const fields: Fields = [['fax', '{"id":1,"direction":"received"}']];
    const res = await postWebhook(url, fields, [], { 'x-phaxio-signature': sign(url, fields) });
    expect(res).toEqual({ status: 404, body: { detail: 'Inbound not enabled' } });
  });

  it('bounds the inbound body by MAX_FILE_SIZE_MB × 2 and refuses non-PDF documents', async () => {
    rig = await startPhaxioRig({ publicUrl: true, env: { MAX_FILE_SIZE_MB: '1' } });
    const url = `${rig.gw.url}/phaxio-inbound`;
    const fields: Fields = [['fax', '{"id":7,"direction":"received","from_number":"+15550100199"}']];
    const huge = [{ name: 'file', filename: 'fax.pdf', data: Buffer.alloc(4 * 1024 * 1024, 'a') }];
    expect((await postWebhook(url, fields, huge, { 'x-phaxio-signature': sign(url, fields, huge) })).status).toBe(413);
    const notPdf = [{ name: 'file', filename: 'fax.pdf', data: Buffer.from('MZ not a pdf') }];
    expect((await postWebhook(url, fields, notPdf, { 'x-phaxio-signature': sign(url, fields, notPdf) })).status).toBe(400);
    expect(rig.gw.core.inbound.list({ limit: 10 }).total).toBe(0);
  });
});
