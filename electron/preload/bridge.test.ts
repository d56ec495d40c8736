import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { FaxBridge, MethodName } from '../../shared/contract';
import { OPEN_FILES_CHANNEL, OPEN_FILES_READY_CHANNEL } from '../main/channels';
import { createFaxBridge, type IpcRendererLike } from './bridge';

class FakeIpcRenderer extends EventEmitter implements IpcRendererLike {
  invoked: { channel: string; args: unknown[] }[] = [];
  sentToMain: string[] = [];
  reply: unknown = { ok: true, value: 'pong' };
  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    if (this.reply instanceof Error) throw this.reply;
    return this.reply;
  }
  send(channel: string): void {
    this.sentToMain.push(channel);
  }
}

describe('window.fax bridge', () => {
  it('exposes exactly call, on and onOpenFiles', () => {
    const bridge: FaxBridge = createFaxBridge(new FakeIpcRenderer());
    expect(Object.keys(bridge).sort()).toEqual(['call', 'on', 'onOpenFiles']);
  });

  it('invokes the contract channel with one argument', async () => {
    const ipc = new FakeIpcRenderer();
    const result = await createFaxBridge(ipc).call('jobs:get', { id: 'j1' });
    expect(result).toEqual({ ok: true, value: 'pong' });
    expect(ipc.invoked).toEqual([{ channel: 'jobs:get', args: [{ id: 'j1' }] }]);
  });

  it('refuses names outside the contract without touching IPC', async () => {
    const ipc = new FakeIpcRenderer();
    const bridge = createFaxBridge(ipc);
    for (const name of ['app:openFilesReady', 'shell:openExternal', '__proto__', 'constructor']) {
      expect(await bridge.call(name as MethodName, {} as never)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    expect(ipc.invoked).toEqual([]);
    expect(() => bridge.on('app:openFiles' as 'job:updated', () => undefined)).toThrow(/Unknown event/);
  });

  it('turns a failed invoke into an envelope, not a rejection', async () => {
    const ipc = new FakeIpcRenderer();
    ipc.reply = new Error("No handler registered for 'jobs:get'");
    expect(await createFaxBridge(ipc).call('jobs:get', { id: 'x' })).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'The app is not answering' },
    });
  });

  it('delivers event payloads without the IPC event, and unsubscribes', () => {
    const ipc = new FakeIpcRenderer();
    const got: unknown[][] = [];
    const off = createFaxBridge(ipc).on('keys:changed', (...args) => got.push(args));
    ipc.emit('keys:changed', { sender: 'secret-internals' }, { keyId: 'k1' });
    off();
    ipc.emit('keys:changed', {}, { keyId: 'k2' });
    expect(got).toEqual([[{ keyId: 'k1' }]]);
    expect(ipc.listenerCount('keys:changed')).toBe(0);
  });

  it('announces readiness for opened files when the UI subscribes', () => {
    const ipc = new FakeIpcRenderer();
    const got: unknown[] = [];
    const off = createFaxBridge(ipc).onOpenFiles((files) => got.push(files));
    expect(ipc.sentToMain).toEqual([OPEN_FILES_READY_CHANNEL]);
    ipc.emit(OPEN_FILES_CHANNEL, {}, [{ name: 'a.pdf', contentBase64: 'QQ==' }]);
    off();
    expect(got).toEqual([[{ name: 'a.pdf', contentBase64: 'QQ==' }]]);
    expect(ipc.listenerCount(OPEN_FILES_CHANNEL)).toBe(0);
  });
});
