import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Job } from 'bull';
import { WEBHOOKS_DELIVER_JOB, WEBHOOKS_RESOLVED_OPTIONS } from '../webhooks.constants.js';
import type { ResolvedWebhooksOptions } from '../webhooks.options.js';
import { WebhookDeliveryQueue } from './webhook-delivery.queue.js';
import type { WebhookDeliveryJob } from './webhook-delivery.queue.js';
import { WebhookDeliveryRunner } from './webhook-delivery.runner.js';

/**
 * Takes delivery jobs off the queue, `concurrency` at a time. Registered only
 * where `processDeliveries` is true, so API-only nodes never send.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WebhooksModule');

  constructor(
    private readonly queue: WebhookDeliveryQueue,
    private readonly runner: WebhookDeliveryRunner,
    @Inject(WEBHOOKS_RESOLVED_OPTIONS) private readonly options: ResolvedWebhooksOptions,
  ) {}

  onApplicationBootstrap(): void {
    void this.queue.queue
      .process(WEBHOOKS_DELIVER_JOB, this.options.concurrency, (job: Job<WebhookDeliveryJob>) => this.handle(job))
      .catch((err: Error) => this.logger.error(`The webhook delivery worker stopped: ${err.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    // Stops taking jobs and waits for the ones in flight.
    await this.queue.queue.close().catch(() => undefined);
  }

  private async handle(job: Job<WebhookDeliveryJob>): Promise<void> {
    try {
      await this.runner.run(job.data.deliveryId);
    } catch (err) {
      // The row stays due; the job is dropped and the delivery is picked up again.
      this.logger.error(`Webhook delivery ${job.data.deliveryId} could not be processed: ${(err as Error).message}`);
    }
  }
}
