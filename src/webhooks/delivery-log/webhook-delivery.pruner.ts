import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { WEBHOOKS_RESOLVED_OPTIONS } from '../webhooks.constants.js';
import type { ResolvedWebhooksOptions } from '../webhooks.options.js';
import { WebhookDeliveryStore } from './webhook-delivery.store.js';
import { WebhookPeriodicTask } from '../engine/webhook-periodic.task.js';

/** Rows deleted per statement: short enough that no lock is held for long. */
export const PRUNE_BATCH = 500;
/** Pause between two batches, so the deletes leave room for the deliveries' own writes. */
const PRUNE_PAUSE_MS = 50;
const PRUNE_FIRST_DELAY_MS = 60_000;
const PRUNE_INTERVAL_MS = 60 * 60_000;
const DAY_MS = 86_400_000;

/**
 * Deletes delivery log rows older than `deliveryRetentionDays`, in batches,
 * a minute after a worker starts and then every hour. Deliveries still waiting
 * to be sent are never pruned.
 */
@Injectable()
export class WebhookDeliveryPruner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WebhooksModule');
  private readonly task = new WebhookPeriodicTask('delivery log pruning', PRUNE_INTERVAL_MS, () => this.prune());

  constructor(
    private readonly store: WebhookDeliveryStore,
    @Inject(WEBHOOKS_RESOLVED_OPTIONS) private readonly options: ResolvedWebhooksOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(PRUNE_FIRST_DELAY_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /** Deletes every prunable row created before `now` less the retention; resolves to how many. */
  async prune(now = new Date(), batchSize = PRUNE_BATCH): Promise<number> {
    const cutoff = new Date(now.getTime() - this.options.deliveryRetentionDays * DAY_MS);
    let pruned = 0;
    for (;;) {
      const deleted = await this.store.pruneBatch(cutoff, batchSize);
      pruned += deleted;
      if (deleted < batchSize || this.task.isStopped) break;
      await sleep(PRUNE_PAUSE_MS);
    }
    if (pruned > 0) this.logger.log(`Pruned ${pruned} webhook deliveries older than ${this.options.deliveryRetentionDays} days.`);
    return pruned;
  }
}
