import type { INestApplicationContext } from '@nestjs/common';
import { getRepositoryToken } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import { Brackets } from 'typeorm';
import type { Repository } from 'typeorm';
import { WebhookDelivery } from '../delivery-log/webhook-delivery.entity.js';

export interface WaitForWebhooksIdleOptions {
  /** How long to wait. Default 10000 ms. */
  timeoutMs?: number;
  /** How often to look. Default 50 ms. */
  intervalMs?: number;
}

/**
 * Resolves once the module has nothing to do now: no delivery is due or being
 * sent (retries scheduled for later do not count). For a host's tests, after the
 * code under test emitted its events and before it asserts or closes the app.
 * Needs a worker in the app (`processDeliveries`, the default); rejects after
 * `timeoutMs`, saying how many deliveries are still waiting.
 */
export async function waitForWebhooksIdle(
  app: Pick<INestApplicationContext, 'get'>,
  { timeoutMs = 10_000, intervalMs = 50 }: WaitForWebhooksIdleOptions = {},
): Promise<void> {
  const deliveries = app.get<Repository<WebhookDelivery>>(getRepositoryToken(WebhookDelivery), { strict: false });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const busy = await countBusy(deliveries, new Date());
    if (busy === 0) return;
    if (Date.now() >= deadline) {
      throw new Error(
        `waitForWebhooksIdle: ${busy} webhook deliveries still due or in flight after ${timeoutMs} ms. ` +
          'Is a delivery worker running in this app (processDeliveries) and is Redis reachable?',
      );
    }
    await sleep(intervalMs);
  }
}

function countBusy(deliveries: Repository<WebhookDelivery>, now: Date): Promise<number> {
  return deliveries
    .createQueryBuilder('d')
    .where('d.status IN (:...statuses)', { statuses: ['pending', 'retrying'] })
    .andWhere(
      new Brackets((w) =>
        w
          .where('d.nextAttemptAt <= :now', { now })
          .orWhere('d.lockedUntil > :now', { now }),
      ),
    )
    .getCount();
}
