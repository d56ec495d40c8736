import { scrubNumbers } from '../../../../shared/phone';
import type { ProviderUpdate } from '../types';

/** What SignalWire says about a fax, from a Fax resource (poll) or a StatusCallback (form fields). */
export interface FaxReport {
  sid: string;
  status: string;
  errorCode?: string | number | null;
  errorMessage?: string | null;
  numPages?: string | number | null;
}

/**
 * ErrorCodes of a failed media fetch. SignalWire's real values are [UNCONFIRMED]; 15002/15003 are
 * the Twilio-like codes the emulator uses (providers.md §3.8), so the message is matched as well.
 */
const MEDIA_FETCH_CODES = new Set(['15002', '15003']);
const MEDIA_UNSUPPORTED_CODES = new Set(['15004']);
const NOT_OPERATIONAL_CODES = new Set(['15005']);

export const MEDIA_FETCH_ERROR = 'SignalWire could not fetch the document (link expired?); retrying with a new link.';

/** `num_pages` is a string or null on the wire; "0" (nothing stored) says nothing either. */
export function parsePages(value: string | number | null | undefined): number | null {
  const n = typeof value === 'number' ? value : /^\d{1,5}$/.test(value ?? '') ? Number(value) : NaN;
  return Number.isInteger(n) && n > 0 ? n : null;
}

function describe(code: string, message: string): string {
  const parts = [message ? scrubNumbers(message) : '', code ? `code ${code}` : ''].filter(Boolean);
  return parts.length ? ` (SignalWire: ${parts.join(', ')})` : '';
}

function failed(report: FaxReport): ProviderUpdate {
  const code = String(report.errorCode ?? '').trim();
  const message = String(report.errorMessage ?? '').trim();
  const base = { providerId: report.sid, rawStatus: report.status, phase: 'failed' as const };
  if (MEDIA_FETCH_CODES.has(code) || /media.*(fetch|download|not found|retriev)|(fetch|download).*(media|document|url)/i.test(message)) {
    // Our link expired or was refused: our problem, retried with a freshly minted link.
    return { ...base, failureClass: 'provider_unavailable', error: MEDIA_FETCH_ERROR };
  }
  if (MEDIA_UNSUPPORTED_CODES.has(code)) {
    return { ...base, failureClass: 'document', error: `SignalWire could not convert the document${describe(code, message)}.` };
  }
  if (NOT_OPERATIONAL_CODES.has(code) || /not operational|invalid (phone )?number|not a (valid )?fax/i.test(message)) {
    return { ...base, failureClass: 'invalid_number', error: `The number is not a working fax number${describe(code, message)}.` };
  }
  const pages = parsePages(report.numPages);
  return { ...base, failureClass: 'line_error', error: `The fax failed${describe(code, message)}.`, ...(pages ? { pages } : {}) };
}

/** SignalWire's FaxStatus (providers.md §3.3) onto our phases and failure classes. */
export function toProviderUpdate(report: FaxReport): ProviderUpdate {
  const base = { providerId: report.sid, rawStatus: report.status };
  switch (report.status) {
    case 'queued':
      return { ...base, phase: 'sending' };
    case 'processing':
      return { ...base, phase: 'sending', detail: 'SignalWire is fetching the document' };
    case 'sending':
      return { ...base, phase: 'sending', detail: 'Dialing the fax machine and sending pages' };
    case 'delivered':
      return { ...base, phase: 'delivered', pages: parsePages(report.numPages) };
    case 'busy':
      return { ...base, phase: 'failed', failureClass: 'busy', error: 'The line was busy.' };
    case 'no-answer':
      return { ...base, phase: 'failed', failureClass: 'no_answer', error: 'No fax machine answered.' };
    case 'failed':
      return failed(report);
    case 'canceled':
      return { ...base, phase: 'failed', failureClass: 'rejected', error: 'SignalWire canceled the fax.' };
    default:
      // An unknown (new) status is not an outcome: keep waiting for one.
      return { ...base, phase: 'sending' };
  }
}
