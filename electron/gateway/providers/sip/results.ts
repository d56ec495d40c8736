import type { FailureClass } from '../../../../shared/status';
import type { AmiMessage } from './ami';

/** What one AMI event says about one attempt (keyed by our provider id). */
export type AttemptChange =
  | { kind: 'answered' }
  | { kind: 'hungup' }
  | { kind: 'delivered'; pages: number | null }
  | { kind: 'failed'; failureClass: FailureClass; error: string; pages?: number | null };

const ORIGINATE_REASONS: Record<string, { failureClass: FailureClass; error: string }> = {
  '0': { failureClass: 'provider_unavailable', error: 'Asterisk could not place the call (no such channel or trunk unavailable).' },
  '1': { failureClass: 'line_error', error: 'The call was hung up before it was answered.' },
  '3': { failureClass: 'no_answer', error: 'No fax machine answered.' },
  '5': { failureClass: 'busy', error: 'The line was busy.' },
  '8': { failureClass: 'line_error', error: 'The network was congested; the call did not go through.' },
};

/** ${DIALSTATUS} from the FaxDial event our dialplan emits in the dialling channel's hangup handler. */
const DIAL_STATUSES: Record<string, { failureClass: FailureClass; error: string }> = {
  BUSY: ORIGINATE_REASONS['5'] as { failureClass: FailureClass; error: string },
  NOANSWER: ORIGINATE_REASONS['3'] as { failureClass: FailureClass; error: string },
  CONGESTION: ORIGINATE_REASONS['8'] as { failureClass: FailureClass; error: string },
  CHANUNAVAIL: { failureClass: 'provider_unavailable', error: 'The SIP trunk was unavailable; the call was not placed.' },
  CANCEL: { failureClass: 'line_error', error: 'The call was cancelled before it was answered.' },
  INVALIDARGS: { failureClass: 'rejected', error: 'Asterisk refused to dial (check the dialplan and trunk name).' },
};

function count(value: string | undefined): number | null {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isInteger(n) && n >= 0 && n < 100_000 ? n : null;
}

/**
 * ${FAXERROR} text → failure class. Trouble with the image itself does not improve by redialling;
 * everything else (T.38 negotiation, a dropped call, training failures) is line trouble and retried.
 */
function faxErrorClass(error: string): FailureClass {
  if (/resolution|image|file|tiff|memory_error|format/i.test(error)) return 'document';
  return 'line_error';
}

/** Readable fax error: Asterisk's text, bounded and without digits that could be a number. */
function faxErrorText(error: string | undefined): string {
  const text = (error ?? '').replace(/\+?\d[\d\s-]{5,}\d/g, '…').slice(0, 200);
  return text && text !== 'OK' ? `The fax failed: ${text}.` : 'The fax failed during transmission.';
}

/**
 * Correlates a standard or dialplan AMI event with an attempt: OriginateResponse by ActionID,
 * FaxResult/FaxDial by JobID (the Originate's JOBID variable), Hangup by Uniqueid (our ChannelId).
 */
export function changeFromEvent(event: AmiMessage): { providerId: string; change: AttemptChange } | null {
  const name = (event.event ?? '').toLowerCase();
  if (name === 'originateresponse' && event.actionid) {
    if ((event.response ?? '').toLowerCase() === 'success') return { providerId: event.actionid, change: { kind: 'answered' } };
    const reason = ORIGINATE_REASONS[event.reason ?? '0'] ?? ORIGINATE_REASONS['0'];
    return { providerId: event.actionid, change: { kind: 'failed', ...(reason as { failureClass: FailureClass; error: string }) } };
  }
  if (name === 'userevent' && event.jobid) {
    const userEvent = (event.userevent ?? '').toLowerCase();
    if (userEvent === 'faxresult') {
      const status = (event.status ?? '').toUpperCase();
      const pages = count(event.pages);
      if (status === 'SUCCESS') return { providerId: event.jobid, change: { kind: 'delivered', pages } };
      return {
        providerId: event.jobid,
        change: { kind: 'failed', failureClass: faxErrorClass(event.error ?? ''), error: faxErrorText(event.error), pages },
      };
    }
    if (userEvent === 'faxdial') {
      const dial = DIAL_STATUSES[(event.dialstatus ?? '').toUpperCase()];
      return dial ? { providerId: event.jobid, change: { kind: 'failed', ...dial } } : null;
    }
    return null;
  }
  if (name === 'hangup' && event.uniqueid) return { providerId: event.uniqueid, change: { kind: 'hungup' } };
  return null;
}
