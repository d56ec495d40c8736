import { describe, expect, it } from 'vitest';
import { addressScope, hostnameScope } from './public-url';

/** Hostnames as `new URL(...).hostname` gives them, so the same spellings an attacker might type. */
function hostOf(url: string): string {
  return new URL(url).hostname;
}

describe('public URL scope: loopback, private and link-local never count as reachable from outside', () => {
  const table: [string, string | null][] = [
    ['http://127.0.0.1:8080', 'loopback'],
    ['http://127.1', 'loopback'],
    ['http://2130706433', 'loopback'],
    ['http://0x7f.0.0.1', 'loopback'],
    ['http://017700000001', 'loopback'],
    ['http://[::1]', 'loopback'],
    ['http://[0:0:0:0:0:0:0:1]', 'loopback'],
    ['http://[::ffff:127.0.0.1]', 'loopback'],
    ['http://localhost', 'loopback'],
    ['http://LOCALHOST.', 'loopback'],
    ['http://fax.lt.localhost:3000', 'loopback'],
    ['http://0.0.0.0', 'unspecified'],
    ['http://[::]', 'unspecified'],
    ['http://10.1.2.3', 'private'],
    ['http://172.16.0.1', 'private'],
    ['http://172.31.255.255', 'private'],
    ['http://192.168.1.20', 'private'],
    ['http://100.64.0.1', 'private'],
    ['http://[fd12:3456::1]', 'private'],
    ['http://[::ffff:192.168.0.1]', 'private'],
    ['http://printer.local', 'private'],
    ['http://fax.home.arpa', 'private'],
    ['http://intranet', 'private'],
    ['http://169.254.169.254', 'link-local'],
    ['http://[fe80::1]', 'link-local'],
    ['http://224.0.0.1', 'reserved'],
    ['http://255.255.255.255', 'reserved'],
    ['http://192.0.2.10', 'reserved'],
    ['http://[2001:db8::1]', 'reserved'],
    ['https://8.8.8.8', 'public'],
    ['https://172.32.0.1', 'public'],
    ['https://[2606:4700::1111]', 'public'],
    ['https://fax.example.com', null],
    ['https://localhost.example.com', null],
  ];
  it.each(table)('%s is %s', (url, scope) => {
    expect(hostnameScope(hostOf(url))).toBe(scope);
  });

  it('classifies resolved addresses, including IPv4-mapped IPv6', () => {
    expect(addressScope('::ffff:10.0.0.1')).toBe('private');
    expect(addressScope('93.184.216.34')).toBe('public');
    expect(addressScope('fax.example.com')).toBeNull();
  });
});
