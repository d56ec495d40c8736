import type { EventPayloads } from '../../shared/contract';

export interface NotificationContent {
  title: string;
  body: string;
}

const REMEMBERED = 2000;

/**
 * Decides which gateway events become OS notifications: a delivered fax (if the user asked for
 * those), a failed fax, a received fax. Each job/fax is announced once per outcome even if the event
 * repeats (callbacks and pollers both report the same result).
 */
export class FaxNotifier {
  private readonly announced = new Set<string>();

  constructor(private readonly notifyOnDelivered: () => boolean) {}

  forJob(job: EventPayloads['job:updated']): NotificationContent | null {
    if (job.status !== 'delivered' && job.status !== 'failed') return null;
    if (job.status === 'delivered' && !this.notifyOnDelivered()) return null;
    if (!this.remember(`job:${job.id}:${job.status}`)) return null;
    const pages = job.pages ? ` (${job.pages} page${job.pages === 1 ? '' : 's'})` : '';
    return job.status === 'delivered'
      ? { title: 'Fax delivered', body: `To ${job.to}${pages}` }
      : { title: 'Fax failed', body: `To ${job.to}: ${job.error ?? 'the provider reported a failure'}` };
  }

  forInbound(fax: EventPayloads['inbound:received']): NotificationContent | null {
    if (!this.remember(`inbound:${fax.id}`)) return null;
    const pages = fax.pages ? `, ${fax.pages} page${fax.pages === 1 ? '' : 's'}` : '';
    return { title: 'Fax received', body: `From ${fax.from || 'unknown sender'}${pages}` };
  }

  private remember(key: string): boolean {
    if (this.announced.has(key)) return false;
    this.announced.add(key);
    // Sets iterate in insertion order, so the first key is the oldest.
    if (this.announced.size > REMEMBERED) this.announced.delete(this.announced.values().next().value as string);
    return true;
  }
}
