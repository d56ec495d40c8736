import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AutoUpdaterLike } from './electron-api';
import { wireAutoUpdates } from './updater.main';

function fakeUpdater(fail = false) {
  const updater = {
    checks: 0,
    errorListener: null as ((error: Error) => void) | null,
    checkForUpdatesAndNotify: async () => {
      updater.checks += 1;
      if (fail) throw new Error('offline');
      return null;
    },
    on: (_event: 'error', listener: (error: Error) => void) => {
      updater.errorListener = listener;
      return updater;
    },
  };
  return updater satisfies AutoUpdaterLike;
}

afterEach(() => vi.useRealTimers());

describe('wireAutoUpdates', () => {
  it('does nothing (and never loads the updater) unpackaged or when disabled', () => {
    const load = vi.fn(() => fakeUpdater());
    wireAutoUpdates(load, { isPackaged: false, env: {}, warn: () => undefined })();
    wireAutoUpdates(load, { isPackaged: true, env: { FAXBOT_DISABLE_AUTO_UPDATE: '1' }, warn: () => undefined })();
    expect(load).not.toHaveBeenCalled();
  });

  it('checks at start and every six hours until stopped; failures only warn', async () => {
    vi.useFakeTimers();
    const updater = fakeUpdater(true);
    const warnings: string[] = [];
    const stop = wireAutoUpdates(() => updater, { isPackaged: true, env: {}, warn: (m) => warnings.push(m) });
    expect(updater.checks).toBe(1);
    await vi.advanceTimersByTimeAsync(6 * 60 * 60 * 1000);
    expect(updater.checks).toBe(2);
    stop();
    await vi.advanceTimersByTimeAsync(12 * 60 * 60 * 1000);
    expect(updater.checks).toBe(2);
    expect(warnings).toEqual(['[updater] Error', '[updater] Error']);
    updater.errorListener?.(new TypeError('x'));
    expect(warnings.at(-1)).toBe('[updater] TypeError');
  });
});
