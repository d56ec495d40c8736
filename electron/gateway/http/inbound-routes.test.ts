import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../testing/harness';

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.close();
  gw = null;
});

const admin = { 'x-api-key': 'bootstrap' };

async function simulateInbound(): Promise<string> {
  const result = await gw!.invoke('inbound:simulate', { from: '+15550100199' });
  if (!result.ok) throw new Error(result.error.message);
  return (result.value as { id: string }).id;
}

describe('Faxbot inbound routes', () => {
  it('lists and reads inbound faxes with scoped keys, in Faxbot field names (fr, not from)', async () => {
    gw = await startTestGateway({ env: { API_KEY: 'bootstrap', REQUIRE_API_KEY: 'true' } });
    const id = await simulateInbound();
    const key = (await gw.json('POST', '/admin/api-keys', { scopes: ['inbound:list', 'inbound:read'] }, admin)).body.token as string;
    const list = await gw.get('/inbound', { 'x-api-key': key });
    expect(list.status).toBe(200);
    expect(list.body[0]).toMatchObject({ id, fr: '+15550100199', status: 'received', backend: 'simulator', pages: 1 });
    expect((await gw.get(`/inbound/${id}`, { 'x-api-key': key })).body.id).toBe(id);
    const pdf = await gw.get(`/inbound/${id}/pdf`, { 'x-api-key': key });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const sendOnly = (await gw.json('POST', '/admin/api-keys', { scopes: ['fax:send'] }, admin)).body.token as string;
    expect((await gw.get('/inbound', { 'x-api-key': sendOnly })).status).toBe(403);
    expect((await gw.get(`/inbound/${id}/pdf`, { 'x-api-key': sendOnly })).status).toBe(403);
  });

  it('a document token works on its own even when keys are required (Faxbot answered 401)', async () => {
    gw = await startTestGateway({ env: { API_KEY: 'bootstrap', REQUIRE_API_KEY: 'true' } });
    const id = await simulateInbound();
    const link = await gw.invoke('inbound:documentLink', { id });
    if (!link.ok) throw new Error(link.error.message);
    const url = new URL((link.value as { url: string }).url);
    const ok = await gw.get(`${url.pathname}${url.search}`);
    expect(ok.status).toBe(200);
    expect((await gw.get(`${url.pathname}?token=wrong`)).status).toBe(403);
    expect((await gw.get(url.pathname)).status).toBe(403);
  });

  it('answers 404 "Inbound not enabled" when INBOUND_ENABLED=false', async () => {
    gw = await startTestGateway({ env: { INBOUND_ENABLED: 'false' } });
    const res = await gw.get('/inbound');
    expect(res.status).toBe(404);
    expect(res.body.detail).toBe('Inbound not enabled');
  });

  it('tracks unread state and archive for the inbox, and tells the window when one arrives', async () => {
    gw = await startTestGateway();
    const seen: string[] = [];
    gw.events.on('inbound:received', (fax) => seen.push(fax.id));
    const id = await simulateInbound();
    expect(seen).toEqual([id]);
    expect(await gw.invoke('inbound:list', {})).toMatchObject({ ok: true, value: { unread: 1, total: 1 } });
    await gw.invoke('inbound:markRead', { id, read: true });
    await gw.invoke('inbound:archive', { id, archived: true });
    expect(await gw.invoke('inbound:list', {})).toMatchObject({ ok: true, value: { unread: 0, total: 0 } });
    expect(await gw.invoke('inbound:list', { includeArchived: true })).toMatchObject({
      ok: true,
      value: { total: 1, items: [{ id, read: true, archived: true }] },
    });
  });
});
