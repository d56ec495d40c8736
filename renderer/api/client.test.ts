// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { createHttpBridge, invoke, RpcError } from './client';

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

class FakeEventSource {
  listeners = new Map<string, (event: MessageEvent) => void>();
  constructor(readonly url: string) {}
  addEventListener(name: string, listener: (event: MessageEvent) => void) {
    this.listeners.set(name, listener);
  }
  fire(name: string, data: string) {
    this.listeners.get(name)?.(new MessageEvent(name, { data }));
  }
}

describe('createHttpBridge', () => {
  it('posts JSON to /rpc/<method> with the session cookie and returns the envelope', async () => {
    const fetchImpl = vi.fn(async () => jsonResponse(200, { ok: true, value: { ok: true, pages: 3, warnings: [], error: null } }));
    const bridge = createHttpBridge({ fetchImpl });
    const result = await bridge.call('jobs:preflight', { documents: [{ name: 'a.pdf', contentBase64: 'QQ==' }] });
    expect(result).toEqual({ ok: true, value: { ok: true, pages: 3, warnings: [], error: null } });
    expect(fetchImpl).toHaveBeenCalledWith('/rpc/jobs:preflight', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ documents: [{ name: 'a.pdf', contentBase64: 'QQ==' }] }),
    });
  });

  it('passes error envelopes through and reports 401 to the app', async () => {
    const onUnauthorized = vi.fn();
    const body = { ok: false, error: { code: 'unauthorized', message: 'Sign in first' } };
    const bridge = createHttpBridge({ fetchImpl: async () => jsonResponse(401, body), onUnauthorized });
    expect(await bridge.call('keys:list', {})).toEqual(body);
    expect(onUnauthorized).toHaveBeenCalledOnce();
    await expect(invoke(bridge, 'keys:list', {})).rejects.toBeInstanceOf(RpcError);
  });

  it('turns network failures and non-JSON answers into envelopes', async () => {
    const down = createHttpBridge({ fetchImpl: async () => Promise.reject(new TypeError('fetch failed')) });
    expect(await down.call('gateway:status', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    const html = createHttpBridge({ fetchImpl: async () => new Response('<html>', { status: 502 }) });
    expect(await html.call('gateway:status', {})).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('opens one /events stream and delivers parsed payloads per event name', () => {
    const sources: FakeEventSource[] = [];
    const bridge = createHttpBridge({
      createEventSource: (url) => {
        const source = new FakeEventSource(url);
        sources.push(source);
        return source as unknown as EventSource;
      },
    });
    const seen: string[] = [];
    const off = bridge.on('keys:changed', (p) => seen.push(p.keyId));
    bridge.on('settings:changed', () => undefined);
    expect(sources).toHaveLength(1);
    expect(sources[0]?.url).toBe('/events');
    sources[0]?.fire('keys:changed', JSON.stringify({ keyId: 'k1' }));
    sources[0]?.fire('keys:changed', 'not json');
    off();
    sources[0]?.fire('keys:changed', JSON.stringify({ keyId: 'k2' }));
    expect(seen).toEqual(['k1']);
  });
});
