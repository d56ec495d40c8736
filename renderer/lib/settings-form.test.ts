// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../shared/settings';
import { buildPatch, getPath } from './settings-form';

describe('settings form', () => {
  it('reads dotted paths', () => {
    expect(getPath(defaultSettings(), 'retry.maxAttempts')).toBe(5);
    expect(getPath(defaultSettings(), 'nope.deeper')).toBeUndefined();
  });

  it('sends only what changed, nested', () => {
    const patch = buildPatch(defaultSettings(), {
      'retry.maxAttempts': 3,
      'retry.busyDelaySeconds': 300,
      'ui.theme': 'dark',
      defaultRegion: 'US',
    });
    expect(patch).toEqual({ retry: { maxAttempts: 3 }, ui: { theme: 'dark' } });
  });
});
