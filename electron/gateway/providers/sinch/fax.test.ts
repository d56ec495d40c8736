import { describe, expect, it } from 'vitest';
import { responseError } from './client';
import { classifyFailure, faxUpdate, parseFax } from './fax';

const body = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('Sinch Fax object → our update', () => {
  it('maps statuses; pages from pagesSentSuccessfully, else numberOfPages', () => {
    const fax = (extra: object) => parseFax({ id: 'F1', numberOfPages: 3, ...extra })!;
    expect(faxUpdate(fax({ status: 'QUEUED' }))).toEqual({ providerId: 'F1', rawStatus: 'QUEUED', phase: 'sending' });
    expect(faxUpdate(fax({ status: 'IN_PROGRESS', retryCount: 2 }))).toMatchObject({
      phase: 'sending',
      detail: 'Sinch is calling again (retry 2)',
    });
    expect(faxUpdate(fax({ status: 'COMPLETED', pagesSentSuccessfully: 2 }))).toMatchObject({ phase: 'delivered', pages: 2 });
    expect(faxUpdate(fax({ status: 'COMPLETED' }))).toMatchObject({ phase: 'delivered', pages: 3 });
    expect(faxUpdate(fax({ status: 'SOMETHING_NEW' }))).toMatchObject({ phase: 'sending', rawStatus: 'SOMETHING_NEW' });
    const failed = faxUpdate(
      fax({ status: 'FAILURE', errorType: 'CALL_ERROR', errorCode: 17, errorMessage: 'Busy +15551234567', pagesSentSuccessfully: 0 }),
    );
    expect(failed).toEqual({
      providerId: 'F1',
      rawStatus: 'FAILURE',
      phase: 'failed',
      failureClass: 'busy',
      error: 'The line was busy (Sinch CALL_ERROR 17).',
    });
  });

  it('classifies failures by error type and code', () => {
    const cls = (type: string | null, code: number | null) => classifyFailure(type, code).failureClass;
    expect(cls('LINE_ERROR', 17)).toBe('busy');
    for (const code of [16, 30, 87, 112]) expect(cls('CALL_ERROR', code)).toBe('no_answer');
    for (const code of [34, 49, 73, 115]) expect(cls('CALL_ERROR', code)).toBe('invalid_number');
    expect(cls('DOCUMENT_CONVERSION_ERROR', 4)).toBe('document');
    expect(cls('LINE_ERROR', 89)).toBe('line_error');
    expect(cls('FATAL_ERROR', null)).toBe('line_error');
    expect(classifyFailure(null, null).error).toBe('The call dropped or the receiving machine had trouble.');
  });

  it('tolerates SDK 1.0 spellings (errorId + string errorCode) and the multipart JSON-string form', () => {
    expect(parseFax({ id: 'F2', status: 'failure', errorType: 'call_error', errorId: 30, errorCode: 'noAnswer' })).toMatchObject({
      status: 'FAILURE',
      errorType: 'CALL_ERROR',
      errorCode: 30,
    });
    expect(parseFax(JSON.stringify({ id: 'F3', status: 'COMPLETED', labels: { a: 'b', n: 1 } }))).toMatchObject({
      id: 'F3',
      labels: { a: 'b' },
    });
    for (const bad of [null, '', '{', [], { status: 'COMPLETED' }, { id: 42 }]) expect(parseFax(bad)).toBeNull();
  });
});

describe('Sinch HTTP refusals', () => {
  it('maps statuses to failure classes; never quotes field descriptions (they contain the number)', () => {
    expect(responseError(401, Buffer.alloc(0))).toMatchObject({ failureClass: 'auth', maybeAccepted: false });
    expect(responseError(402, body({ code: '402', error: 'Payment required' }))).toMatchObject({
      failureClass: 'auth',
      message: expect.stringMatching(/out of credit/),
    });
    const to = responseError(
      422,
      body({ details: { fieldViolations: [{ field: 'to', description: 'The (+15551) is not a valid phone number' }] } }),
    );
    expect(to).toMatchObject({ failureClass: 'invalid_number' });
    expect(to.message).not.toMatch(/\d{4}/);
    expect(responseError(400, body({ details: { fieldViolations: [{ field: 'maxRetries' }] } })).message).toBe(
      'Sinch rejected the fax request (fields: maxRetries).',
    );
    expect(responseError(400, Buffer.from('<html>'))).toMatchObject({ failureClass: 'rejected' });
    for (const status of [429, 500, 502, 503])
      expect(responseError(status, Buffer.alloc(0))).toMatchObject({ failureClass: 'provider_unavailable', maybeAccepted: false });
  });
});
