import { describe, expect, it } from 'vitest';
import { hostnameOf, isAllowedOrigin, isLocalCaller, isLoopbackAddress, isLoopbackHost } from './origin';

describe('isLoopbackHost (DNS rebinding guard)', () => {
  it.each([
    ['127.0.0.1:8080', true],
    ['localhost:8080', true],
    ['LOCALHOST', true],
    ['[::1]:8080', true],
    ['127.0.0.1', true],
    ['evil.com', false],
    ['127.0.0.1.evil.com:8080', false],
    ['localhost.evil.com', false],
    ['evil.com:8080@127.0.0.1', false],
    ['[::1]evil', false],
    ['[::1', false],
    ['', false],
    [undefined, false],
    ['127.0.0.1:8080/path', false],
    ['127.0.0.2:8080', false],
    ['0.0.0.0:8080', false],
    ['a'.repeat(400), false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  it('extracts the hostname without the port', () => {
    expect(hostnameOf('Example.COM:443')).toBe('example.com');
    expect(hostnameOf('[::1]:80')).toBe('[::1]');
  });
});

describe('isAllowedOrigin (cross-site form posts)', () => {
  it.each([
    [undefined, '127.0.0.1:8080', true],
    ['http://127.0.0.1:8080', '127.0.0.1:8080', true],
    ['http://localhost:8080', 'localhost:8080', true],
    ['http://127.0.0.1:8080', 'localhost:8080', false],
    ['https://evil.com', '127.0.0.1:8080', false],
    ['null', '127.0.0.1:8080', false],
    ['file://', '127.0.0.1:8080', false],
    ['http://127.0.0.1:8081', '127.0.0.1:8080', false],
    ['http://127.0.0.1:8080.evil.com', '127.0.0.1:8080', false],
    ['http://user:pw@127.0.0.1:8080', '127.0.0.1:8080', false],
    ['javascript:alert(1)', '127.0.0.1:8080', false],
    ['http://127.0.0.1:8080', undefined, false],
    ['', '127.0.0.1:8080', false],
  ])('origin %s to host %s → %s', (origin, host, expected) => {
    expect(isAllowedOrigin(origin, host)).toBe(expected);
  });
});

describe('isLocalCaller (dev mode without keys is for this computer only)', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1:8080', true],
    ['::1', 'localhost:8080', true],
    ['::ffff:127.0.0.1', '[::1]:8080', true],
    ['127.0.0.1', 'abc123.loca.lt', false],
    ['127.0.0.1', 'gw.example.com', false],
    ['192.168.1.20', '127.0.0.1:8080', false],
    ['10.0.0.5', 'localhost', false],
    ['::ffff:192.168.1.2', 'localhost', false],
    [undefined, 'localhost', false],
    ['127.0.0.1', undefined, false],
    ['127.0.0.1.evil', 'localhost', false],
  ])('peer %s, Host %s → %s', (peer, host, expected) => {
    expect(isLocalCaller(peer, host)).toBe(expected);
  });

  it('recognises the whole 127/8 range and nothing else as loopback', () => {
    expect(isLoopbackAddress('127.1.2.3')).toBe(true);
    expect(isLoopbackAddress('128.0.0.1')).toBe(false);
    expect(isLoopbackAddress('::2')).toBe(false);
  });
});
