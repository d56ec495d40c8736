import type { FailureClass } from '../../../../shared/status';
import type { ProviderUpdate } from '../types';

/**
 * The parts of a Sinch v3 Fax object (providers.md §2.4) the gateway reads, parsed leniently from
 * `unknown`: SDK 1.0 spelled `errorId` (number) + `errorCode` (string), later SDKs `errorCode` (number).
 */
export interface SinchFax {
  id: string;
  status: string;
  direction: string | null;
  from: string;
  to: string;
  numberOfPages: number | null;
  pagesSentSuccessfully: number | null;
  errorType: string | null;
  errorCode: number | null;
  retryCount: number;
  labels: Record<string, string>;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function int(v: unknown): number | null {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
}

function asObject(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** A Fax object, or null when `value` has no usable id. `value` may be the JSON string multipart webhooks carry. */
export function parseFax(value: unknown): SinchFax | null {
  let raw = value;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw) as unknown;
    } catch {
      return null;
    }
  }
  const o = asObject(raw);
  const id = str(o?.id);
  if (!o || !id || id.length > 200) return null;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(asObject(o.labels) ?? {})) if (typeof v === 'string') labels[k] = v;
  return {
    id,
    status: (str(o.status) ?? 'UNKNOWN').toUpperCase(),
    direction: str(o.direction),
    from: str(o.from) ?? '',
    to: str(o.to) ?? '',
    numberOfPages: int(o.numberOfPages),
    pagesSentSuccessfully: int(o.pagesSentSuccessfully),
    errorType: str(o.errorType)?.toUpperCase() ?? null,
    // A numeric errorCode wins; SDK 1.0 put the number in errorId and a string in errorCode.
    errorCode: int(o.errorCode) ?? int(o.errorId),
    retryCount: int(o.retryCount) ?? 0,
    labels,
  };
}

// Codes are Phaxio's ids, reused by Sinch (providers.md §2.4).
const BUSY_CODES = new Set([17]);
const NO_ANSWER_CODES = new Set([16, 30, 87, 112]);
const INVALID_NUMBER_CODES = new Set([34, 49, 73, 115]);

/** Failure class and a human sentence (never Sinch's errorMessage, which can quote the number). */
export function classifyFailure(errorType: string | null, errorCode: number | null): { failureClass: FailureClass; error: string } {
  const ref = errorType || errorCode !== null ? ` (Sinch ${[errorType, errorCode].filter((x) => x !== null).join(' ')})` : '';
  if (errorType === 'DOCUMENT_CONVERSION_ERROR') {
    return { failureClass: 'document', error: `Sinch could not convert the document${ref}.` };
  }
  if (errorCode !== null && BUSY_CODES.has(errorCode)) return { failureClass: 'busy', error: `The line was busy${ref}.` };
  if (errorCode !== null && NO_ANSWER_CODES.has(errorCode)) return { failureClass: 'no_answer', error: `No fax machine answered${ref}.` };
  if (errorCode !== null && INVALID_NUMBER_CODES.has(errorCode)) {
    return { failureClass: 'invalid_number', error: `The number is not a working fax number${ref}.` };
  }
  return { failureClass: 'line_error', error: `The call dropped or the receiving machine had trouble${ref}.` };
}

/** Sinch's statuses onto ours: QUEUED/IN_PROGRESS → sending, COMPLETED → delivered, FAILURE → failed. */
export function faxUpdate(fax: SinchFax): ProviderUpdate {
  const base = { providerId: fax.id, rawStatus: fax.status };
  switch (fax.status) {
    case 'COMPLETED':
      return { ...base, phase: 'delivered', pages: fax.pagesSentSuccessfully ?? fax.numberOfPages };
    case 'FAILURE':
      // Pages only for a partial send: a busy line's 0 would overwrite the document's page count.
      return {
        ...base,
        phase: 'failed',
        ...classifyFailure(fax.errorType, fax.errorCode),
        ...(fax.pagesSentSuccessfully ? { pages: fax.pagesSentSuccessfully } : {}),
      };
    case 'IN_PROGRESS':
      return {
        ...base,
        phase: 'sending',
        detail: fax.retryCount > 0 ? `Sinch is calling again (retry ${fax.retryCount})` : 'Sinch is calling the fax machine',
      };
    default:
      // QUEUED, or a status this code does not know yet: still on its way, never a guess at an outcome.
      return { ...base, phase: 'sending' };
  }
}
