import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { WEBHOOK_DISABLED_EVENT, WEBHOOK_FAILED_EVENT } from '../webhooks/index.js';
import type { WebhookDisabledEvent, WebhookFailedEvent } from '../webhooks/index.js';

/**
 * Only the host of a URL goes to the log: the rest of it may be a credential
 * (Slack's and Discord's webhook URLs are).
 */
function where(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an unreadable URL';
  }
}

/**
 * What a site owner wants to hear from the webhooks module: a receiver that gave
 * up for good, and each event that could not be delivered. A real app would mail
 * or page someone here; the demo writes it to its log.
 */
@Injectable()
export class WebhookNoticesListener {
  private readonly logger = new Logger('Webhooks');

  @OnEvent(WEBHOOK_DISABLED_EVENT)
  disabled({ webhook, reason }: WebhookDisabledEvent): void {
    this.logger.warn(
      `Webhook "${webhook.name}" (${where(webhook.url)}) was turned off: ${reason}. ` +
        'Nothing is sent to it until an admin turns it back on (Admin → Live Chat → Webhooks); ' +
        'then "Replay failed deliveries" sends what it missed.',
    );
  }

  @OnEvent(WEBHOOK_FAILED_EVENT)
  failed({ webhook, deliveryId, event, attempts, error }: WebhookFailedEvent): void {
    this.logger.warn(
      `Webhook "${webhook.name}" (${where(webhook.url)}) did not receive ${event} (delivery ${deliveryId}) ` +
        `after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${error}. It can be sent again from the delivery log.`,
    );
  }
}
