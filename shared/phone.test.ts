import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskNumber, normalizeFaxNumber, scrubNumbers } from './phone';

describe('normalizeFaxNumber', () => {
  it.each([
    ['+15551234567', 'US', '+15551234567'],
    ['5551234567', 'US', '+15551234567'],
    ['(555) 123-4567', 'US', '+15551234567'],
    ['1-555-123-4567', 'US', '+15551234567'],
    ['555.123.4567', 'US', '+15551234567'],
    ['0044 20 7946 0958', 'US', '+442079460958'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['+49 30 901820', 'US', '+4930901820'],
  ])('%s in %s → %s', (input, region, e164) => {
    const result = normalizeFaxNumber(input, region);
    expect(result).toMatchObject({ ok: true, e164 });
  });

  it.each([
    ['', /required/],
    ['abc', /only digits/],
    ['+1 555', /not a possible number|too short/],
    ['1234567', /not a possible|too short/],
    ['+999 1234567', /country code/],
    ['5551234567x99', /only digits/],
    ['1'.repeat(50), /too long/],
  ])('rejects %j with a reason that says what is wrong', (input, reason) => {
    const result = normalizeFaxNumber(input, 'US');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('a national number from another country is not read as the default one: it suggests the likely country', () => {
    const uk = normalizeFaxNumber('020 7946 0018', 'US');
    expect(uk).toMatchObject({ ok: false, suggestion: { country: 'GB', e164: '+442079460018', international: '+44 20 7946 0018' } });
    if (!uk.ok) expect(uk.reason).toBe("'to' does not fit a US number; if it is in GB, type +44 20 7946 0018");
    // Ten digits fit the US length but no US range: accepted as typed, with where it would fit.
    const elsewhere = normalizeFaxNumber('(02) 9876 5432', 'US');
    expect(elsewhere).toMatchObject({ ok: true, likelyValid: false, suggestion: { e164: expect.stringMatching(/^\+[2-9]/) } });
    // No suggestion when the number fits the default country, or does not start like a national number.
    expect(normalizeFaxNumber('020 7946 0018', 'GB')).not.toHaveProperty('suggestion');
    expect(normalizeFaxNumber('1234567', 'US')).not.toHaveProperty('suggestion');
  });

  it('never throws on arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.constantFrom('US', 'GB', 'DE', 'XX'), (input, region) => {
        const result = normalizeFaxNumber(input, region);
        if (result.ok) expect(result.e164).toMatch(/^\+\d{6,16}$/);
      }),
    );
  });

  it('scrubs number-like runs from provider text, whatever their formatting', () => {
    expect(scrubNumbers('call 15550100034 or +44 20 7946 0958 now')).toBe('call [number] or [number] now');
    expect(scrubNumbers("The 'To' number +1 (555) 010-0034 is not valid")).toBe("The 'To' number [number] is not valid");
    expect(scrubNumbers('  Busy   line, code 17 ')).toBe('Busy line, code 17');
    expect(scrubNumbers('x'.repeat(300))).toHaveLength(200);
  });

  it('masks numbers to the last four digits', () => {
    expect(maskNumber('+15551234567')).toBe('****4567');
    expect(maskNumber('12')).toBe('****');
    expect(maskNumber(null)).toBe('');
  });
});
