import * as z from 'zod';
import { scrubNumbers } from '../../../../shared/phone';
import { FAILURE_ADVICE, type FailureClass } from '../../../../shared/status';
import type { ProviderUpdate } from '../types';

/**
 * The parts of Phaxio's v2.1 fax object (providers.md §1.3) the gateway uses. Parsed leniently:
 * webhooks and API answers are untrusted input, and Faxbot-style flat forms lack most fields.
 */
export interface PhaxioFax {
  /** Phaxio sends an integer; kept as a decimal string (our provider id). */
  id: string;
  /** Lower-cased raw status: queued, pendingbatch, inprogress, success, failure, partialsuccess. */
  status: string;
  direction: string | null;
  numPages: number | null;
  errorType: string | null;
  errorId: number | null;
  errorMessage: string | null;
  fromNumber: string | null;
  toNumber: string | null;
  tags: Record<string, string>;
  recipients: PhaxioRecipient[];
}

export interface PhaxioRecipient {
  status: string | null;
  retryCount: number;
  errorType: string | null;
  errorId: number | null;
  errorMessage: string | null;
}

const text = (max: number) => z.string().max(max).nullish().catch(null);
const int = z.coerce.number().int().min(0).max(1_000_000).nullish().catch(null);

const RecipientSchema = z.object({
  status: text(40),
  retry_count: int,
  error_type: text(80),
  error_id: int,
  error_message: text(500),
});

const FaxSchema = z.object({
  // Real Phaxio ids are integers; Faxbot's own tests post ids such as `phaxio_123`, which must not be a 400.
  id: z.union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/)]).transform(String),
  status: z.string().max(40).nullish().catch(null),
  direction: text(20),
  num_pages: int,
  error_type: text(80),
  error_id: int,
  error_message: text(500),
  from_number: text(40),
  to_number: text(40),
  /** Faxbot's documented inbound JSON says `from`/`to`. */
  from: text(40),
  to: text(40),
  tags: z.record(z.string().max(100), z.coerce.string().max(200)).nullish().catch(null),
  recipients: z.array(RecipientSchema.nullable().catch(null)).max(100).nullish().catch(null),
});

/** A Phaxio fax object from a webhook or an API answer; null when it has no usable id. */
export function parseFax(value: unknown): PhaxioFax | null {
  const parsed = FaxSchema.safeParse(value);
  if (!parsed.success) return null;
  const f = parsed.data;
  return {
    id: f.id,
    status: (f.status ?? '').trim().toLowerCase(),
    direction: f.direction ?? null,
    numPages: f.num_pages ?? null,
    errorType: f.error_type ?? null,
    errorId: f.error_id ?? null,
    errorMessage: f.error_message ?? null,
    fromNumber: f.from_number ?? f.from ?? null,
    toNumber: f.to_number ?? f.to ?? null,
    tags: f.tags ?? {},
    recipients: (f.recipients ?? []).flatMap((r) =>
      r
        ? [
            {
              status: r.status?.toLowerCase() ?? null,
              retryCount: r.retry_count ?? 0,
              errorType: r.error_type ?? null,
              errorId: r.error_id ?? null,
              errorMessage: r.error_message ?? null,
            },
          ]
        : [],
    ),
  };
}

/**
 * Faxbot's callback format (faxbot-compat.md §1.4): flat `fax[status]` keys, or bare `id`/`status`.
 * Real Phaxio sends `fax` as a JSON string instead; both are accepted.
 */
export function faxFromFlatFields(fields: ReadonlyMap<string, string>): PhaxioFax | null {
  const pick = (...names: string[]) => names.map((n) => fields.get(n)).find((v) => v !== undefined);
  const tags: Record<string, string> = {};
  for (const [name, value] of fields) {
    const tag = /^fax\[tags\]\[(.+)\]$/.exec(name)?.[1];
    if (tag) tags[tag] = value;
  }
  return parseFax({
    id: pick('fax[id]', 'id', 'fax_id'),
    status: pick('fax[status]', 'status'),
    direction: pick('fax[direction]', 'direction'),
    num_pages: pick('fax[num_pages]', 'num_pages'),
    error_type: pick('fax[error_type]', 'error_type'),
    error_id: pick('fax[error_id]', 'error_id'),
    error_message: pick('fax[error_message]', 'error_message'),
    from_number: pick('fax[from_number]', 'fax[from]', 'from_number', 'from'),
    to_number: pick('fax[to_number]', 'fax[to]', 'to_number', 'to'),
    tags,
  });
}

