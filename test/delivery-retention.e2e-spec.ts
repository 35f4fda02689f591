import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { PRUNE_BATCH, WebhookDeliveryPruner } from '../src/webhooks/delivery-log/webhook-delivery.pruner.js';
import { WebhookDeliveryStore } from '../src/webhooks/delivery-log/webhook-delivery.store.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

const DAY = 86_400_000;

describe('retention: delivery rows older than deliveryRetentionDays are pruned in batches', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  let webhookId: string;

  beforeAll(async () => {
    receiver = await HttpsReceiver.start();
    host = await bootWebhooksHost({ options: { deliveryRetentionDays: 7 } });
    const created = await host.http.post(host.admin).send({ name: 'Log', url: receiver.url('/log'), events: ['*'] }).expect(201);
    webhookId = created.body.id;
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  async function insert(count: number, ageDays: number, status: string, isTest = false): Promise<string[]> {
    const ids = Array.from({ length: count }, () => randomUUID());
    const at = new Date(Date.now() - ageDays * DAY);
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      await host.dataSource.query(
        `INSERT INTO webhook_deliveries (id, webhookId, event, payload, status, attempts, isTest, nextAttemptAt, createdAt, updatedAt) VALUES ${chunk
          .map(() => `(?, ?, 'tag.added', '{}', ?, 1, ?, ?, ?, ?)`)
          .join(', ')}`,
        chunk.flatMap((id) => [id, webhookId, status, isTest ? 1 : 0, status === 'retrying' ? new Date(Date.now() + 3_600_000) : null, at, at]),
      );
      await host.dataSource.query(
        `INSERT INTO webhook_delivery_attempts (deliveryId, attempt, at, success, statusCode, durationMs) VALUES ${chunk.map(() => '(?, 1, ?, 1, 200, 5)').join(', ')}`,
        chunk.flatMap((id) => [id, at]),
      );
    }
    return ids;
  }

  const count = async (sql: string, params: unknown[] = []) => Number((await host.dataSource.query(sql, params))[0].n);

  it('deletes old ended deliveries and their attempts, 500 rows a statement, and keeps the rest', async () => {
    const oldSuccess = await insert(900, 8, 'success');
    const oldFailed = await insert(300, 30, 'failed');
    const oldTests = await insert(6, 9, 'pending', true);
    const oldWaiting = await insert(4, 8, 'retrying');
    const recent = await insert(20, 6, 'success');
    expect(oldSuccess.length + oldFailed.length + oldTests.length).toBe(1_206);

    const store = host.app.get(WebhookDeliveryStore);
    const batches = jest.spyOn(store, 'pruneBatch');
    const pruned = await host.app.get(WebhookDeliveryPruner).prune();

    expect(pruned).toBe(1_206);
    expect(PRUNE_BATCH).toBe(500);
    // Three batches of at most 500 (500, 500, 206): no statement deletes more.
    const results = await Promise.all(batches.mock.results.map((r) => r.value as Promise<number>));
    expect(results).toEqual([500, 500, 206]);
    for (const [, limit] of batches.mock.calls) expect(limit).toBe(500);
    const [cutoff] = batches.mock.calls[0];
    expect(Math.abs((cutoff as Date).getTime() - (Date.now() - 7 * DAY))).toBeLessThan(60_000);

    const kept = (await host.dataSource.query('SELECT id FROM webhook_deliveries')).map((r: { id: string }) => r.id).sort();
    expect(kept).toEqual([...oldWaiting, ...recent].sort());
    expect(await count('SELECT COUNT(*) AS n FROM webhook_delivery_attempts')).toBe(oldWaiting.length + recent.length);
    const listed = await host.http.get(`${host.admin}/${webhookId}/deliveries?limit=100`).expect(200);
    expect(listed.body.items).toHaveLength(24);

    // Nothing left to prune: one empty batch.
    batches.mockClear();
    expect(await host.app.get(WebhookDeliveryPruner).prune()).toBe(0);
    expect(batches).toHaveBeenCalledTimes(1);
    batches.mockRestore();
  });

  it('runs in worker processes only', async () => {
    const apiOnly = await bootWebhooksHost({ options: { processDeliveries: false }, database: host.database, queuePrefix: host.queuePrefix });
    try {
      expect(() => apiOnly.app.get(WebhookDeliveryPruner)).toThrow();
    } finally {
      await apiOnly.app.close();
    }
    expect(host.app.get(WebhookDeliveryPruner)).toBeInstanceOf(WebhookDeliveryPruner);
  });
});
