import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { WEBHOOKS_DELIVER_JOB, WEBHOOKS_QUEUE } from '../webhooks.constants.js';

export interface WebhookDeliveryJob {
  deliveryId: string;
  /** The attempt this job makes; part of the job id so a retry never collides with the job that scheduled it. */
  attempt: number;
}

export interface ScheduledWebhookDeliveryJob extends WebhookDeliveryJob {
  delayMs?: number;
}

/**
 * Moves due deliveries to the worker. The database stays the source of truth:
 * a job that cannot be queued (Redis down) is found again by the reconciler.
 */
@Injectable()
export class WebhookDeliveryQueue {
  private readonly logger = new Logger('WebhooksModule');

  constructor(@InjectQueue(WEBHOOKS_QUEUE) readonly queue: Queue<WebhookDeliveryJob>) {}

  async enqueue(jobs: ScheduledWebhookDeliveryJob[]): Promise<void> {
    if (jobs.length === 0) return;
    try {
      await this.queue.addBulk(
        jobs.map(({ deliveryId, attempt, delayMs }) => ({
          name: WEBHOOKS_DELIVER_JOB,
          data: { deliveryId, attempt },
          opts: {
            jobId: `${deliveryId}:${attempt}`,
            delay: delayMs && delayMs > 0 ? delayMs : undefined,
            removeOnComplete: true,
            removeOnFail: true,
          },
        })),
      );
    } catch (err) {
      this.logger.warn(
        `Could not queue ${jobs.length} webhook deliveries (${(err as Error).message}); they are stored and will be sent once the queue answers.`,
      );
    }
  }
}