// Phaxio error ids (providers.md §1.3, https://www.phaxio.com/docs/errorMessages).
const BUSY_IDS = new Set([17]);
const NO_ANSWER_IDS = new Set([16, 30, 87, 112]);
const BAD_NUMBER_IDS = new Set([34, 49, 73, 115]);

export function failureClassOf(errorType: string | null, errorId: number | null): FailureClass {
  switch (errorType) {
    case 'lineError':
      if (errorId !== null && BUSY_IDS.has(errorId)) return 'busy';
      if (errorId !== null && NO_ANSWER_IDS.has(errorId)) return 'no_answer';
      if (errorId !== null && BAD_NUMBER_IDS.has(errorId)) return 'invalid_number';
      return 'line_error';
    case 'faxError':
      return 'line_error';
    case 'documentConversionError':
      return 'document';
    default:
      return 'unknown';
  }
}

function failureMessage(failureClass: FailureClass, errorType: string | null, errorId: number | null, errorMessage: string | null): string {
  const reason = FAILURE_ADVICE[failureClass].reason.replace(/\.$/, '');
  // Busy, no answer and a bad number read well alone; otherwise Phaxio's own words are the best clue.
  const plain = failureClass === 'busy' || failureClass === 'no_answer' || failureClass === 'invalid_number';
  const said = errorMessage && !plain ? `: ${scrubNumbers(errorMessage).replace(/\.$/, '')}` : '';
  const code = errorType ? ` (Phaxio ${errorType}${errorId === null ? '' : ` ${errorId}`})` : '';
  return `${reason}${said}${code}.`;
}

const RECIPIENT_DETAIL: Record<string, string> = {
  ringing: 'Phaxio is dialing the fax machine',
  callactive: 'Connected; sending pages',
  willretry: 'The call did not go through; Phaxio will redial',
};

/** Maps a fax object onto our phases. We always send to one recipient, so its status is the fax's. */
export function toProviderUpdate(fax: PhaxioFax): ProviderUpdate {
  const recipient = fax.recipients[0] ?? null;
  const pages = fax.numPages !== null && fax.numPages > 0 ? fax.numPages : undefined;
  const base = { providerId: fax.id, ...(pages === undefined ? {} : { pages }) };
  const delivered = fax.status === 'success' || (fax.status === 'partialsuccess' && recipient?.status === 'success');
  if (delivered) return { ...base, rawStatus: fax.status, phase: 'delivered' };
  if (fax.status === 'failure' || fax.status === 'partialsuccess') {
    const errorType = fax.errorType ?? recipient?.errorType ?? null;
    const errorId = fax.errorId ?? recipient?.errorId ?? null;
    const failureClass = failureClassOf(errorType, errorId);
    return {
      ...base,
      rawStatus: fax.status,
      phase: 'failed',
      failureClass,
      error: failureMessage(failureClass, errorType, errorId, fax.errorMessage ?? recipient?.errorMessage ?? null),
    };
  }
  // queued, pendingbatch, inprogress (and anything new): still sending. The recipient status is part
  // of the raw status so ringing → callactive → willretry each make one timeline line.
  const sub = recipient?.status && recipient.status !== fax.status ? recipient.status : null;
  const detail =
    (sub && RECIPIENT_DETAIL[sub]) ??
    (fax.status === 'pendingbatch' ? 'Waiting in a Phaxio batch' : fax.status === 'inprogress' ? 'Phaxio is sending the fax' : undefined);
  return {
    ...base,
    rawStatus: sub ? `${fax.status || 'unknown'}/${sub}` : fax.status || 'unknown',
    phase: 'sending',
    ...(detail ? { detail } : {}),
  };
}
