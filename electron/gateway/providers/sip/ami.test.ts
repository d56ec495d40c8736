import { describe, expect, it } from 'vitest';
import { AmiFramer, formatAction } from './ami';
import { changeFromEvent } from './results';

const STREAM =
  'Asterisk Call Manager/13.0.0\r\n' +
  'Response: Success\r\nActionID: a1\r\nMessage: Authentication accepted\r\n\r\n' +
  'Event: UserEvent\r\nPrivilege: user,all\r\nUserEvent: FaxResult\r\nJobID: sip-j-1\r\nStatus: SUCCESS\r\nError: OK\r\nPages: 2\r\n\r\n';

describe('AMI framing', () => {
  it('yields the banner and the same messages however the stream is split', () => {
    const whole = new AmiFramer().push(STREAM);
    for (const size of [1, 2, 3, 7, 64]) {
      const framer = new AmiFramer();
      const messages = [];
      let banner: string | undefined;
      for (let i = 0; i < STREAM.length; i += size) {
        const out = framer.push(STREAM.slice(i, i + size));
        banner ??= out.banner;
        messages.push(...out.messages);
      }
      expect(banner).toBe('Asterisk Call Manager/13.0.0');
      expect(messages).toEqual(whole.messages);
    }
    expect(whole.messages[1]).toMatchObject({ event: 'UserEvent', userevent: 'FaxResult', jobid: 'sip-j-1', pages: '2' });
  });

  it('refuses to write a field with a line break (no action injection through a value)', () => {
    expect(() => formatAction([['Variable', 'DEST=+1555\r\nAction: Originate']])).toThrow(/line break/);
    expect(formatAction([['Action', 'Ping']])).toBe('Action: Ping\r\n\r\n');
  });

  it('bounds a message that never ends', () => {
    const framer = new AmiFramer();
    framer.push('Asterisk Call Manager/13.0.0\r\n');
    expect(() => framer.push(`Key: ${'x'.repeat(2 * 1024 * 1024)}`)).toThrow(/too large/);
  });
});

describe('AMI events → attempt results', () => {
  it('maps OriginateResponse reasons, FaxResult, FaxDial and Hangup to the attempt they name', () => {
    expect(changeFromEvent({ event: 'OriginateResponse', actionid: 'p', response: 'Failure', reason: '5' })).toEqual({
      providerId: 'p',
      change: { kind: 'failed', failureClass: 'busy', error: 'The line was busy.' },
    });
    expect(changeFromEvent({ event: 'OriginateResponse', actionid: 'p', response: 'Failure', reason: '3' })?.change).toMatchObject({
      failureClass: 'no_answer',
    });
    expect(changeFromEvent({ event: 'OriginateResponse', actionid: 'p', response: 'Failure', reason: '8' })?.change).toMatchObject({
      failureClass: 'line_error',
    });
    expect(changeFromEvent({ event: 'OriginateResponse', actionid: 'p', response: 'Failure', reason: '0' })?.change).toMatchObject({
      failureClass: 'provider_unavailable',
    });
    expect(changeFromEvent({ event: 'OriginateResponse', actionid: 'p', response: 'Success', reason: '4' })?.change).toEqual({
      kind: 'answered',
    });
    expect(changeFromEvent({ event: 'UserEvent', userevent: 'FaxResult', jobid: 'p', status: 'SUCCESS', pages: '3' })?.change).toEqual({
      kind: 'delivered',
      pages: 3,
    });
    expect(
      changeFromEvent({ event: 'UserEvent', userevent: 'FaxResult', jobid: 'p', status: 'FAILED', error: 'Call to +15551234567 dropped' })
        ?.change,
    ).toMatchObject({ kind: 'failed', failureClass: 'line_error', error: 'The fax failed: Call to … dropped.' });
    expect(changeFromEvent({ event: 'UserEvent', userevent: 'FaxDial', jobid: 'p', dialstatus: 'ANSWER' })).toBeNull();
    expect(changeFromEvent({ event: 'UserEvent', userevent: 'FaxDial', jobid: 'p', dialstatus: 'NOANSWER' })?.change).toMatchObject({
      failureClass: 'no_answer',
    });
    expect(changeFromEvent({ event: 'Hangup', uniqueid: 'p', cause: '16' })).toEqual({ providerId: 'p', change: { kind: 'hungup' } });
    expect(changeFromEvent({ event: 'Newchannel', uniqueid: 'p' })).toBeNull();
  });
});
