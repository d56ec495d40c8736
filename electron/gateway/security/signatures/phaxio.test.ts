import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { phaxioOfficialSignature, verifyPhaxioSignature, type PhaxioVerifyInput } from './index';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
// Property runs share the machine with other suites; the default 5 s is too tight under load.
const PROPERTY_TIMEOUT_MS = 60_000;

// providers.md §7, vectors 1-3.
const FAX_JSON =
  '{"id":123456,"direction":"sent","num_pages":2,"status":"success","is_test":true,"recipients":[{"phone_number":"+15551234567","status":"success"}]}';
const PDF = enc('%PDF-1.4\n%fake\n%%EOF\n');
const CB_URL = 'https://gw.example.com/phaxio/callback?job_id=abc';
const CB_PARAMS = { direction: 'sent', event_type: 'fax_completed', fax: FAX_JSON, is_test: 'true', success: 'true' };
const CB_SIG = 'e80852ad973731c62b65c43552e55b29c332a24a';

describe('phaxioOfficialSignature (providers.md §7)', () => {
  it('vector 1: phaxio-ruby spec', () => {
    expect(phaxioOfficialSignature('test-webhook-token', 'example.com', { test: 'true' }, [])).toBe(
      '64a735ef0c47a0ae671e381c046648f0966deb29',
    );
  });

  it('vector 2: fax_completed callback with a query string in the URL', () => {
    expect(phaxioOfficialSignature('cbtoken123', CB_URL, CB_PARAMS, [])).toBe(CB_SIG);
  });

  it('vector 3: inbound with a file part, given as bytes or as its SHA-1', () => {
    const params = { direction: 'received', fax: FAX_JSON, is_test: 'false' };
    const url = 'https://gw.example.com/phaxio/inbound';
    const expected = '0fe657b009e3002df57750fb5bc44363709dcd5b';
    expect(createHash('sha1').update(PDF).digest('hex')).toBe('c67d963a4d1ea2363a109e0a06f2bb13f0b6df5d');
    expect(phaxioOfficialSignature('cbtoken123', url, params, [{ name: 'file', bytes: PDF }])).toBe(expected);
    expect(
      phaxioOfficialSignature('cbtoken123', url, params, [{ name: 'file', sha1Hex: 'C67D963A4D1EA2363A109E0A06F2BB13F0B6DF5D' }]),
    ).toBe(expected);
  });

  it('sorts params and file parts by name regardless of insertion order', () => {
    const reversed = Object.fromEntries(Object.entries(CB_PARAMS).reverse());
    expect(phaxioOfficialSignature('cbtoken123', CB_URL, reversed, [])).toBe(CB_SIG);
    const files = [
      { name: 'b', bytes: enc('2') },
      { name: 'a', bytes: enc('1') },
    ];
    expect(phaxioOfficialSignature('t', 'u', {}, files)).toBe(phaxioOfficialSignature('t', 'u', {}, [...files].reverse()));
  });
});

const base: PhaxioVerifyInput = {
  header: CB_SIG,
  url: CB_URL,
  params: CB_PARAMS,
  files: [],
  rawBody: enc('ignored by the official scheme'),
  callbackToken: 'cbtoken123',
};

const faxbotSig = (secret: string, body: Uint8Array): string => createHmac('sha256', secret).update(body).digest('hex');

