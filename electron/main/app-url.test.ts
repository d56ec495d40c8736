import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, isAllowedExternalUrl, isAppUrl } from './app-url';

describe('isAppUrl', () => {
  it('accepts the UI origin', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl('app://faxbot')).toBe(true);
    expect(isAppUrl('app://faxbot/jobs?id=1#x')).toBe(true);
  });

  it.each([
    'app://evil/index.html',
    'app://faxbot.evil/index.html',
    'app://faxbot:1234/index.html',
    'app://user:pw@faxbot/index.html',
    'app://user@faxbot/',
    'https://faxbot/index.html',
    'file:///app/index.html',
    'app:faxbot',
    'app://fax\nbot/',
    'app://faxbot\\@evil/',
    ' app://faxbot/',
    'javascript:alert(1)',
    '',
    'a'.repeat(3000),
  ])('refuses %j', (url) => {
    expect(isAppUrl(url)).toBe(false);
  });

  it('refuses non-strings', () => {
    for (const value of [null, undefined, 42, {}, ['app://faxbot/']]) expect(isAppUrl(value)).toBe(false);
  });
});

describe('isAllowedExternalUrl', () => {
  it('allows https to listed hosts', () => {
    expect(isAllowedExternalUrl('https://console.phaxio.com/settings')).toBe(true);
    expect(isAllowedExternalUrl('https://github.com/DMontgomery40/Faxbot/issues')).toBe(true);
    expect(isAllowedExternalUrl('HTTPS://GitHub.com/x')).toBe(true);
  });

  it.each([
    ['plain http', 'http://github.com/'],
    ['look-alike subdomain', 'https://github.com.evil.example/'],
    ['suffix trick', 'https://evilgithub.com/'],
    ['unlisted subdomain', 'https://gist.github.com/'],
    ['trailing dot', 'https://github.com./'],
    ['credentials', 'https://user:pw@github.com/'],
    ['userinfo host confusion', 'https://github.com@evil.example/'],
    ['backslash confusion', 'https://evil.example\\@github.com/'],
    ['explicit port', 'https://github.com:8443/'],
    ['file', 'file:///etc/passwd'],
    ['javascript', 'javascript:alert(1)'],
    ['data', 'data:text/html,<script>alert(1)</script>'],
    ['custom scheme', 'ms-msdt:/id PCWDiagnostic'],
    ['smb', 'smb://github.com/share'],
    ['newline smuggling', 'https://git\nhub.com/'],
    ['tab smuggling', 'https://github.com/\t'],
    ['IDN homograph', 'https://gіthub.com/'],
    ['app origin', 'app://faxbot/index.html'],
    ['not a URL', 'github.com'],
    ['empty', ''],
  ])('refuses %s', (_label, url) => {
    expect(isAllowedExternalUrl(url)).toBe(false);
  });

  it('allows the gateway origin only when listed, exactly', () => {
    const origins = ['http://127.0.0.1:8080'];
    expect(isAllowedExternalUrl('http://127.0.0.1:8080/ui/login?code=abc', origins)).toBe(true);
    expect(isAllowedExternalUrl('http://127.0.0.1:8080/ui/login?code=abc')).toBe(false);
    expect(isAllowedExternalUrl('http://127.0.0.1:8081/', origins)).toBe(false);
    expect(isAllowedExternalUrl('http://localhost:8080/', origins)).toBe(false);
    expect(isAllowedExternalUrl('http://x@127.0.0.1:8080/', origins)).toBe(false);
    expect(isAllowedExternalUrl('ftp://127.0.0.1:8080/', ['ftp://127.0.0.1:8080'])).toBe(false);
  });
});
