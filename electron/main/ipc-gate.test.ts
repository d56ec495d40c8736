import { describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES, type MethodName, type RpcResult } from '../../shared/contract';
import { gatedCall } from './ipc-dispatch';
import { isTrustedSenderFrame, registerIpcGate } from './ipc-gate.main';
import { appFrame, FakeIpcMain } from './testing/fake-electron';

const ok = async (method: MethodName, input: unknown): Promise<RpcResult<unknown>> => ({ ok: true, value: { method, input } });

describe('gatedCall', () => {
  it('parses the input with the contract schema (defaults applied) before dispatch', async () => {
    const invoke = vi.fn(ok);
    const result = await gatedCall('jobs:list', [{}], true, invoke, () => undefined);
    expect(result).toEqual({ ok: true, value: { method: 'jobs:list', input: { limit: 50 } } });
    expect(invoke).toHaveBeenCalledOnce();
  });

  it('refuses untrusted senders without dispatching', async () => {
    const invoke = vi.fn(ok);
    const result = await gatedCall('settings:get', [{}], false, invoke, () => undefined);
    expect(result).toEqual({ ok: false, error: { code: 'forbidden', message: 'IPC sender is not the app window' } });
    expect(invoke).not.toHaveBeenCalled();
  });

  it.each([
    ['no argument', []],
    ['two arguments', [{}, {}]],
    ['a string', ['{}']],
    ['null', [null]],
    ['wrong types', [{ limit: 'lots' }]],
    ['out of range', [{ limit: 100000 }]],
    ['prototype pollution attempt', [JSON.parse('{"__proto__": {"polluted": true}, "limit": "x"}')]],
  ])('rejects %s as bad_request', async (_label, args) => {
    const invoke = vi.fn(ok);
    const result = await gatedCall('jobs:list', args, true, invoke, () => undefined);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('bad_request');
    expect(invoke).not.toHaveBeenCalled();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never echoes a secret back in a validation error', async () => {
    const secret = 'x'.repeat(5000);
    const result = await gatedCall('settings:setSecret', [{ name: 'phaxio.apiSecret', value: secret }], true, ok, () => undefined);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('xxxxxxxxxx');
  });

  it('turns a thrown error into internal, reporting it out of band', async () => {
    const onError = vi.fn();
    const result = await gatedCall(
      'gateway:status',
      [{}],
      true,
      async () => {
        throw new Error('db path /home/x leaked');
      },
      onError,
    );
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'Internal error' } });
    expect(onError).toHaveBeenCalledWith('gateway:status', expect.any(Error));
  });
});

describe('isTrustedSenderFrame', () => {
  it('trusts only the top-level app frame', () => {
    expect(isTrustedSenderFrame(appFrame())).toBe(true);
    expect(isTrustedSenderFrame(null)).toBe(false);
    expect(isTrustedSenderFrame({ url: 'app://faxbot/index.html', parent: appFrame() })).toBe(false);
    expect(isTrustedSenderFrame({ url: 'http://127.0.0.1:8080/inbound/1/pdf', parent: null })).toBe(false);
    expect(isTrustedSenderFrame({ url: 'https://evil.example/', parent: null })).toBe(false);
    expect(isTrustedSenderFrame({ url: 'file:///app/dist/index.html', parent: null })).toBe(false);
  });
});

describe('registerIpcGate', () => {
  it('registers exactly the contract methods, all gated', async () => {
    const ipcMain = new FakeIpcMain();
    const invoke = vi.fn(ok);
    registerIpcGate(ipcMain, invoke, isTrustedSenderFrame, () => undefined);
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...METHOD_NAMES].sort());

    expect(await ipcMain.invoke('numbers:check', appFrame(), { to: '+15551234567' })).toEqual({
      ok: true,
      value: { method: 'numbers:check', input: { to: '+15551234567' } },
    });
    const iframe = { url: 'app://faxbot/index.html', parent: appFrame() };
    expect(await ipcMain.invoke('numbers:check', iframe, { to: '1' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await ipcMain.invoke('numbers:check', appFrame(), { to: 5 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    await expect(ipcMain.invoke('shell:exec', appFrame(), {})).rejects.toThrow(/No handler/);
    expect(invoke).toHaveBeenCalledTimes(1);
  });
});
