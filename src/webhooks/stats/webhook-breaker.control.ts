import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import type { Repository } from 'typeorm';
import { WebhookDelivery } from '../delivery-log/webhook-delivery.entity.js';
import { WEBHOOKS_QUEUE } from '../webhooks.constants.js';
import { deliveryJobId } from '../engine/webhook-delivery.queue.js';
import { WebhookEndpointGate } from '../engine/webhook-endpoint.gate.js';

/** The most held deliveries one resume sends on at once; the reconciler and the next jobs take any others. */
export const WEBHOOK_RESUME_PROMOTE_MAX = 10_000;
/** Job ids looked up in the delayed set per pipeline. */
const LOOKUP_BATCH = 500;
/** Delayed jobs brought forward at once. */
const PROMOTE_IN_PARALLEL = 20;
/** How long an admin's resume waits for Redis before answering 503. */
const REDIS_WAIT_MS = 2_000;

/** What an admin may do to a webhook's circuit breaker: end a pause now, and send on what it held. */
@Injectable()
export class WebhookBreakerControl {
  private readonly logger = new Logger('WebhooksModule');

  constructor(
    @InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue,
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    private readonly gate: WebhookEndpointGate,
  ) {}

  /**
   * Ends the webhook's pause now. Resolves to when its next probe would have gone, or null
   * when it was not paused (nothing changes then but a reset count of failures in a row).
   */
  async resume(webhookId: string): Promise<Date | null> {
    return this.gate.resume(webhookId, REDIS_WAIT_MS).catch((err: Error) => {
      throw new ServiceUnavailableException([`Could not resume webhook ${webhookId}: ${err.message}. Try again once the queue's Redis is reachable.`]);
    });
  }

  /**
   * Sends on now the deliveries a pause held back: the webhook's waiting deliveries that are
   * due (oldest due first, at most `WEBHOOK_RESUME_PROMOTE_MAX`) whose job waits among Bull's
   * delayed jobs. A retry whose own time has not come keeps it. Best effort: a job missed here
   * still goes when its delay ends. Resolves to how many jobs were brought forward.
   */
  async sendHeld(webhookId: string, now = new Date()): Promise<number> {
    try {
      const due = await this.deliveries
        .createQueryBuilder('d')
        .select(['d.id', 'd.attempts'])
        .where('d.webhookId = :webhookId', { webhookId })
        .andWhere('d.status IN (:...waiting)', { waiting: ['pending', 'retrying'] })
        .andWhere('d.isTest = :isTest', { isTest: false })
        .andWhere('d.nextAttemptAt <= :now', { now })
        .orderBy('d.nextAttemptAt', 'ASC')
        .take(WEBHOOK_RESUME_PROMOTE_MAX)
        .getMany();
      // Job ids as the queue makes them, for the attempt each job makes.
      const jobIds = due.map((d) => deliveryJobId(d.id, d.attempts + 1));
      const delayedKey = this.queue.toKey('delayed');
      const held: string[] = [];
      for (let i = 0; i < jobIds.length; i += LOOKUP_BATCH) {
        const batch = jobIds.slice(i, i + LOOKUP_BATCH);
        const pipeline = this.queue.client.pipeline();
        for (const id of batch) pipeline.zscore(delayedKey, id);
        const scores = (await pipeline.exec()) ?? [];
        batch.forEach((id, j) => {
          if (scores[j]?.[1] !== null && scores[j]?.[1] !== undefined) held.push(id);
        });
      }
      let promoted = 0;
      for (let i = 0; i < held.length; i += PROMOTE_IN_PARALLEL) {
        const results = await Promise.all(
          held.slice(i, i + PROMOTE_IN_PARALLEL).map(async (id) => {
            const job = await this.queue.getJob(id);
            // Gone or started since it was looked up: nothing to bring forward.
            return job && (await job.promote().then(() => true, () => false));
          }),
        );
        promoted += results.filter(Boolean).length;
      }
      return promoted;
    } catch (err) {
      this.logger.warn(`Resumed webhook ${webhookId}, but could not send its held deliveries now (${(err as Error).message}); they go when their wait ends.`);
      return 0;
    }
  }
}
