import type { GatewayHandle } from './gateway-handle';
import type { NotificationCtor, NotificationLike } from './electron-api';
import { FaxNotifier, type NotificationContent } from './notifications';

export interface NotificationsStep {
  notify(content: NotificationContent): void;
  /** Announces fax outcomes from the gateway by the shared policy (shared/notifications.ts). */
  watch(events: GatewayHandle['events'], notifyOnDelivered: () => boolean): void;
}

export interface NotificationsStepDeps {
  Notification: NotificationCtor;
  icon: string;
  onClick: () => void;
}

const KEPT_ALIVE = 10;

export function setupNotifications(deps: NotificationsStepDeps): NotificationsStep {
  // Electron drops click handlers of notifications that were garbage-collected; keep the last few alive.
  const live: NotificationLike[] = [];
  const notify = (content: NotificationContent) => {
    if (!deps.Notification.isSupported()) return;
    const notification = new deps.Notification({ title: content.title, body: content.body, icon: deps.icon });
    notification.on('click', deps.onClick);
    notification.show();
    live.push(notification);
    if (live.length > KEPT_ALIVE) live.shift();
  };
  return {
    notify,
    watch(events, notifyOnDelivered) {
      const notifier = new FaxNotifier(notifyOnDelivered);
      events.on('remote:changed', (remote) => notifier.connection(remote));
      events.on('job:updated', (job) => {
        const content = notifier.forJob(job);
        if (content) notify(content);
      });
      events.on('inbound:received', (fax) => {
        const content = notifier.forInbound(fax);
        if (content) notify(content);
      });
    },
  };
}
