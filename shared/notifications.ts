import { maskNumber, scrubNumbers } from './phone';
import type { InboundView, JobView, RemoteStatus } from './types';

export interface FaxNotification {
  title: string;
  body: string;
  /** One notification per outcome: a repeat with the same tag (callback and poller both report) is dropped. */
  tag: string;
}

/**
 * The notification policy for fax outcomes: failures always, deliveries only when the user asked
 * (office-fax.md §3.3), received faxes always. Numbers are masked and provider messages scrubbed of
 * numbers, because OS notifications show on lock screens. A window connected to an office server
 * (`ownKeyId`: its key) announces only its own person's faxes, not every colleague's.
 */
export function jobNotification(
  job: Pick<JobView, 'id' | 'status' | 'toE164' | 'pages' | 'error' | 'apiKeyId'>,
  notifyOnDelivered: boolean,
  ownKeyId: string | null = null,
): FaxNotification | null {
  if (ownKeyId !== null && job.apiKeyId !== ownKeyId) return null;
  const tag = `job-${job.id}-${job.status}`;
  const to = maskNumber(job.toE164);
  if (job.status === 'failed') {
    return { title: `Fax to ${to} failed`, body: job.error ? scrubNumbers(job.error) : 'The fax service reported a failure.', tag };
  }
  if (job.status === 'delivered' && notifyOnDelivered) {
    return {
      title: `Fax to ${to} delivered`,
      body: job.pages ? `${job.pages} page${job.pages === 1 ? '' : 's'} sent` : 'Confirmed by the fax service',
      tag,
    };
  }
  return null;
}

export function inboundNotification(fax: Pick<InboundView, 'id' | 'from' | 'pages'>): FaxNotification {
  const from = fax.from ? maskNumber(fax.from) : 'an unknown sender';
  const pages = fax.pages ? ` · ${fax.pages} page${fax.pages === 1 ? '' : 's'}` : '';
  return { title: 'New fax received', body: `From ${from}${pages}`, tag: `inbound-${fax.id}` };
}

/** The key whose faxes this window announces: its own key while connected to an office server, else everyone's (null). */
export function ownKeyIdOf(remote: RemoteStatus | null | undefined): string | null {
  return remote?.mode === 'remote' ? remote.keyId : null;
}
