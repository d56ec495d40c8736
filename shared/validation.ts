import type { z } from 'zod';
import { PROVIDER_SETTINGS } from '../electron/gateway/providers/settings-catalog';

/**
 * The one mapping from validation issues (zod) to sentences a person can act on. Every door uses
 * it: settings saves, /rpc and IPC arguments, the REST admin routes and the settings file loader.
 */

/** What people call each field, in the words the Settings page and the Send screen use. */
export const FIELD_LABELS: Record<string, string> = {
  defaultRegion: 'Default country',
  pageSize: 'Paper size',
  publicApiUrl: 'Public address',
  enforcePublicHttps: 'Refuse a public address that is not https',
  requireApiKey: 'Require an API key',
  inboundEnabled: 'Receive faxes',
  maxFileSizeMb: 'Largest file accepted (MB)',
  pdfTokenTtlMinutes: 'Document link lifetime (minutes)',
  maxRequestsPerMinute: 'Requests per minute per key',
  artifactTtlDays: 'Days to keep sent documents',
  cleanupIntervalMinutes: 'Clean-up interval (minutes)',
  inboundRetentionDays: 'Days to keep received faxes',
  inboundTokenTtlMinutes: 'Received-fax link lifetime (minutes)',
  'retry.maxAttempts': 'Attempts per fax',
  'retry.busyDelaySeconds': 'Wait after a busy line (seconds)',
  'retry.noAnswerDelaySeconds': 'Wait after no answer (seconds)',
  'retry.lineErrorDelaySeconds': 'Wait after a line error (seconds)',
  'retry.providerDelaySeconds': 'Wait when the service is down (seconds)',
  'tunnel.host': 'Tunnel server',
  'tunnel.subdomain': 'Tunnel name',
  'storage.s3EndpointUrl': 'S3 endpoint address',
  'print.hotFolder': 'Hot folder',
  to: 'Fax number',
  documents: 'Documents',
  name: 'Name',
  scopes: 'Permissions',
  expiresAt: 'Expiry date',
  expires_at: 'Expiry date',
  limit: 'Number of results',
  // Each backend names its own fields (its provider folder's settings.ts).
  ...Object.fromEntries(
    PROVIDER_SETTINGS.flatMap((p) => Object.entries(p.labels ?? {}).map(([field, label]) => [`${p.backend}.${field}`, label as string])),
  ),
};

/** How a field's value must look when a pattern check fails (the pattern itself means nothing to people). */
const FORMAT_HINTS: Record<string, string> = {
  defaultRegion: 'a two-letter country code from the list, such as US, GB or DE',
  'tunnel.subdomain': 'lower-case letters, digits and dashes only',
  'print.hotFolder': 'the full path of the hot folder (for example /home/me/Fax or C:\\Fax)',
};

type Issue = z.core.$ZodIssue;

/** "retry.maxAttempts" → "Attempts per fax"; unknown paths read as words ("sinch.projectId" → "Sinch project id"). */
export function fieldLabel(path: readonly PropertyKey[]): string {
  const dotted = path.map(String).join('.');
  if (dotted === '') return 'The request';
  const known = FIELD_LABELS[dotted] ?? FIELD_LABELS[String(path[path.length - 1])];
  if (known) return known;
  const words = path
    .filter((part) => typeof part === 'string')
    .join(' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[._]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function bound(issue: { origin?: string; inclusive?: boolean }, value: unknown, direction: 'least' | 'most'): string {
  const exclusive = issue.inclusive === false;
  if (issue.origin === 'string') {
    if (direction === 'least' && value === 1) return 'cannot be empty';
    return `must be ${direction === 'least' ? 'at least' : 'at most'} ${String(value)} characters long`;
  }
  if (issue.origin === 'array' || issue.origin === 'set') return `needs ${direction === 'least' ? 'at least' : 'at most'} ${String(value)}`;
  if (exclusive) return `must be ${direction === 'least' ? 'more' : 'less'} than ${String(value)}`;
  return `must be ${direction === 'least' ? 'at least' : 'at most'} ${String(value)}`;
}

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  boolean: 'on or off',
  string: 'text',
  array: 'a list',
  object: 'a group of values',
  record: 'a group of values',
};

/** One issue as one sentence: "Attempts per fax must be at least 1." */
export function issueSentence(issue: Issue): string {
  const label = fieldLabel(issue.path);
  const dotted = issue.path.map(String).join('.');
  switch (issue.code) {
    case 'too_small':
      return `${label} ${bound(issue, issue.minimum, 'least')}.`;
    case 'too_big':
      return `${label} ${bound(issue, issue.maximum, 'most')}.`;
    case 'invalid_type':
      return /received undefined/.test(issue.message)
        ? `${label} is missing.`
        : `${label} must be ${TYPE_WORDS[issue.expected] ?? issue.expected}.`;
    case 'invalid_format':
      if (issue.format === 'url') return `${label} must be a web address starting with https:// (or http://).`;
      if (issue.format === 'email') return `${label} must be an email address such as name@example.com.`;
      if (issue.format === 'datetime') return `${label} must be a date and time such as 2030-01-31T12:00:00Z.`;
      return `${label} must be ${FORMAT_HINTS[dotted] ?? 'in the expected form'}.`;
    case 'invalid_value':
      return `${label} must be one of: ${issue.values.map(String).join(', ')}.`;
    case 'unrecognized_keys':
      return `Unknown ${issue.keys.length === 1 ? 'field' : 'fields'}: ${issue.keys.join(', ')}.`;
    case 'custom':
      return FORMAT_HINTS[dotted] ? `${label} must be ${FORMAT_HINTS[dotted]}.` : `${label} is not valid.`;
    case 'not_multiple_of':
      return `${label} must be a multiple of ${String(issue.divisor)}.`;
    default:
      return `${label} is not valid.`;
  }
}

/** Every issue as a sentence, joined: the `detail` of a 400 or the message of a bad_request. */
export function describeIssues(issues: readonly Issue[]): string {
  return [...new Set(issues.map(issueSentence))].join(' ');
}
