import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { WEBHOOKS_RESOLVED_OPTIONS } from '../webhooks.constants.js';
import type { ResolvedWebhooksOptions } from '../webhooks.options.js';
import { WebhookDeliveryQueue } from './webhook-delivery.queue.js';
import { WebhookDeliveryStore } from '../delivery-log/webhook-delivery.store.js';
import type { WebhookDueDelivery } from '../delivery-log/webhook-delivery.store.js';
import { WebhookPeriodicTask } from './webhook-periodic.task.js';
import { LEASE_MARGIN_MS } from './webhook-delivery.runner.js';

/** How old a test delivery that no process ever claimed must be before it counts as interrupted (room for clocks that disagree). */
const INTERRUPTED_TEST_AFTER_MS = 120_000;

/** Due deliveries read per query. */
const RECONCILE_BATCH = 500;

/**
 * Finds deliveries that are due but have no live queue job, and queues them again. It
 * decides from the database: a due delivery that is not in flight and whose job is not
 * waiting, delayed or active (missing, failed, or a bare hash left by a flush) goes back:
 * after Redis lost its data (flushed, restarted without persistence), a job
 * lost in a crash, a commit whose jobs were never queued, or a worker that died
 * holding a delivery (once its lease runs out). Runs in every worker process at
 * start and every `reconcileIntervalMs`; queuing the same job twice is harmless,
 * as a job id names one attempt of one delivery.
 */
@Injectable()
export class WebhookDeliveryReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WebhooksModule');
  private readonly task: WebhookPeriodicTask;
  /** How long after Redis lost its data nothing is queued again: an attempt then in flight, and its record. */
  private readonly holdMs: number;
  private holding = false;

  constructor(
    private readonly store: WebhookDeliveryStore,
    private readonly queue: WebhookDeliveryQueue,
    @Inject(WEBHOOKS_RESOLVED_OPTIONS) options: ResolvedWebhooksOptions,
  ) {
    this.holdMs = options.requestTimeoutMs + LEASE_MARGIN_MS;
    this.task = new WebhookPeriodicTask('delivery reconciler', options.reconcileIntervalMs, () => this.reconcile());
  }

  onApplicationBootstrap(): void {
    // The mark first: a mark found gone later means Redis lost its data.
    void this.queue
      .mark()
      .catch((err: Error) => this.logger.warn(`Could not mark the queue's Redis (${err.message}); a later loss of its data is still noticed.`))
      .finally(() => this.task.start(0));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /** One pass; resolves to the number of deliveries queued again. */
  async reconcile(now = new Date()): Promise<number> {
    let requeued = 0;
    let after: WebhookDueDelivery | undefined;
    for (;;) {
      const due = await this.store.findDue(now, RECONCILE_BATCH, after);
      if (due.length === 0) break;
      // Jobs that name only the delivery: the worker loads and claims it from the database.
      const missing = await this.queue.missing(
        due.map((d) => ({ deliveryId: d.id, attempt: d.attempts + 1, webhookId: d.webhookId })),
        this.holdMs,
      );
      if (missing === 'hold') {
        if (!this.holding) this.logger.warn(`Redis lost its data: due deliveries are queued again once the attempts then in flight have ended (${this.holdMs} ms).`);
        this.holding = true;
        break;
      }
      this.holding = false;
      await this.queue.enqueue(missing.map(({ deliveryId, attempt }) => ({ deliveryId, attempt })));
      requeued += missing.length;
      if (due.length < RECONCILE_BATCH || this.task.isStopped) break;
      after = due[due.length - 1];
    }
    // A test delivery has no retry and no due time: one whose sender died would stay pending for ever.
    const interrupted = await this.store.failInterruptedTests(new Date(now.getTime() - INTERRUPTED_TEST_AFTER_MS));
    if (interrupted > 0) this.logger.warn(`Ended ${interrupted} test deliveries whose sending process stopped before their answer was recorded.`);
    if (requeued > 0) {
      this.logger.log(`Queued ${requeued} due webhook deliveries again: their queue jobs were gone (Redis lost them, or a worker stopped).`);
    }
    return requeued;
  }
}
