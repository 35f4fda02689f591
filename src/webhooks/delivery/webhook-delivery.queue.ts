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
 * How Bull watches the jobs in flight. A worker that dies holds its jobs until its
 * lock runs out; with 10 s locks checked every 5 s another worker takes them back
 * within about 20 s, well inside the 60 s the contract promises. Locks are renewed
 * every 5 s while an attempt runs, however long it takes.
 */
export const WEBHOOKS_QUEUE_SETTINGS = { lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 1 };

/**
 * How long a host's emit waits for Redis. The rows are written before this, so a
 * Redis that is down delays the chat route by at most this much; the reconciler
 * queues the jobs once Redis answers again.
 */
export const WEBHOOKS_ENQUEUE_TIMEOUT_MS = 2_000;

function withinTime<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** One job per delivery attempt, so a job added twice (by the reconciler, say) is one job. */
export function deliveryJobId(deliveryId: string, attempt: number): string {
  return `${deliveryId}:${attempt}`;
}

/**
 * Moves due deliveries to the worker. The database stays the source of truth:
 * a job that cannot be queued (Redis down) is found again by the reconciler.
 */
@Injectable()
export class WebhookDeliveryQueue {
  private readonly logger = new Logger('WebhooksModule');

  constructor(@InjectQueue(WEBHOOKS_QUEUE) readonly queue: Queue<WebhookDeliveryJob>) {}

  /** Queues jobs; a job whose id is already queued stays as it is. Never throws: the rows are stored. */
  async enqueue(jobs: ScheduledWebhookDeliveryJob[]): Promise<void> {
    if (jobs.length === 0) return;
    try {
      const adding = this.queue.addBulk(
        jobs.map(({ deliveryId, attempt, delayMs }) => ({
          name: WEBHOOKS_DELIVER_JOB,
          data: { deliveryId, attempt },
          opts: {
            jobId: deliveryJobId(deliveryId, attempt),
            delay: delayMs && delayMs > 0 ? delayMs : undefined,
            removeOnComplete: true,
            removeOnFail: true,
          },
        })),
      );
      // A late answer is harmless: job ids make a second add of the same attempt a no-op.
      adding.catch(() => undefined);
      await withinTime(adding, WEBHOOKS_ENQUEUE_TIMEOUT_MS);
    } catch (err) {
      this.logger.warn(
        `Could not queue ${jobs.length} webhook deliveries (${(err as Error).message}); they are stored and will be sent once the queue answers.`,
      );
    }
  }

  /** Queues a job to run now; one already waiting for its delay is moved forward instead. */
  async enqueueNow(job: WebhookDeliveryJob): Promise<void> {
    try {
      const queued = await this.queue.getJob(deliveryJobId(job.deliveryId, job.attempt));
      if (queued && (await queued.isDelayed())) {
        await queued.promote();
        return;
      }
    } catch (err) {
      this.logger.warn(`Could not look up the queue job of webhook delivery ${job.deliveryId}: ${(err as Error).message}`);
    }
    await this.enqueue([job]);
  }

  /** The jobs of `jobs` that Redis does not hold (flushed, lost, or never added). */
  async missing<T extends WebhookDeliveryJob>(jobs: T[]): Promise<T[]> {
    if (jobs.length === 0) return [];
    const pipeline = this.queue.client.pipeline();
    for (const job of jobs) pipeline.exists(this.queue.toKey(deliveryJobId(job.deliveryId, job.attempt)));
    const answers = (await pipeline.exec()) ?? [];
    return jobs.filter((_, i) => {
      const [err, exists] = answers[i] ?? [null, 0];
      if (err) throw err;
      return exists === 0;
    });
  }
}
