import { describe, expect, it } from 'vitest';
import { httpError, spaceBaseUrl } from './api';
import { mediaOwner, withParam } from './provider';
import { isSignalWireMediaUrl } from './routes';
import { MEDIA_FETCH_ERROR, parsePages, toProviderUpdate } from './status';

const sid = 'b3877c40-da60-4998-90ad-b792e98472fx';

describe('SignalWire status mapping (providers.md §3.3)', () => {
  it('keeps queued/processing/sending as sending, with progress detail', () => {
    expect(toProviderUpdate({ sid, status: 'queued' })).toEqual({ providerId: sid, rawStatus: 'queued', phase: 'sending' });
    expect(toProviderUpdate({ sid, status: 'processing' })).toMatchObject({ phase: 'sending', detail: expect.any(String) });
    expect(toProviderUpdate({ sid, status: 'sending' })).toMatchObject({ phase: 'sending', detail: expect.any(String) });
    expect(toProviderUpdate({ sid, status: 'some-new-status' })).toMatchObject({ phase: 'sending' });
  });

  it('delivered reads num_pages as a string or null', () => {
    expect(toProviderUpdate({ sid, status: 'delivered', numPages: '3' })).toMatchObject({ phase: 'delivered', pages: 3 });
    expect(toProviderUpdate({ sid, status: 'delivered', numPages: null })).toMatchObject({ phase: 'delivered', pages: null });
    expect(parsePages('0')).toBeNull();
    expect(parsePages('12abc')).toBeNull();
    expect(parsePages(2)).toBe(2);
  });

  it('maps busy, no-answer, canceled and failed by ErrorCode/ErrorMessage', () => {
    expect(toProviderUpdate({ sid, status: 'busy' })).toMatchObject({ phase: 'failed', failureClass: 'busy' });
    expect(toProviderUpdate({ sid, status: 'no-answer' })).toMatchObject({ phase: 'failed', failureClass: 'no_answer' });
    expect(toProviderUpdate({ sid, status: 'canceled' })).toMatchObject({ phase: 'failed', failureClass: 'rejected' });
    expect(toProviderUpdate({ sid, status: 'failed', errorCode: '15005', errorMessage: 'Number not operational' })).toMatchObject({
      failureClass: 'invalid_number',
      error: 'The number is not a working fax number (SignalWire: Number not operational, code 15005).',
    });
    expect(toProviderUpdate({ sid, status: 'failed', errorCode: '15004' })).toMatchObject({ failureClass: 'document' });
    expect(toProviderUpdate({ sid, status: 'failed', errorCode: '', errorMessage: 'Call dropped' })).toMatchObject({
      failureClass: 'line_error',
    });
  });

  it('a media fetch failure (expired link) is retried with a new link, not blamed on the document', () => {
    for (const errorCode of ['15002', '15003', 15002]) {
      expect(toProviderUpdate({ sid, status: 'failed', errorCode })).toMatchObject({
        failureClass: 'provider_unavailable',
        error: MEDIA_FETCH_ERROR,
      });
    }
    expect(toProviderUpdate({ sid, status: 'failed', errorMessage: 'Unable to fetch media from URL' })).toMatchObject({
      failureClass: 'provider_unavailable',
    });
  });

  it('never copies phone numbers from provider text', () => {
    const update = toProviderUpdate({ sid, status: 'failed', errorMessage: 'Remote +15550100034 hung up' });
    expect(update.error).not.toMatch(/5550100034/);
  });
});

describe('SignalWire HTTP errors', () => {
  const body = (code: number, status: number) => Buffer.from(JSON.stringify({ code, message: 'x +15550100000', more_info: '', status }));
  it('classifies auth, validation, rate limits and outages', () => {
    expect(httpError(401, body(20003, 401))).toMatchObject({ failureClass: 'auth', maybeAccepted: false });
    expect(httpError(422, body(21211, 422))).toMatchObject({ failureClass: 'invalid_number', maybeAccepted: false });
    expect(httpError(422, body(21212, 422)).message).toMatch(/SIGNALWIRE_FAX_FROM_E164/);
    expect(httpError(400, body(21620, 400))).toMatchObject({ failureClass: 'rejected' });
    expect(httpError(429, Buffer.from(''))).toMatchObject({ failureClass: 'provider_unavailable', maybeAccepted: false });
    expect(httpError(503, body(20503, 503))).toMatchObject({ failureClass: 'provider_unavailable', maybeAccepted: false });
    expect(httpError(504, Buffer.from('<html>'))).toMatchObject({ failureClass: 'provider_unavailable', maybeAccepted: true });
    expect(httpError(422, body(21211, 422)).message).not.toMatch(/555/);
  });
});

describe('SIGNALWIRE_SPACE_URL', () => {
  it('accepts a bare hostname (Faxbot) or a full URL with a scheme (our addition)', () => {
    expect(spaceBaseUrl('example.signalwire.com')).toBe('https://example.signalwire.com');
    expect(spaceBaseUrl(' example.signalwire.com/ ')).toBe('https://example.signalwire.com');
    expect(spaceBaseUrl('https://example.signalwire.com')).toBe('https://example.signalwire.com');
    expect(spaceBaseUrl('http://127.0.0.1:4010')).toBe('http://127.0.0.1:4010');
    expect(spaceBaseUrl('')).toBeNull();
    expect(spaceBaseUrl('ftp://example.signalwire.com')).toBeNull();
    expect(spaceBaseUrl('https://user:pw@example.signalwire.com')).toBeNull();
    expect(spaceBaseUrl('exa mple')).toBeNull();
  });
});

describe('attributing listed faxes to our submissions (reconciliation)', () => {
  it('reads the job id and attempt from the MediaUrl we sent', () => {
    const url = withParam('https://gw.example.com/fax/abc123/pdf?token=t0k', 'attempt', '2');
    expect(url).toBe('https://gw.example.com/fax/abc123/pdf?token=t0k&attempt=2');
    expect(mediaOwner(url)).toEqual({ kind: 'job', jobId: 'abc123', attempt: 2 });
    expect(mediaOwner('https://gw.example.com/fax/abc123/pdf?token=t0k')).toEqual({ kind: 'job', jobId: 'abc123', attempt: null });
    expect(mediaOwner('https://files.signalwire.com/x/y.pdf')).toEqual({ kind: 'foreign' });
    expect(mediaOwner(null)).toEqual({ kind: 'foreign' });
    expect(mediaOwner('not a url')).toEqual({ kind: 'foreign' });
  });
});

describe('inbound media host allow-list', () => {
  it('sends our credentials only to the configured space or https *.signalwire.com', () => {
    const space = 'https://example.signalwire.com';
    expect(isSignalWireMediaUrl('https://example.signalwire.com/media/1.pdf', space)).toBe(true);
    expect(isSignalWireMediaUrl('https://files.signalwire.com/a/b.pdf', space)).toBe(true);
    expect(isSignalWireMediaUrl('http://files.signalwire.com/a/b.pdf', space)).toBe(false);
    expect(isSignalWireMediaUrl('https://signalwire.com.evil.example/a.pdf', space)).toBe(false);
    expect(isSignalWireMediaUrl('https://evil.example/a.pdf', space)).toBe(false);
    expect(isSignalWireMediaUrl('https://u:p@example.signalwire.com/a.pdf', space)).toBe(false);
    expect(isSignalWireMediaUrl('http://127.0.0.1:4010/media/1.pdf', 'http://127.0.0.1:4010')).toBe(true);
    expect(isSignalWireMediaUrl('http://127.0.0.1:4011/media/1.pdf', 'http://127.0.0.1:4010')).toBe(false);
  });
});
