import { createHash, createHmac } from 'node:crypto';
import { RestClient } from '@signalwire/compatibility-api';
import { validateRequest as webApiValidateRequest } from '@signalwire/web-api';
import fc from 'fast-check';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { signalwireFormSignature, signalwireJsonSignature, verifySignalWireSignature, type SignalWireVerifyInput } from './index';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
// Property runs share the machine with other suites; the default 5 s is too tight under load.
const PROPERTY_TIMEOUT_MS = 60_000;
const FORM = 'application/x-www-form-urlencoded';
const JSON_CT = 'application/json';

// providers.md §7, vectors 4-8.
const V4 = {
  key: '12345',
  url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
  params: { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' },
  sig: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
};
const V5 = {
  key: 'PSK_testkey',
  url: 'https://gw.example.com/signalwire/status?job_id=abc',
  urlWithPort: 'https://gw.example.com:443/signalwire/status?job_id=abc',
  params: {
    AccountSid: 'b3877c40-da60-4998-90ad-b792e98472ac',
    ApiVersion: 'v1',
    FaxSid: 'b3877c40-da60-4998-90ad-b792e98472fx',
    FaxStatus: 'delivered',
    From: '+13103383454',
    NumPages: '2',
    RemoteStationId: '+13104456789',
    To: '+13104456789',
  },
  sig: 'kBHqJWAQNqfHDPDwhLnaXVgSQnw=',
  sigOverPort: 'c1r/tNw8xPEvVwTwzwwgyQVxqsA=',
};
const V6 = {
  key: '12345',
  body: '{"FaxSid":"FX1","FaxStatus":"delivered"}',
  hash: '8e67bf506b9f3d9ce5d5ad1d8a0a7594e1b7cbcb6b05cdf3ca8a541eb82ac402',
  sig: 'ykUuQBA5V1OsNBWPABPUjyD86NE=',
};
const V6_URL = `https://gw.example.com/cb?bodySHA256=${V6.hash}`;
// The raw body of vector 7 is @signalwire/web-api@3.1.7 src/validateRequest.test.ts.
const V7 = {
  key: 'PSK_7TruNcSNTxp4zNrykMj4EPzF',
  url: 'https://81f2-2-45-18-191.ngrok-free.app/',
  body: '{"call":{"call_id":"b5d63b2e-f75b-4dc8-b6d4-269b635f96c0","node_id":"fa3570ae-f8bd-42c2-83f4-9950d906c91b@us-west","segment_id":"b5d63b2e-f75b-4dc8-b6d4-269b635f96c0","call_state":"created","direction":"inbound","type":"phone","from":"+12135877632","to":"+12089806814","from_number":"+12135877632","to_number":"+12089806814","project_id":"4b7ae78a-d02e-4889-a63b-08b156d5916e","space_id":"62615f44-2a34-4235-b38b-76b5a1de6ef8"},"vars":{}}',
  sig: 'b18500437ebb010220ddd770cbe6fd531ea0ba0d',
};
const V8 = {
  key: 'PSK_testkey',
  url: 'https://gw.example.com/swml',
  body: '{"event_type":"calling.call.fax","params":{"fax":{"type":"finished"}}}',
  sig: '6c7e915b1b0c8085c5e0b841bc3eec087d14d3b2',
};

const formBody = (params: Record<string, string>): Uint8Array => enc(new URLSearchParams(params).toString());

describe('signature functions (providers.md §7)', () => {
  it('vector 4: published Twilio/SignalWire form vector', () => {
    expect(signalwireFormSignature(V4.key, V4.url, V4.params)).toBe(V4.sig);
  });

  it('vector 5: fax StatusCallback, with and without :443', () => {
    expect(signalwireFormSignature(V5.key, V5.url, V5.params)).toBe(V5.sig);
    expect(signalwireFormSignature(V5.key, V5.urlWithPort, V5.params)).toBe(V5.sigOverPort);
  });

  it('vector 6: bodySHA256 is scheme A over the URL with empty params', () => {
    expect(createHash('sha256').update(V6.body).digest('hex')).toBe(V6.hash);
    expect(signalwireFormSignature(V6.key, V6_URL, {})).toBe(V6.sig);
  });

  it('vector 6b: arrays keep received order (compatibility-api), unlike twilio 6.x', () => {
    const params = { To: ['+2', '+1'], A: 'x' };
    expect(signalwireFormSignature('k', 'https://x/y', params)).toBe('vpO9jcTEAEp238QNyMmQ91pvfng=');
    expect(twilio.getExpectedTwilioSignature('k', 'https://x/y', params)).toBe('QGIosf7rw1HgphWzJhvD5TKG634=');
  });

  it('vectors 7 and 8: JSON scheme, hex over url + raw body', () => {
    expect(signalwireJsonSignature(V7.key, V7.url, enc(V7.body))).toBe(V7.sig);
    expect(signalwireJsonSignature(V8.key, V8.url, V8.body)).toBe(V8.sig);
  });
});

const base: SignalWireVerifyInput = {
  headers: { signalwire: V5.sig },
  url: V5.url,
  contentType: `${FORM}; charset=utf-8`,
  params: V5.params,
  rawBody: formBody(V5.params),
  signingKey: V5.key,
};

describe('verifySignalWireSignature', () => {
  it('accepts vector 5 in either header, and parses params from the raw body when not given', () => {
    expect(verifySignalWireSignature(base)).toEqual({ ok: true, scheme: 'form' });
    expect(verifySignalWireSignature({ ...base, headers: { twilio: V5.sig } }).ok).toBe(true);
    expect(verifySignalWireSignature({ ...base, headers: { signalwire: 'junk', twilio: V5.sig } }).ok).toBe(true);
    expect(verifySignalWireSignature({ ...base, params: undefined })).toEqual({ ok: true, scheme: 'form' });
    expect(verifySignalWireSignature({ ...base, headers: { signalwire: ` ${V5.sig}\t` } }).ok).toBe(true);
  });

  it('accepts port variants both ways (:443 https, :80 http)', () => {
    expect(verifySignalWireSignature({ ...base, headers: { signalwire: V5.sigOverPort } }).ok).toBe(true);
    expect(verifySignalWireSignature({ ...base, url: V5.urlWithPort }).ok).toBe(true);
    expect(verifySignalWireSignature({ ...base, url: V5.urlWithPort, headers: { signalwire: V5.sigOverPort } }).ok).toBe(true);
    const http = 'http://gw.example.com/cb?x=1';
    const overPort80 = signalwireFormSignature(V5.key, 'http://gw.example.com:80/cb?x=1', V5.params);
    expect(verifySignalWireSignature({ ...base, url: http, headers: { signalwire: overPort80 } }).ok).toBe(true);
  });

  it('does not strip or invent non-default ports', () => {
    const sig = signalwireFormSignature(V5.key, 'https://gw.example.com/signalwire/status?job_id=abc', V5.params);
    expect(
      verifySignalWireSignature({ ...base, url: 'https://gw.example.com:8443/signalwire/status?job_id=abc', headers: { signalwire: sig } })
        .ok,
    ).toBe(false);
    expect(
      verifySignalWireSignature({
        ...base,
        url: 'http://gw.example.com/signalwire/status?job_id=abc',
        headers: { signalwire: V5.sigOverPort },
      }).ok,
    ).toBe(false);
  });

  it('GET callbacks sign the URL alone', () => {
    const url = `${V5.url}&${new URLSearchParams(V5.params).toString()}`;
    const sig = signalwireFormSignature(V5.key, url, {});
    expect(
      verifySignalWireSignature({
        ...base,
        url,
        contentType: '',
        params: undefined,
        rawBody: new Uint8Array(),
        headers: { signalwire: sig },
      }),
    ).toEqual({ ok: true, scheme: 'form' });
  });

  it('JSON bodies use scheme B (vectors 7 and 8), hex compared case-insensitively', () => {
    for (const v of [V7, V8]) {
      const input = { headers: { signalwire: v.sig }, url: v.url, contentType: JSON_CT, rawBody: enc(v.body), signingKey: v.key };
      expect(verifySignalWireSignature(input)).toEqual({ ok: true, scheme: 'json' });
      expect(verifySignalWireSignature({ ...input, headers: { signalwire: v.sig.toUpperCase() } }).ok).toBe(true);
      expect(verifySignalWireSignature({ ...input, rawBody: enc(v.body.replace('"', "'")) }).ok).toBe(false);
      // A JSON signature is not accepted when the body claims to be a form.
      expect(verifySignalWireSignature({ ...input, contentType: FORM }).ok).toBe(false);
    }
  });

  it('bodySHA256 URLs (vector 6): signature over the URL, body checked by hash', () => {
    const input = { headers: { twilio: V6.sig }, url: V6_URL, contentType: JSON_CT, rawBody: enc(V6.body), signingKey: V6.key };
    expect(verifySignalWireSignature(input)).toEqual({ ok: true, scheme: 'form' });
    expect(verifySignalWireSignature({ ...input, rawBody: enc(V6.body.replace('FX1', 'FX2')) }).ok).toBe(false);
    expect(twilio.validateRequestWithBody(V6.key, V6.sig, V6_URL, V6.body)).toBe(true);
  });

  it("accepts Faxbot's documented hex HMAC-SHA256 of the raw body keyed with the signing key", () => {
    const sig = createHmac('sha256', V5.key).update(base.rawBody).digest('hex');
    expect(verifySignalWireSignature({ ...base, headers: { signalwire: sig } })).toEqual({ ok: true, scheme: 'faxbot-hmac-sha256' });
    expect(verifySignalWireSignature({ ...base, headers: { signalwire: sig.toUpperCase() } }).ok).toBe(true);
    expect(verifySignalWireSignature({ ...base, contentType: JSON_CT, headers: { signalwire: sig } }).ok).toBe(true);
    const tampered = Uint8Array.from(base.rawBody);
    tampered[3] = (tampered[3] ?? 0) ^ 1;
    expect(verifySignalWireSignature({ ...base, rawBody: tampered, params: undefined, headers: { signalwire: sig } }).ok).toBe(false);
  });

  it('fails closed without a signing key', () => {
    expect(verifySignalWireSignature({ ...base, signingKey: '' }).ok).toBe(false);
  });

  const flip = (s: string, i: number): string => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  const hostile: [string, Partial<SignalWireVerifyInput>][] = [
    ['no headers', { headers: {} }],
    ['empty header', { headers: { signalwire: '' } }],
    ['whitespace header', { headers: { signalwire: ' \n ' } }],
    ['truncated', { headers: { signalwire: V5.sig.slice(0, -1) } }],
    ['without base64 padding', { headers: { signalwire: V5.sig.replace('=', '') } }],
    ['one extra char', { headers: { signalwire: V5.sig + '=' } }],
    ['first char flipped', { headers: { signalwire: flip(V5.sig, 0) } }],
    ['case changed (base64 is case-sensitive)', { headers: { signalwire: V5.sig.toLowerCase() } }],
    ['hex of the right HMAC', { headers: { signalwire: Buffer.from(V5.sig, 'base64').toString('hex') } }],
    ['non-base64 garbage of the right length', { headers: { signalwire: '!'.repeat(28) } }],
    ['unicode', { headers: { signalwire: 'ß'.repeat(14) } }],
    ['huge header', { headers: { signalwire: V5.sig.repeat(10_000) } }],
    ['URL changed by one byte', { url: V5.url.replace('abc', 'abd') }],
    ['URL scheme changed', { url: V5.url.replace('https', 'http') }],
    ['URL query dropped', { url: 'https://gw.example.com/signalwire/status' }],
    ['param changed by one byte', { params: { ...V5.params, FaxStatus: 'delivereD' } }],
    ['param dropped', { params: { ...V5.params, NumPages: undefined as unknown as string } }],
    ['raw body changed by one byte', { params: undefined, rawBody: formBody({ ...V5.params, NumPages: '3' }) }],
    ['wrong key', { signingKey: 'PSK_testkez' }],
  ];
  it.each(hostile)('rejects: %s', (_name, patch) => {
    expect(verifySignalWireSignature({ ...base, ...patch }).ok).toBe(false);
  });

  it(
    'never throws and rejects random signatures (property)',
    () => {
      fc.assert(
        fc.property(
          fc.record({ signalwire: fc.string({ unit: 'binary' }), twilio: fc.string({ unit: 'binary' }) }, { requiredKeys: [] }),
          fc.string({ unit: 'binary' }),
          fc.oneof(fc.constantFrom(FORM, JSON_CT, '', 'multipart/form-data; boundary=x'), fc.string({ unit: 'binary' })),
          fc.option(fc.dictionary(fc.string({ unit: 'binary' }), fc.oneof(fc.string({ unit: 'binary' }), fc.array(fc.string()))), {
            nil: undefined,
          }),
          fc.oneof(fc.uint8Array(), fc.string({ unit: 'binary' }).map(enc)),
          fc.string({ unit: 'binary' }),
          (headers, url, contentType, params, rawBody, signingKey) => {
            expect(verifySignalWireSignature({ headers, url, contentType, params, rawBody, signingKey }).ok).toBe(false);
          },
        ),
        { numRuns: 200 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

// Independent oracles: the official SDKs must agree with us in both directions.
// Plain character sets instead of fc.stringMatching, which is slow enough to time the suite out.
const word = (chars: string, minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...chars), minLength, maxLength });
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const paramsArb = fc.dictionary(
  fc.tuple(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), word(ALNUM, 0, 11)).map(([a, b]) => a + b),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  { maxKeys: 8 },
);
const urlArb = fc
  .tuple(
    fc.constantFrom('https', 'http'),
    fc.domain(),
    fc.constantFrom('', ':default', ':8443'),
    fc.array(word('abcdefghijklmnopqrstuvwxyz0123456789_-', 1, 8), { maxLength: 3 }),
    fc.constantFrom('', '?job_id=abc', '?job_id=0b6c&x=1'),
  )
  .map(([scheme, host, port, path, query]) => {
    const p = port === ':default' ? (scheme === 'https' ? ':443' : ':80') : port;
    return `${scheme}://${host}${p}/${path.join('/')}${query}`;
  });
const keyArb = word(ALNUM, 8, 24).map((k) => `PSK_${k}`);

describe('oracle: @signalwire/compatibility-api@3.2.0 and twilio@6.2.0 (scheme A)', () => {
  it('vectors 4 and 5 pass the SDKs', () => {
    expect(RestClient.validateRequest(V4.key, V4.sig, V4.url, V4.params)).toBe(true);
    expect(twilio.validateRequest(V4.key, V4.sig, V4.url, V4.params)).toBe(true);
    for (const sig of [V5.sig, V5.sigOverPort]) {
      expect(RestClient.validateRequest(V5.key, sig, V5.url, V5.params)).toBe(true);
      expect(twilio.validateRequest(V5.key, sig, V5.url, V5.params)).toBe(true);
    }
    // providers.md §3.6: the raw form string is the wrong argument (Faxbot's docs show it).
    expect(RestClient.validateRequest(V5.key, V5.sig, V5.url, new URLSearchParams(V5.params).toString() as unknown as object)).toBe(false);
  });

  it(
    'SDK signatures pass our verifier, ours pass the SDKs, and any changed byte fails everywhere',
    () => {
      fc.assert(
        fc.property(keyArb, urlArb, paramsArb, (key, url, params) => {
          const rawBody = formBody(params);
          const verify = (sig: string, u = url, p: Record<string, string> = params, body = rawBody): boolean =>
            verifySignalWireSignature({
              headers: { signalwire: sig },
              url: u,
              contentType: FORM,
              params: p,
              rawBody: body,
              signingKey: key,
            }).ok;

          const sdkSig = twilio.getExpectedTwilioSignature(key, url, params);
          expect(verify(sdkSig)).toBe(true);
          expect(verify(sdkSig, url, undefined as unknown as Record<string, string>)).toBe(true); // parsed from rawBody

          const ours = signalwireFormSignature(key, url, params);
          expect(ours).toBe(sdkSig);
          expect(RestClient.validateRequest(key, ours, url, params)).toBe(true);
          expect(twilio.validateRequest(key, ours, url, params)).toBe(true);

          // One byte changed in the signature, the URL or a param value: everyone rejects.
          const badSig = (ours[0] === 'A' ? 'B' : 'A') + ours.slice(1);
          const badUrl = url + (url.includes('?') ? 'x' : '?x');
          const name = Object.keys(params)[0];
          const badParams = name === undefined ? { Extra: '1' } : { ...params, [name]: `${params[name] ?? ''}!` };
          for (const [sig, u, p] of [
            [badSig, url, params],
            [ours, badUrl, params],
            [ours, url, badParams],
          ] as const) {
            expect(verify(sig, u, p, formBody(p))).toBe(false);
            expect(RestClient.validateRequest(key, sig, u, p)).toBe(false);
            expect(twilio.validateRequest(key, sig, u, p)).toBe(false);
          }
        }),
        { numRuns: 200 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

// On a mismatch web-api falls back to scheme A with JSON.parse(body) as params, which throws unless
// the body is a flat object without keys like "toString" (e.g. {"toString":0}), so bodies are kept plain.
const jsonObjectArb = fc
  .dictionary(
    word('abcdefghijklmnopqrstuvwxyz_', 1, 12),
    fc.oneof(fc.string(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null)),
    { maxKeys: 8 },
  )
  .map((o) => JSON.stringify(o));

describe('oracle: @signalwire/web-api@3.1.7 (scheme B)', () => {
  it('vectors 7 and 8 pass the SDK', () => {
    expect(webApiValidateRequest(V7.key, V7.sig, V7.url, V7.body)).toBe(true);
    expect(webApiValidateRequest(V8.key, V8.sig, V8.url, V8.body)).toBe(true);
  });

  it(
    'our JSON signatures pass the SDK and SDK-valid signatures pass us; changed bytes fail both',
    () => {
      fc.assert(
        fc.property(keyArb, urlArb, jsonObjectArb, (key, url, body) => {
          const sig = signalwireJsonSignature(key, url, enc(body));
          const ok = (s: string, b: string): boolean =>
            verifySignalWireSignature({ headers: { signalwire: s }, url, contentType: JSON_CT, rawBody: enc(b), signingKey: key }).ok;
          expect(webApiValidateRequest(key, sig, url, body)).toBe(true);
          expect(ok(sig, body)).toBe(true);
          const badSig = (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1);
          const badBody = `[${body}]`;
          expect(webApiValidateRequest(key, badSig, url, body)).toBe(false);
          expect(ok(badSig, body)).toBe(false);
          expect(webApiValidateRequest(key, sig, url, badBody)).toBe(false);
          expect(ok(sig, badBody)).toBe(false);
        }),
        { numRuns: 200 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
