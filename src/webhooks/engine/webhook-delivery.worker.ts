import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Job } from 'bull';
import { setTimeout as sleep } from 'node:timers/promises';
import { WEBHOOKS_RESOLVED_OPTIONS } from '../webhooks.constants.js';
import type { ResolvedWebhooksOptions } from '../webhooks.options.js';
import { WebhookDeliveryQueue, WebhookDeliveryWait, isDeliveryJob } from './webhook-delivery.queue.js';
import type { WebhookDeliveryJob } from './webhook-delivery.queue.js';
import { WebhookDeliveryWriter } from './webhook-delivery.writer.js';
import { LEASE_MARGIN_MS, WebhookDeliveryRunner } from './webhook-delivery.runner.js';

/**
 * Takes delivery jobs off the queue, `concurrency` at a time. Registered only
 * where `processDeliveries` is true, so API-only nodes never send.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('WebhooksModule');

  constructor(
    private readonly queue: WebhookDeliveryQueue,
    private readonly runner: WebhookDeliveryRunner,
    private readonly writer: WebhookDeliveryWriter,
    @Inject(WEBHOOKS_RESOLVED_OPTIONS) private readonly options: ResolvedWebhooksOptions,
  ) {}

  onApplicationBootstrap(): void {
    // Every job name: a nameless or foreign job is taken too, and ends nothing (see `handle`).
    void this.queue.queue
      .process('*', this.options.concurrency, (job: Job<WebhookDeliveryJob>) => this.handle(job))
      .catch((err: Error) => this.logger.error(`The webhook delivery worker stopped: ${err.message}`));
  }

  /** The first word of a stop (Nest calls it before `beforeApplicationShutdown`): no job is taken from a webhook's line from here on. */
  onModuleDestroy(): void {
    this.runner.stop();
  }

  /**
   * Graceful shutdown, before the HTTP agent, the queue and the database close:
   * stop taking jobs and let the attempts in flight finish and be recorded. One
   * that outlasts its lease is left to the reconciler of a running worker.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const stopped = new AbortController();
    const drained = this.queue.queue.pause(true).catch((err: Error) => {
      this.logger.warn(`The webhook delivery worker could not stop cleanly: ${err.message}`);
    });
    await Promise.race([
      drained.then(() => this.writer.drain()),
      sleep(this.options.requestTimeoutMs + LEASE_MARGIN_MS, undefined, { signal: stopped.signal, ref: false }).catch(() => undefined),
    ]);
    stopped.abort();
  }

  private async handle(job: Job<WebhookDeliveryJob>): Promise<void> {
    if (!isDeliveryJob(job.data)) return;
    try {
      await this.runner.process(job.data);
    } catch (err) {
      // Its webhook cannot take it yet: Bull puts it back among the delayed jobs.
      if (err instanceof WebhookDeliveryWait) throw err;
      // The row stays due; the reconciler queues it again once any lease has run out.
      this.logger.error(`Webhook delivery ${job.data.deliveryId} could not be processed: ${(err as Error).message}`);
    }
  }
}
