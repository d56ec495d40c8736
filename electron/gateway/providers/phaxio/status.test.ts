import { describe, expect, it } from 'vitest';
import { failureClassOf, faxFromFlatFields, parseFax, toProviderUpdate } from './status';

describe('Phaxio status mapping (providers.md §1.3)', () => {
  it.each([
    [17, 'busy'],
    [16, 'no_answer'],
    [30, 'no_answer'],
    [87, 'no_answer'],
    [112, 'no_answer'],
    [34, 'invalid_number'],
    [49, 'invalid_number'],
    [73, 'invalid_number'],
    [115, 'invalid_number'],
    [11, 'line_error'],
    [null, 'line_error'],
  ] as const)('lineError %s → %s', (id, expected) => {
    expect(failureClassOf('lineError', id)).toBe(expected);
  });

  it('classifies the other error types', () => {
    expect(failureClassOf('faxError', 6)).toBe('line_error');
    expect(failureClassOf('documentConversionError', 54)).toBe('document');
    expect(failureClassOf('generalError', null)).toBe('unknown');
    expect(failureClassOf(null, null)).toBe('unknown');
  });

  it('maps the real vocabulary onto phases, with recipient progress as timeline details', () => {
    const fax = (status: string, recipient: string | null = null, extra: Record<string, unknown> = {}) =>
      toProviderUpdate(parseFax({ id: 42, status, num_pages: 3, recipients: [{ status: recipient }], ...extra })!);
    expect(fax('queued')).toMatchObject({ providerId: '42', phase: 'sending', rawStatus: 'queued' });
    expect(fax('pendingbatch')).toMatchObject({ phase: 'sending', detail: 'Waiting in a Phaxio batch' });
    expect(fax('inprogress', 'ringing')).toMatchObject({
      phase: 'sending',
      rawStatus: 'inprogress/ringing',
      detail: 'Phaxio is dialing the fax machine',
    });
    expect(fax('inprogress', 'callactive')).toMatchObject({ rawStatus: 'inprogress/callactive', detail: 'Connected; sending pages' });
    expect(fax('inprogress', 'willretry')).toMatchObject({ rawStatus: 'inprogress/willretry' });
    expect(fax('success', 'success')).toEqual({ providerId: '42', rawStatus: 'success', phase: 'delivered', pages: 3 });
    expect(fax('partialsuccess', 'success')).toMatchObject({ phase: 'delivered' });
    const failed = fax('failure', 'failure', {
      error_type: 'documentConversionError',
      error_id: 54,
      error_message: 'Could not access the url you provided.',
    });
    expect(failed).toMatchObject({
      phase: 'failed',
      failureClass: 'document',
      error: 'The document could not be faxed: Could not access the url you provided (Phaxio documentConversionError 54).',
    });
  });

  it('falls back to the recipient error and keeps phone numbers out of messages', () => {
    const update = toProviderUpdate(
      parseFax({
        id: '7',
        status: 'failure',
        recipients: [{ status: 'failure', error_type: 'faxError', error_id: 8, error_message: 'Far end +1 (555) 010-0034 hung up' }],
      })!,
    );
    expect(update).toMatchObject({ failureClass: 'line_error' });
    expect(update.error).toBe('The call dropped or the receiving machine had trouble: Far end [number] hung up (Phaxio faxError 8).');
  });

  it('rejects objects without a usable id and reads Faxbot-style flat fields', () => {
    expect(parseFax({ status: 'success' })).toBeNull();
    expect(parseFax({ id: '12; DROP' })).toBeNull();
    expect(parseFax('nope')).toBeNull();
    const flat = faxFromFlatFields(
      new Map([
        ['fax[id]', '99'],
        ['fax[status]', 'SUCCESS'],
        ['fax[num_pages]', '2'],
        ['fax[tags][faxbot_job]', 'j1'],
      ]),
    );
    expect(flat).toMatchObject({ id: '99', status: 'success', numPages: 2, tags: { faxbot_job: 'j1' } });
  });
});