describe('verifyPhaxioSignature', () => {
  it('accepts the official scheme and says so', () => {
    expect(verifyPhaxioSignature(base)).toEqual({ ok: true, scheme: 'phaxio-official' });
    expect(verifyPhaxioSignature({ ...base, header: `  ${CB_SIG.toUpperCase()}\n` }).ok).toBe(true);
  });

  it("accepts Faxbot's hex HMAC-SHA256 of the raw body keyed with the API secret (case-insensitive, trimmed)", () => {
    const rawBody = enc('fax%5Bid%5D=1&fax%5Bstatus%5D=success');
    const sig = faxbotSig('apisecret', rawBody);
    const input = { ...base, callbackToken: undefined, apiSecret: 'apisecret', rawBody };
    expect(verifyPhaxioSignature({ ...input, header: sig })).toEqual({ ok: true, scheme: 'faxbot-hmac-sha256' });
    expect(verifyPhaxioSignature({ ...input, header: ` ${sig.toUpperCase()} ` }).ok).toBe(true);
    // Both keys configured: either scheme passes.
    expect(verifyPhaxioSignature({ ...base, apiSecret: 'apisecret', rawBody, header: sig }).ok).toBe(true);
    expect(verifyPhaxioSignature({ ...base, apiSecret: 'apisecret', rawBody }).ok).toBe(true);
  });

  it("does not accept the official signature keyed with the API secret, nor Faxbot's keyed with the token", () => {
    expect(verifyPhaxioSignature({ ...base, callbackToken: undefined, apiSecret: 'cbtoken123' }).ok).toBe(false);
    expect(verifyPhaxioSignature({ ...base, header: faxbotSig('cbtoken123', base.rawBody) }).ok).toBe(false);
  });

  it('accepts a URL with user:pass@ signed either with or without the credentials', () => {
    const withCreds = 'https://user:pa55@gw.example.com/phaxio/callback?job_id=abc';
    const signedWith = phaxioOfficialSignature('cbtoken123', withCreds, CB_PARAMS, []);
    expect(verifyPhaxioSignature({ ...base, url: withCreds, header: signedWith }).ok).toBe(true);
    expect(verifyPhaxioSignature({ ...base, url: withCreds, header: CB_SIG }).ok).toBe(true);
    // The reverse is not offered: a configured URL without credentials never gains some.
    expect(verifyPhaxioSignature({ ...base, header: signedWith }).ok).toBe(false);
  });

  it('verifies file parts', () => {
    const files = [{ name: 'file', bytes: PDF }];
    const header = phaxioOfficialSignature('cbtoken123', CB_URL, CB_PARAMS, files);
    expect(verifyPhaxioSignature({ ...base, files, header }).ok).toBe(true);
    expect(verifyPhaxioSignature({ ...base, files: [{ name: 'file', bytes: enc('%PDF-1.4\n%fakE\n%%EOF\n') }], header }).ok).toBe(false);
    expect(verifyPhaxioSignature({ ...base, files: [], header }).ok).toBe(false);
  });

  it('fails closed when no key is configured', () => {
    const r = verifyPhaxioSignature({ ...base, callbackToken: undefined });
    expect(r.ok).toBe(false);
    expect(verifyPhaxioSignature({ ...base, callbackToken: '', apiSecret: '' }).ok).toBe(false);
  });

  const flip = (s: string, i: number): string => s.slice(0, i) + (s[i] === '0' ? '1' : '0') + s.slice(i + 1);
  const hostile: [string, Partial<PhaxioVerifyInput>][] = [
    ['missing header', { header: undefined }],
    ['empty header', { header: '' }],
    ['whitespace header', { header: '   ' }],
    ['truncated', { header: CB_SIG.slice(0, -1) }],
    ['one extra char', { header: CB_SIG + '0' }],
    ['first char flipped', { header: flip(CB_SIG, 0) }],
    ['last char flipped', { header: flip(CB_SIG, CB_SIG.length - 1) }],
    ['non-hex garbage of the right length', { header: 'z'.repeat(40) }],
    ['base64 of the right HMAC', { header: Buffer.from(CB_SIG, 'hex').toString('base64') }],
    ['unicode', { header: 'é'.repeat(20) }],
    ['unicode lookalike digits', { header: CB_SIG.replace('0', '\u0660') }],
    ['NUL bytes', { header: '\0'.repeat(40) }],
    ['huge header', { header: CB_SIG.repeat(10_000) }],
    ['URL changed by one byte', { url: CB_URL.replace('abc', 'abd') }],
    ['URL without its query string', { url: 'https://gw.example.com/phaxio/callback' }],
    ['URL with a trailing slash', { url: 'https://gw.example.com/phaxio/callback/?job_id=abc' }],
    ['param changed by one byte', { params: { ...CB_PARAMS, fax: FAX_JSON.replace('123456', '123457') } }],
    ['param added', { params: { ...CB_PARAMS, extra: '' } }],
    ['wrong token', { callbackToken: 'cbtoken124' }],
  ];
  it.each(hostile)('rejects: %s', (_name, patch) => {
    expect(verifyPhaxioSignature({ ...base, ...patch }).ok).toBe(false);
  });

  it('rejects Faxbot signatures when one body byte changes', () => {
    const rawBody = enc('fax%5Bid%5D=1');
    const header = faxbotSig('s', rawBody);
    const tampered = Uint8Array.from(rawBody);
    tampered[0] = (tampered[0] ?? 0) ^ 1;
    expect(verifyPhaxioSignature({ ...base, apiSecret: 's', rawBody, header }).ok).toBe(true);
    expect(verifyPhaxioSignature({ ...base, apiSecret: 's', rawBody: tampered, header }).ok).toBe(false);
  });

  it(
    'never throws and rejects random signatures (property)',
    () => {
      fc.assert(
        fc.property(
          fc.option(fc.string({ unit: 'binary' }), { nil: undefined }),
          fc.string({ unit: 'binary' }),
          fc.dictionary(fc.string({ unit: 'binary' }), fc.oneof(fc.string({ unit: 'binary' }), fc.array(fc.string()))),
          fc.uint8Array(),
          fc.option(fc.string({ unit: 'binary' }), { nil: undefined }),
          fc.option(fc.string({ unit: 'binary' }), { nil: undefined }),
          (header, url, params, rawBody, callbackToken, apiSecret) => {
            const r = verifyPhaxioSignature({
              header,
              url,
              params,
              files: [{ name: 'f', bytes: rawBody }],
              rawBody,
              callbackToken,
              apiSecret,
            });
            expect(r.ok).toBe(false);
          },
        ),
        { numRuns: 200 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
