import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, In } from 'typeorm';
import type { Repository } from 'typeorm';
import { WebhookDeliveryQueue, hasEnded, jobToSendAgain } from '../engine/webhook-delivery.queue.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import type { WebhookDeliveryStatus } from './webhook-delivery.entity.js';

export interface WebhookReplayFilter {
  since: Date;
  until: Date;
  status?: WebhookDeliveryStatus;
  event?: string;
}

/** The most deliveries one replay sends again. */
export const WEBHOOK_REPLAY_MAX = 10_000;
/** Rows read, updated and queued per statement. */
const BATCH = 500;
/** Delayed retries brought forward at once. */
const PROMOTE_IN_PARALLEL = 20;

/**
 * Bulk redelivery: what `redeliver` does for one delivery, for every delivery of a
 * webhook that matches a filter, oldest first, a batch at a time (one statement to
 * read, one to make due, one round trip to queue). The worker then sends them at
 * the webhook's own pace. Test deliveries are left out.
 */
@Injectable()
export class WebhookDeliveryReplay {
  constructor(
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    private readonly queue: WebhookDeliveryQueue,
  ) {}

  /** Resolves to how many deliveries were made due again (at most `WEBHOOK_REPLAY_MAX`). */
  async replay(webhookId: string, filter: WebhookReplayFilter): Promise<number> {
    let count = 0;
    let after: { createdAt: Date; id: string } | undefined;
    while (count < WEBHOOK_REPLAY_MAX) {
      const batch = await this.page(webhookId, filter, Math.min(BATCH, WEBHOOK_REPLAY_MAX - count), after);
      if (batch.length === 0) break;
      const now = new Date();
      // Ended deliveries go outside their key's order (first, so none holds a later one back meanwhile); waiting ones keep their turn.
      const leaving = batch.filter((d) => d.orderingKey && hasEnded(d.status)).map((d) => d.id);
      if (leaving.length > 0) await this.deliveries.update({ id: In(leaving) }, { orderingKey: null, orderingSeq: null });
      // A lease stays, as in `redeliver`: an attempt in flight finishes first.
      await this.deliveries.update({ id: In(batch.map((d) => d.id)) }, { status: 'pending', nextAttemptAt: now, updatedAt: now });
      // As `redeliver` queues one: everything the attempt needs, its schedule starting now.
      const jobs = batch.map((d) => jobToSendAgain({ ...d, webhookId, isTest: false }, now.getTime()));
      await this.queue.enqueue(jobs.filter((_, i) => batch[i].status !== 'retrying'));
      // A delivery waiting for a retry has a delayed job for that attempt: bring it forward.
      const delayed = jobs.filter((_, i) => batch[i].status === 'retrying');
      for (let i = 0; i < delayed.length; i += PROMOTE_IN_PARALLEL) {
        await Promise.all(delayed.slice(i, i + PROMOTE_IN_PARALLEL).map((job) => this.queue.enqueueNow(job)));
      }
      count += batch.length;
      const last = batch[batch.length - 1];
      after = { createdAt: last.createdAt, id: last.id };
    }
    return count;
  }

  /**
   * How many deliveries `replay` would make due again now, changing nothing: the matching
   * deliveries, counted up to `WEBHOOK_REPLAY_MAX` (what one call sends).
   */
  async count(webhookId: string, filter: WebhookReplayFilter): Promise<number> {
    const matching = this.matching(webhookId, filter).select('d.id').limit(WEBHOOK_REPLAY_MAX);
    const row = await this.deliveries.manager
      .createQueryBuilder()
      .select('COUNT(*)', 'n')
      .from(`(${matching.getQuery()})`, 'm')
      .setParameters(matching.getParameters())
      .getRawOne<{ n: string | number }>();
    return Number(row?.n ?? 0);
  }

  /** The deliveries of a webhook that a filter takes in (index `IDX_webhook_deliveries_webhook_stats`). */
  private matching(webhookId: string, filter: WebhookReplayFilter) {
    const qb = this.deliveries
      .createQueryBuilder('d')
      .where('d.webhookId = :webhookId', { webhookId })
      .andWhere('d.isTest = :isTest', { isTest: false })
      .andWhere('d.createdAt >= :since', { since: filter.since })
      .andWhere('d.createdAt < :until', { until: filter.until });
    if (filter.status) qb.andWhere('d.status = :status', { status: filter.status });
    if (filter.event) qb.andWhere('d.event = :event', { event: filter.event });
    return qb;
  }

  /** One page of matching deliveries, oldest first. */
  private page(
    webhookId: string,
    filter: WebhookReplayFilter,
    limit: number,
    after?: { createdAt: Date; id: string },
  ): Promise<Array<Pick<WebhookDelivery, 'id' | 'attempts' | 'status' | 'createdAt' | 'event' | 'payload' | 'traceparent' | 'orderingKey'>>> {
    const qb = this.matching(webhookId, filter).select(['d.id', 'd.attempts', 'd.status', 'd.createdAt', 'd.event', 'd.payload', 'd.traceparent', 'd.orderingKey']);
    if (after) {
      qb.andWhere(
        new Brackets((w) =>
          w
            .where('d.createdAt > :aAt', { aAt: after.createdAt })
            .orWhere('d.createdAt = :aAt AND d.id > :aId', { aAt: after.createdAt, aId: after.id }),
        ),
      );
    }
    return qb.orderBy('d.createdAt', 'ASC').addOrderBy('d.id', 'ASC').take(limit).getMany();
  }
}
