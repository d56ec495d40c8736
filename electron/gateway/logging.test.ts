import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, logFunction } from './logging';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination }) };
}

describe('structured logger', () => {
  it('writes JSON lines with a level, a message and fields', () => {
    const { lines, logger } = capture();
    logFunction(logger)('outbox tick failed: boom', { level: 'error', reqId: 'abc123' });
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: 50, msg: 'outbox tick failed: boom', reqId: 'abc123', name: 'faxbot-gateway' });
  });

  it('redacts secrets, tokens, numbers and document content in messages and fields', () => {
    const { lines, logger } = capture();
    const log = logFunction(logger);
    log('sending to +1 (555) 867-5309 with fbk_live_0123456789ab_S3cretS3cretS3cretS3cret', {
      url: '/fax/abc/pdf?token=TOKENVALUE123&x=1',
      apiKey: 'PLAIN-API-KEY',
      provider: { secret: 'PROVIDER-SECRET', to: '+15558675309' },
      content: 'PLANTED DOCUMENT TEXT',
      req: { headers: { 'x-api-key': 'HEADER-KEY', authorization: 'Basic QUJD' } },
    });
    const text = lines.join('\n');
    for (const planted of [
      '8675309',
      'S3cretS3cret',
      'TOKENVALUE123',
      'PLAIN-API-KEY',
      'PROVIDER-SECRET',
      'PLANTED DOCUMENT',
      'HEADER-KEY',
      'QUJD',
    ])
      expect(text).not.toContain(planted);
    const line = JSON.parse(lines[0]!);
    // The key id may be over-masked (it can look like a number); the secret never survives.
    expect(line.msg).toMatch(/^sending to \[number\] with fbk_live_.*_\[redacted\]$/);
    expect(line.url).toBe('/fax/abc/pdf?token=[redacted]&x=1');
    expect(line.apiKey).toBe('[redacted]');
    expect(line.provider).toEqual({ secret: '[redacted]', to: '[number]' });
  });

  it('respects the level', () => {
    const { lines } = capture();
    const quiet = createLogger({
      level: 'warn',
      destination: new Writable({ write: (c: Buffer, _e, d) => (lines.push(c.toString()), d()) }),
    });
    logFunction(quiet)('routine');
    logFunction(quiet)('trouble', { level: 'warn' });
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['trouble']);
  });
});
