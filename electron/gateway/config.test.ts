import { describe, expect, it } from 'vitest';
import { ConfigError, processOptions, resolveSettings } from './config';

describe('configuration layering: defaults < settings file < Faxbot environment names', () => {
  it('starts in test mode on the embedded defaults', () => {
    const { settings, sources } = resolveSettings({}, {});
    expect(settings.backend).toBe('simulator');
    expect(settings.maxFileSizeMb).toBe(10);
    expect(settings.pdfTokenTtlMinutes).toBe(60);
    expect(settings.inboundRetentionDays).toBe(30);
    expect(sources.backend).toBe('default');
    expect(processOptions({})).toEqual({ port: 8080, host: '127.0.0.1', bootstrapApiKey: null, mcpAllowPrivateFileUrls: false });
    expect(processOptions({ MCP_FILE_URL_ALLOW_PRIVATE: 'yes' }).mcpAllowPrivateFileUrls).toBe(true);
  });

  it('file values override defaults and environment values override the file', () => {
    const { settings, sources } = resolveSettings(
      { maxFileSizeMb: 20, phaxio: { callbackUrl: 'https://file.example/cb' } },
      { MAX_FILE_SIZE_MB: '5', PHAXIO_CALLBACK_URL: 'https://env.example/cb', REQUIRE_API_KEY: 'YES' },
    );
    expect(settings.maxFileSizeMb).toBe(5);
    expect(settings.phaxio.callbackUrl).toBe('https://env.example/cb');
    expect(settings.requireApiKey).toBe(true);
    expect(sources.maxFileSizeMb).toBe('env');
    expect(sources['phaxio.callbackUrl']).toBe('env');
  });

  it('PHAXIO_STATUS_CALLBACK_URL wins over its alias PHAXIO_CALLBACK_URL, as in Faxbot', () => {
    const { settings } = resolveSettings(
      {},
      { PHAXIO_CALLBACK_URL: 'https://a.example/x', PHAXIO_STATUS_CALLBACK_URL: 'https://b.example/y' },
    );
    expect(settings.phaxio.callbackUrl).toBe('https://b.example/y');
  });

  it("FAX_DISABLED=true is Faxbot's test mode and selects the simulator", () => {
    expect(resolveSettings({}, { FAX_BACKEND: 'phaxio', FAX_DISABLED: 'true' }).settings.backend).toBe('simulator');
    expect(resolveSettings({}, { FAX_BACKEND: 'Phaxio' }).settings.backend).toBe('phaxio');
  });

  it('refuses bad environment values with a message naming the variable', () => {
    expect(() => resolveSettings({}, { FAX_BACKEND: 'documo' })).toThrow(ConfigError);
    expect(() => resolveSettings({}, { MAX_FILE_SIZE_MB: 'ten' })).toThrow(/MAX_FILE_SIZE_MB/);
    expect(() => resolveSettings({}, { PUBLIC_API_URL: 'not a url' })).toThrow(
      'PUBLIC_API_URL: Public address must be a web address starting with https:// (or http://).',
    );
    expect(() => processOptions({ PORT: '99999' })).toThrow(/PORT/);
  });

  it('a settings file with a bad value keeps the good ones', () => {
    const { settings } = resolveSettings({ maxFileSizeMb: 'lots', defaultRegion: 'GB' }, {});
    expect(settings.maxFileSizeMb).toBe(10);
    expect(settings.defaultRegion).toBe('GB');
  });
});
