import fc from 'fast-check';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../testing/harness';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ startWorkers: false });
});
afterAll(() => gw.close());

const boundary = fc.stringMatching(/^[A-Za-z0-9'()+_,./:=?-]{1,40}$/);
const junk = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
);
const partHeader = fc.oneof(
  fc.constant('Content-Disposition: form-data; name="to"'),
  fc.constant('Content-Disposition: form-data; name="file"; filename="a.txt"'),
  fc.constant('Content-Disposition: form-data; name="file"; filename="../../x.pdf"\r\nContent-Type: application/pdf'),
  fc.constant('Content-Disposition: form-data'),
  fc.constant('Content-Disposition: attachment; name=file'),
  junk,
);
const part = fc.record({ header: partHeader, body: junk, truncate: fc.boolean() });

/** Hostile multipart bodies: wrong boundaries, truncated parts, junk headers, huge names. */
const hostileBody = fc.record({
  declared: boundary,
  actual: fc.oneof(boundary, fc.constant('')),
  parts: fc.array(part, { maxLength: 5 }),
  closing: fc.boolean(),
  contentType: fc.oneof(
    fc.constant('multipart/form-data; boundary='),
    fc.constant('multipart/form-data'),
    fc.constant('multipart/mixed; boundary='),
    fc.constant('text/plain; boundary='),
  ),
});

describe('POST /fax with hostile multipart bodies', () => {
  it('answers 4xx (or 202 when the body happens to be valid), never 5xx (property)', async () => {
    await fc.assert(
      fc.asyncProperty(hostileBody, async (b) => {
        const boundaryUsed = b.actual || b.declared;
        let body = '';
        for (const p of b.parts) {
          body += `--${boundaryUsed}\r\n${p.header}\r\n\r\n${p.truncate ? p.body.slice(0, p.body.length >> 1) : p.body}\r\n`;
        }
        if (b.closing) body += `--${boundaryUsed}--\r\n`;
        const contentType = b.contentType.endsWith('=') ? `${b.contentType}${b.declared}` : b.contentType;
        const res = await request(`${gw.url}/fax`, {
          method: 'POST',
          headers: { 'content-type': contentType },
          body: Buffer.from(body, 'latin1'),
          headersTimeout: 5000,
          bodyTimeout: 5000,
        });
        const text = await res.body.text();
        expect(res.statusCode, text).toBeLessThan(500);
        if (res.statusCode !== 202) expect(JSON.parse(text)).toHaveProperty('detail');
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});
