import { describe, expect, it } from 'vitest';
import { checkFileUrl, isPrivateAddress } from './file-url';

describe('checkFileUrl: what an assistant may make the gateway download', () => {
  const refused: [string, RegExp][] = [
    ['file:///etc/passwd', /http/],
    ['ftp://example.com/a.pdf', /http/],
    ['gopher://example.com/', /http/],
    ['javascript:alert(1)', /http/],
    ['data:application/pdf;base64,JVBERi0=', /http/],
    ['not a url', /valid URL/],
    ['http://user:pass@example.com/a.pdf', /user name or password/],
    ['http://127.0.0.1/a.pdf', /private/],
    ['http://127.1/a.pdf', /private/],
    ['http://2130706433/a.pdf', /private/],
    ['http://0x7f000001/a.pdf', /private/],
    ['http://0177.0.0.1/a.pdf', /private/],
    ['http://0.0.0.0:8080/', /private/],
    ['http://10.1.2.3/', /private/],
    ['http://172.16.0.1/', /private/],
    ['http://192.168.1.10/scan.pdf', /private/],
    ['http://169.254.169.254/latest/meta-data/', /private/],
    ['http://100.64.0.1/', /private/],
    ['http://[::1]/', /private/],
    ['http://[::]/', /private/],
    ['http://[::ffff:127.0.0.1]/', /private/],
    ['http://[::ffff:a9fe:a9fe]/', /private/],
    ['http://[fe80::1]/', /private/],
    ['http://[fd00::1]/', /private/],
    ['http://[64:ff9b::7f00:1]/', /private/],
    ['http://localhost:8080/fax', /local network name/],
    ['http://LOCALHOST./', /local network name/],
    ['http://api.localhost/', /local network name/],
    ['http://printer.local/scan.pdf', /local network name/],
    ['http://metadata.google.internal/', /local network name/],
    ['http://intranet/doc.pdf', /local network name/],
  ];
  it.each(refused)('refuses %s', (url, reason) => {
    const verdict = checkFileUrl(url, false);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toMatch(reason);
  });

  it.each([
    'https://example.com/letter.pdf',
    'http://93.184.216.34/a.txt',
    'https://[2606:4700::1111]/a.pdf',
    'https://docs.example.org:8443/x?y=1',
  ])('accepts %s', (url) => {
    expect(checkFileUrl(url, false).ok).toBe(true);
  });

  it('lets the owner allow private targets, but still only http(s) without credentials', () => {
    expect(checkFileUrl('http://192.168.1.10/scan.pdf', true).ok).toBe(true);
    expect(checkFileUrl('http://localhost:8080/a.pdf', true).ok).toBe(true);
    expect(checkFileUrl('file:///etc/passwd', true).ok).toBe(false);
    expect(checkFileUrl('http://a:b@192.168.1.10/', true).ok).toBe(false);
  });

  it('classifies resolved addresses (what the connect-time check sees)', () => {
    for (const address of ['127.0.0.1', '::1', '10.0.0.1', '::ffff:192.168.0.1', 'fe80::1', '224.0.0.1', 'garbage']) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ['8.8.8.8', '2606:4700::1111', '93.184.216.34']) expect(isPrivateAddress(address), address).toBe(false);
  });
});
