import type { EventPayloads } from '../../shared/contract';
import { inboundNotification, jobNotification, ownKeyIdOf, type FaxNotification } from '../../shared/notifications';

export type NotificationContent = Pick<FaxNotification, 'title' | 'body'>;

const REMEMBERED = 2000;

/**
 * Turns gateway events into OS notifications by the shared policy (shared/notifications.ts), each
 * job/fax announced once per outcome even if the event repeats (callbacks and pollers both report
 * the same result).
 */
export class FaxNotifier {
  private readonly announced = new Set<string>();
  private ownKeyId: string | null = null;

  constructor(private readonly notifyOnDelivered: () => boolean) {}

  /** Follows the office-server link (remote:changed): while connected, only this person's faxes are announced. */
  connection(remote: EventPayloads['remote:changed']): void {
    this.ownKeyId = ownKeyIdOf(remote);
  }

  forJob(job: EventPayloads['job:updated']): NotificationContent | null {
    return this.once(jobNotification(job, this.notifyOnDelivered(), this.ownKeyId));
  }

  forInbound(fax: EventPayloads['inbound:received']): NotificationContent | null {
    return this.once(inboundNotification(fax));
  }

  private once(notification: FaxNotification | null): NotificationContent | null {
    if (notification === null || this.announced.has(notification.tag)) return null;
    this.announced.add(notification.tag);
    // Sets iterate in insertion order, so the first key is the oldest.
    if (this.announced.size > REMEMBERED) this.announced.delete(this.announced.values().next().value as string);
    return { title: notification.title, body: notification.body };
  }
}
