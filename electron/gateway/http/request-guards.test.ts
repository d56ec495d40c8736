import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../testing/harness';

const ADMIN = { 'x-api-key': 'admin-key-for-guards-test' };
let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ env: { API_KEY: ADMIN['x-api-key'] }, settings: { inboundEnabled: true } });
});
afterAll(() => gw.close());

/** Raw bytes on the socket: what a broken client sends, without a library tidying the request first. */
function rawRequest(port: number, head: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => {
      const [headers = '', body = ''] = data.split('\r\n\r\n');
      resolve({ status: Number(headers.split(' ')[1]), body });
    });
    socket.end(head);
  });
}

describe('a repeated query parameter is a clear 400, never a 500', () => {
  const paths = [
    '/ui/login?code=a&code=b',
    '/fax/abc/pdf?token=a&token=b',
    '/inbound/x/pdf?token=a&token=b',
    '/inbound?status=a&status=b',
    '/admin/logs?event=a&event=b',
    '/admin/fax-jobs?status=a&status=b',
  ];
  for (const path of paths) {
    it(path, async () => {
      const res = await gw.get(path, { ...ADMIN, host: '127.0.0.1' });
      expect(res.status).toBe(400);
      expect(res.body.detail).toMatch(/^Query parameter '\w+' was given more than once$/);
    });
  }
});

describe('bad URLs and oversized headers answer {detail}', () => {
  it('malformed percent-encoding in a path parameter', async () => {
    const res = await rawRequest(gw.port, 'GET /fax/%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ detail: 'The URL is malformed (check its percent-encoding)' });
  });

  it('431 for headers over the limit', async () => {
    const res = await rawRequest(gw.port, `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(JSON.parse(res.body)).toEqual({ detail: 'The request headers are too large' });
  });

  it('400 for bytes that are not HTTP', async () => {
    const res = await rawRequest(gw.port, 'HELLO THERE\r\n\r\n');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ detail: 'The request is not valid HTTP' });
  });
});
