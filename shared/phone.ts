import { getCountries, parsePhoneNumberWithError, ParseError, type CountryCode, isSupportedCountry } from 'libphonenumber-js/min';

/** A national number that fits another country: what to type instead. */
export interface NumberSuggestion {
  country: CountryCode;
  e164: string;
  /** As people write it: "+44 20 7946 0018". */
  international: string;
}

export type NumberResult =
  | { ok: true; e164: string; country: string | null; national: string; likelyValid: boolean; suggestion?: NumberSuggestion }
  | { ok: false; reason: string; suggestion?: NumberSuggestion };

/** Characters people type inside numbers that carry no meaning. */
const FORMATTING = /[\s().\-\u00a0\u2010-\u2015]/g;

export function isCountryCode(value: string): value is CountryCode {
  return isSupportedCountry(value);
}

/** Every ISO country code the number library knows, for the default-country list. */
export const COUNTRY_CODES: readonly CountryCode[] = getCountries();

/** What people type for a country that is not its ISO code ("UK" is GB). */
const COUNTRY_ALIASES: Record<string, CountryCode> = { UK: 'GB', EN: 'GB', ENGLAND: 'GB', USA: 'US' };

/** " uk " → "GB", "de" → "DE"; anything else comes back upper-cased for validation to refuse. */
export function countryCodeFor(typed: string): string {
  const upper = typed.trim().toUpperCase();
  return COUNTRY_ALIASES[upper] ?? upper;
}

/**
 * Countries tried, in order, when a national number does not fit the default country: common
 * fax destinations first. Many countries accept the same digits, so the first that fits wins.
 */
const LIKELY_COUNTRIES: readonly CountryCode[] = [
  'GB',
  'US',
  'CA',
  'DE',
  'FR',
  'AU',
  'IE',
  'NZ',
  'IT',
  'ES',
  'NL',
  'BE',
  'CH',
  'AT',
  'SE',
  'JP',
  'IN',
  'ZA',
  'MX',
  'BR',
];

function withSuggestion(suggestion: NumberSuggestion | undefined): { suggestion?: NumberSuggestion } {
  return suggestion ? { suggestion } : {};
}

function suggestCountry(compact: string, region: CountryCode | undefined): NumberSuggestion | undefined {
  // National numbers elsewhere mostly start with the trunk prefix 0; North American ones never do.
  if (!compact.startsWith('0')) return undefined;
  for (const country of LIKELY_COUNTRIES) {
    if (country === region) continue;
    try {
      const parsed = parsePhoneNumberWithError(compact, country);
      if (parsed.isValid()) return { country, e164: parsed.number, international: parsed.formatInternational() };
    } catch {
      // Not a number for this country: try the next.
    }
  }
  return undefined;
}

/**
 * Normalises what a person or script typed into E.164, using the default region for national
 * numbers (Faxbot prefixed a bare "+" and so sent US numbers to the wrong country).
 * Accepts "possible" numbers rather than only "valid" ones so that test numbers such as
 * +15551234567 used by Faxbot scripts keep working; `likelyValid` tells the UI when to warn.
 */
export function normalizeFaxNumber(input: string, defaultRegion: string): NumberResult {
  const raw = input.trim();
  if (raw === '') return { ok: false, reason: "'to' is required: enter a fax number" };
  if (raw.length > 40) return { ok: false, reason: "'to' is too long to be a fax number" };
  let compact = raw.replace(FORMATTING, '');
  if (compact.startsWith('00')) compact = `+${compact.slice(2)}`;
  if (!/^\+?\d+$/.test(compact)) {
    return { ok: false, reason: "'to' must contain only digits, an optional leading +, spaces, dashes or parentheses" };
  }
  const region = isCountryCode(defaultRegion) ? defaultRegion : undefined;
  if (!compact.startsWith('+') && !region) {
    return { ok: false, reason: "'to' must be in international format (+ and country code)" };
  }
  try {
    const parsed = parsePhoneNumberWithError(compact, region);
    if (!parsed.isPossible()) {
      const digits = parsed.nationalNumber.length;
      const suggestion = suggestCountry(compact, region);
      const where = parsed.country ?? `country code +${parsed.countryCallingCode}`;
      return {
        ok: false,
        reason: suggestion
          ? `'to' does not fit a ${where} number; if it is in ${suggestion.country}, type ${suggestion.international}`
          : `'to' is not a possible number for ${where} (${digits} digits after the country code); for another country start with + and its code`,
        ...withSuggestion(suggestion),
      };
    }
    return {
      ok: true,
      e164: parsed.number,
      country: parsed.country ?? null,
      national: parsed.formatNational(),
      likelyValid: parsed.isValid(),
      // Possible here but not a real range (e.g. a UK "02…" read as US): say where it would fit.
      ...(parsed.isValid() ? {} : withSuggestion(suggestCountry(compact, region))),
    };
  } catch (error) {
    const code = error instanceof ParseError ? error.message : 'NOT_A_NUMBER';
    const reasons: Record<string, string> = {
      INVALID_COUNTRY: "'to' has no valid country code: start with + and the country code",
      TOO_SHORT: "'to' is too short to be a fax number",
      TOO_LONG: "'to' is too long to be a fax number",
      NOT_A_NUMBER: "'to' is not a phone number",
    };
    return { ok: false, reason: reasons[code] ?? "'to' is not a phone number" };
  }
}

/**
 * Provider text we keep (error messages on jobs) with anything number-like replaced: providers
 * quote the dialled number in their errors. Whitespace is tidied and the length bounded.
 */
export function scrubNumbers(text: string): string {
  return text
    .replace(/\+?\d[\d\s().-]{5,}\d/g, '[number]')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}

/** What logs, audit rows and list views show: never the full number. */
export function maskNumber(value: string | null | undefined): string {
  if (!value) return '';
  const digits = value.replace(/\D/g, '');
  if (digits.length <= 4) return '****';
  return `****${digits.slice(-4)}`;
}
