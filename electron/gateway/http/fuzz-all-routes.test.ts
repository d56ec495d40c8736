import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../../shared/contract';
import { startTestGateway, type TestGateway } from '../testing/harness';

const ADMIN_KEY = 'fuzz-admin-key-0123456789';
const TOTAL_RUNS = 10_000;
/**
 * RPC methods left out of the fuzz because a random body could point the gateway at the internet
 * (settings, provider checks, the tunnel): tests talk to loopback only. Everything else is fuzzed.
 */
const NETWORK_METHODS = new Set([
  'settings:update',
  'settings:setSecret',
  'setup:check',
  'diagnostics:run',
  'tunnel:start',
  'setup:complete',
]);

let gw: TestGateway;
/** A stand-in built renderer, so the static routes are registered and fuzzed too. */
const rendererDir = mkdtempSync(join(tmpdir(), 'fbd-fuzz-renderer-'));
beforeAll(async () => {
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Faxbot</title>');
  writeFileSync(join(rendererDir, 'app.js'), 'console.log(1)');
  gw = await startTestGateway({
    rendererDir,
    env: { API_KEY: ADMIN_KEY },
    settings: { inboundEnabled: true },
    startWorkers: false,
    tunnel: {
      connect: async () => Promise.reject(new Error('no tunnels in tests')),
      probe: async () => Promise.reject(new Error('no probes in tests')),
    },
  });
});
afterAll(async () => {
  await gw.close();
  rmSync(rendererDir, { recursive: true, force: true });
});

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    '%',
    '%zz',
    '%E0%A4%A',
    '..%2f..%2fetc%2fpasswd',
    '\u202Eexe.pdf',
    'null',
    '[]',
    '{}',
    '+15551230001',
    'x'.repeat(3000),
  ),
);
const queryName = fc.oneof(
  fc.constantFrom('token', 'code', 'status', 'limit', 'cursor', 'event', 'to_number', 'job_id', '__proto__', 'constructor'),
  fc.string({ maxLength: 10 }),
);
const queryString = fc
  .array(fc.tuple(queryName, text, fc.boolean()), { maxLength: 5 })
  .map((pairs) => pairs.map(([k, v, raw]) => (raw ? `${k}=${v}` : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)).join('&'));

const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=XyZ',
    'multipart/form-data',
    'text/plain',
    'application/pdf',
    'application/json; charset=utf-16',
  ),
  fc.string({ maxLength: 30 }),
);
const headers = fc.record(
  {
    'x-api-key': fc.oneof(fc.constant(ADMIN_KEY), fc.constant('fbk_live_0123456789ab_wrongwrongwrongwrongwrong'), text),
    'content-type': contentType,
    host: fc.constantFrom('127.0.0.1', 'localhost:8080', 'evil.example', '[::1]'),
    origin: fc.constantFrom('http://127.0.0.1', 'https://evil.example', 'null'),
    cookie: fc.oneof(
      fc.constant('fbd_session=abc'),
      text.map((t) => t.replace(/[^\x20-\x7e]/g, '')),
    ),
    authorization: fc.oneof(
      fc.constant('Basic dXNlcjpwYXNz'),
      text.map((t) => t.replace(/[^\x20-\x7e]/g, '')),
    ),
    'x-phaxio-signature': text.map((t) => t.replace(/[^\x20-\x7e]/g, '')),
    'x-twilio-signature': text.map((t) => t.replace(/[^\x20-\x7e]/g, '')),
  },
  { requiredKeys: [] },
);
const multipart = fc
  .tuple(text, text, fc.constantFrom('file', 'to', 'other'), fc.boolean())
  .map(
    ([to, content, name, closed]) =>
      `--XyZ\r\nContent-Disposition: form-data; name="to"\r\n\r\n${to}\r\n--XyZ\r\n` +
      `Content-Disposition: form-data; name="${name}"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n${closed ? '--XyZ--\r\n' : ''}`,
  );
const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .dictionary(fc.constantFrom('to', 'apiKey', 'patch', 'id', 'documents', 'scopes', 'expires_at', 'name'), fc.jsonValue())
    .map((v) => JSON.stringify(v)),
  text,
  fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
  multipart,
  fc.constant('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF'),
);

/** Routes that answer a valid key with a stream that stays open (the window's events, MCP over SSE). */
const ENDLESS_STREAMS = new Set(['/events', '/mcp/sse']);

/** Fills :params and the * wildcard of a route pattern with generated segments. */
function fillPath(pattern: string, segments: string[]): string {
  let i = 0;
  const next = () => encodeURIComponent(segments[i++ % segments.length] || 'x');
  return pattern.replace(/:[A-Za-z_]+/g, next).replace(/\*$/, () => next());
}

describe('property: every registered route answers hostile input without a 5xx', () => {
  it(`${TOTAL_RUNS} generated requests across all routes: 0 x 5xx, 0 crashes`, async () => {
    const routes = gw.routes;
    expect(routes.length).toBeGreaterThan(35);
    const runsPerRoute = Math.ceil(TOTAL_RUNS / routes.length);
    let total = 0;
    const failures: string[] = [];
    for (const route of routes) {
      const rpcMethod = route.url === '/rpc/:method' ? fc.constantFrom(...METHOD_NAMES.filter((m) => !NETWORK_METHODS.has(m))) : null;
      await fc.assert(
        fc.asyncProperty(
          fc.array(rpcMethod ?? text, { minLength: 1, maxLength: 3 }),
          queryString,
          headers,
          body,
          async (segments, query, generatedHeaders, payload) => {
            // A valid key on an event stream would open a stream that never ends: there it only meets bad ones.
            const requestHeaders: Record<string, string> = ENDLESS_STREAMS.has(route.url)
              ? { ...generatedHeaders, 'x-api-key': 'wrong', authorization: 'Bearer wrong' }
              : { ...generatedHeaders };
            const res = await gw.inject({
              method: route.method as 'GET',
              url: `${fillPath(route.url, segments)}${query ? `?${query}` : ''}`,
              headers: requestHeaders,
              ...(payload !== undefined && route.method !== 'GET' && route.method !== 'DELETE' ? { payload } : {}),
            });
            total += 1;
            if (res.statusCode >= 500) failures.push(`${route.method} ${route.url} -> ${res.statusCode} ${res.body.slice(0, 200)}`);
            if (res.statusCode >= 400 && res.headers['content-type']?.toString().includes('json')) {
              const parsed = JSON.parse(res.body) as { detail?: unknown; ok?: boolean };
              if (typeof parsed.detail !== 'string' && parsed.ok !== false)
                failures.push(`${route.method} ${route.url} -> ${res.statusCode} without {detail}: ${res.body.slice(0, 200)}`);
            }
          },
        ),
        { numRuns: runsPerRoute, seed: 15 },
      );
    }
    expect(total).toBeGreaterThanOrEqual(TOTAL_RUNS);
    expect(failures.slice(0, 20)).toEqual([]);
  }, 300_000);
});
