import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings, type Settings } from '../../shared/settings';
import { createJsonSettingsStore } from './settings-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'faxbot-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('JSON settings store', () => {
  it('starts empty and persists what is written', () => {
    const store = createJsonSettingsStore(dir);
    expect(store.path).toBe(join(dir, 'settings.json'));
    expect(store.read()).toEqual({});
    const settings: Settings = { ...defaultSettings(), backend: 'phaxio', pageSize: 'a4' };
    store.write(settings);
    expect(createJsonSettingsStore(dir).read()).toEqual(settings);
  });

  it('never writes keys outside the schema (no secrets in the settings file)', () => {
    const store = createJsonSettingsStore(dir);
    const sneaky = { ...defaultSettings(), phaxio: { ...defaultSettings().phaxio, apiSecret: 'sk_live_x' }, apiKey: 'k' };
    store.write(sneaky as Settings);
    const raw = readFileSync(store.path, 'utf8');
    expect(raw).not.toContain('sk_live_x');
    expect(raw).not.toContain('apiKey');
  });

  it('refuses to write invalid settings', () => {
    const store = createJsonSettingsStore(dir);
    expect(() => store.write({ ...defaultSettings(), maxFileSizeMb: 0 })).toThrow();
  });

  it('returns a hand-edited file as-is for the settings service to validate', () => {
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ backend: 'nope' }));
    expect(createJsonSettingsStore(dir).read()).toEqual({ backend: 'nope' });
  });

  it("writes conf's format (tab-indented JSON) by replacing the file whole, leaving no temporary file", () => {
    const store = createJsonSettingsStore(dir);
    store.write({ ...defaultSettings(), backend: 'sinch' });
    store.write({ ...defaultSettings(), backend: 'phaxio' });
    const raw = readFileSync(store.path, 'utf8');
    expect(raw).toContain('\n\t"backend": "phaxio"');
    expect(readdirSync(dir)).toEqual(['settings.json']);
  });

  it('refuses a file that is not JSON with a sentence naming the file and the way out', () => {
    writeFileSync(join(dir, 'settings.json'), '{"backend": "phaxio",');
    expect(() => createJsonSettingsStore(dir).read()).toThrow(
      /settings\.json is not valid JSON .*move it away to start with default settings/,
    );
  });
});
