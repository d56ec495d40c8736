import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { contract } from './contract';
import { SettingsSchema } from './settings';
import { describeIssues } from './validation';

/** What a person sees for a settings value (the same mapping every door uses). */
function settingsMessage(patch: unknown): string {
  const parsed = SettingsSchema.safeParse(patch);
  if (parsed.success) throw new Error('expected a validation failure');
  return describeIssues(parsed.error.issues);
}

describe('validation issues become plain sentences', () => {
  it.each([
    [{ retry: { maxAttempts: 0 } }, 'Attempts per fax must be at least 1.'],
    [{ retry: { maxAttempts: 50 } }, 'Attempts per fax must be at most 20.'],
    [{ retry: { maxAttempts: 2.5 } }, 'Attempts per fax must be a whole number.'],
    [{ maxFileSizeMb: 'ten' }, 'Largest file accepted (MB) must be a number.'],
    [{ defaultRegion: 'XX' }, 'Default country must be a two-letter country code from the list, such as US, GB or DE.'],
    [{ publicApiUrl: 'ftp://example.com' }, 'Public address must be a web address starting with https:// (or http://).'],
    [{ pageSize: 'a5' }, 'Paper size must be one of: letter, a4.'],
    [{ requireApiKey: 'yes' }, 'Require an API key must be on or off.'],
    [{ tunnel: { subdomain: 'My Office' } }, 'Tunnel name must be lower-case letters, digits and dashes only.'],
  ])('%j → %s', (patch, sentence) => {
    expect(settingsMessage(patch)).toBe(sentence);
  });

  it('a default country is an ISO code from the list; "uk" as typed becomes GB', () => {
    expect(SettingsSchema.parse({ defaultRegion: ' uk ' }).defaultRegion).toBe('GB');
    expect(SettingsSchema.parse({ defaultRegion: 'de' }).defaultRegion).toBe('DE');
    expect(SettingsSchema.safeParse({ defaultRegion: 'EU' }).success).toBe(false);
  });

  it('never shows a pattern, a dotted path or zod wording', () => {
    const message = settingsMessage({ defaultRegion: '1', retry: { maxAttempts: -1, busyDelaySeconds: 0 }, tunnel: { subdomain: '!' } });
    expect(message).not.toMatch(/\^|\$|\/|retry\.|expected|Too small|Invalid/);
    expect(message).toBe(
      'Default country must be a two-letter country code from the list, such as US, GB or DE. Attempts per fax must be at least 1. ' +
        'Wait after a busy line (seconds) must be at least 1. Tunnel name must be lower-case letters, digits and dashes only.',
    );
  });

  it('covers contract arguments: missing, empty, too long, unknown fields', () => {
    const send = contract['jobs:send'].input.safeParse({ documents: [] });
    expect(send.success).toBe(false);
    expect(describeIssues(send.error!.issues)).toBe('Fax number is missing. Documents needs at least 1.');
    const strict = z.object({ name: z.string().min(1).max(3) }).strict();
    const parsed = strict.safeParse({ name: '', extra: 1 });
    expect(describeIssues(parsed.error!.issues)).toBe('Name cannot be empty. Unknown field: extra.');
    expect(describeIssues(strict.safeParse({ name: 'abcd' }).error!.issues)).toBe('Name must be at most 3 characters long.');
    const key = contract['keys:create'].input.safeParse({ scopes: [], expiresAt: 'tomorrow' });
    expect(describeIssues(key.error!.issues)).toBe('Expiry date must be a date and time such as 2030-01-31T12:00:00Z.');
  });
});
