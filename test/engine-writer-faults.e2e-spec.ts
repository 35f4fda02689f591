import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConsoleLogger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { WebhookDeliveryWriter } from '../src/webhooks/engine/webhook-delivery.writer.js';
import type { WebhookAttemptRecord } from '../src/webhooks/engine/webhook-delivery.writer.js';
import { WebhookEvent } from '../src/webhooks/index.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

class WarnLog extends ConsoleLogger {
  readonly warnings: string[] = [];
  override warn(message: unknown): void {
    this.warnings.push(String(message));
  }
  override error(): void {}
  override log(): void {}
}

/** Settles, or rejects after `ms` with what did not settle: a hung write fails the test instead of the suite. */
function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function outcome(deliveryId: string, attempt: number, statusCode = 200): WebhookAttemptRecord {
  return {
    deliveryId,
    attempt,
    at: new Date(),
    success: statusCode < 300,
    statusCode,
    durationMs: 12,
    error: statusCode < 300 ? null : `HTTP ${statusCode}`,
    responseBody: 'ok',
    requestHeaders: { 'x-webhook-attempt': String(attempt) },
    status: statusCode < 300 ? 'success' : 'retrying',
    nextAttemptAt: statusCode < 300 ? null : new Date(Date.now() + 60_000),
  };
}

describe.each(['mariadb', 'postgres'] as const)('the delivery writer under the faults it expects (%s)', (engine) => {
  let host: WebhooksHost;
  let writer: WebhookDeliveryWriter;
  let webhookId: string;
  const log = new WarnLog();

  /** Fresh pending deliveries of the test webhook, written as a publish writes them. */
  async function deliveries(count: number, webhook = webhookId): Promise<string[]> {
    const now = new Date();
    const rows = Array.from({ length: count }, () => ({
      id: randomUUID(),
      webhookId: webhook,
      event: 'tag.added',
      payload: { event: 'tag.added' },
      status: 'pending' as const,
      attempts: 0,
      isTest: false,
      nextAttemptAt: new Date(now.getTime() + 3_600_000),
      createdAt: now,
      updatedAt: now,
    }));
    expect(await writer.insert(rows)).toEqual(rows.map(() => true));
    return rows.map((r) => r.id);
  }

  async function attemptRows(ids: string[]): Promise<Array<{ deliveryId: string; attempt: number }>> {
    const q = engine === 'postgres' ? '"' : '`';
    const list = ids.map((_, i) => (engine === 'postgres' ? `$${i + 1}` : '?')).join(', ');
    const rows: Array<{ deliveryId: string; attempt: number }> = await host.dataSource.query(
      `SELECT ${q}deliveryId${q} AS "deliveryId", attempt FROM webhook_delivery_attempts WHERE ${q}deliveryId${q} IN (${list}) ORDER BY attempt`,
      ids,
    );
    return rows.map((r) => ({ deliveryId: r.deliveryId, attempt: Number(r.attempt) }));
  }

  beforeAll(async () => {
    // No worker: the test alone writes outcomes.
    host = await bootWebhooksHost({ engine, logger: log, options: { processDeliveries: false } });
    writer = host.app.get(WebhookDeliveryWriter);
    const created = await host.http.post(host.admin).send({ name: 'w', url: 'https://127.0.0.1:9/hook', events: ['*'] }).expect(201);
    webhookId = created.body.id;
  });

  afterAll(async () => {
    await host?.close();
  });

  it('answers false for a stale outcome alone, and writes the rest of its batch', async () => {
    const [stale, ...others] = await deliveries(4);
    expect(await writer.record(outcome(stale, 1))).toBe(true);

    // Attempt 1 of `stale` is recorded already (another worker's, after Redis lost its data): its second outcome comes in one batch with three fresh ones.
    const answers = await within(Promise.all([writer.record(outcome(stale, 1, 500)), ...others.map((id) => writer.record(outcome(id, 1)))]), 10_000, 'the batch');
    expect(answers).toEqual([false, true, true, true]);

    const attempts = await attemptRows([stale, ...others]);
    expect(attempts.filter((a) => a.deliveryId === stale)).toHaveLength(1);
    for (const id of others) expect(attempts.filter((a) => a.deliveryId === id)).toEqual([{ deliveryId: id, attempt: 1 }]);
    const [row] = await host.dataSource.query(`SELECT status FROM webhook_deliveries WHERE id = ${engine === 'postgres' ? '$1' : '?'}`, [stale]);
    expect(row.status).toBe('success');
  });

  it('answers false, without throwing, for a single stale outcome', async () => {
    const [id] = await deliveries(1);
    expect(await writer.record(outcome(id, 1))).toBe(true);
    await expect(within(writer.record(outcome(id, 1)), 10_000, 'the stale outcome')).resolves.toBe(false);
  });

  it('settles two outcomes of one delivery handed in together, and every outcome after them', async () => {
    const [twice, other] = await deliveries(2);
    const answers = await within(
      Promise.all([writer.record(outcome(twice, 1)), writer.record(outcome(twice, 1, 503)), writer.record(outcome(other, 1))]),
      10_000,
      'two outcomes of one delivery',
    );
    expect(answers.slice(0, 2).sort()).toEqual([false, true]);
    expect(answers[2]).toBe(true);
    // The writer is not stalled: a later outcome is written too.
    const [later] = await deliveries(1);
    await expect(within(writer.record(outcome(later, 1)), 10_000, 'a later outcome')).resolves.toBe(true);
    expect(await attemptRows([twice])).toHaveLength(1);
  });

  it('drops the rows of a webhook deleted during a publish, and stores the others of the batch', async () => {
    const gone = await host.http.post(host.admin).send({ name: 'gone', url: 'https://127.0.0.1:9/gone', events: ['*'] }).expect(201);
    const kept = await host.http.post(host.admin).send({ name: 'kept', url: 'https://127.0.0.1:9/kept', events: ['*'] }).expect(201);
    // The module's copy of the webhooks still has `gone` (a publish already under way, or a copy not yet reloaded).
    await host.publisher.publish(WebhookEvent.TakeoverRequested, { conversation: { id: 1 } });
    await host.dataSource.query(`DELETE FROM webhook_endpoints WHERE id = ${engine === 'postgres' ? '$1' : '?'}`, [gone.body.id]);
    log.warnings.length = 0;

    // Several publishes at once, so they share one INSERT.
    const published = await within(
      Promise.all(Array.from({ length: 5 }, (_, i) => host.publisher.publish(WebhookEvent.TakeoverRequested, { conversation: { id: 10 + i } }))),
      10_000,
      'the publishes',
    );
    for (const ids of published) expect(ids).toHaveLength(2); // the first webhook and `kept`, not `gone`
    const stored: Array<{ webhookId: string }> = await host.dataSource.query(
      `SELECT ${engine === 'postgres' ? '"webhookId"' : 'webhookId'} AS "webhookId" FROM webhook_deliveries WHERE id IN (${published
        .flat()
        .map((_, i) => (engine === 'postgres' ? `$${i + 1}` : '?'))
        .join(', ')})`,
      published.flat(),
    );
    expect(stored).toHaveLength(10);
    expect(stored.filter((r) => r.webhookId === kept.body.id)).toHaveLength(5);
    expect(log.warnings.some((w) => w.includes('deleted while the event was published') && w.includes(gone.body.id))).toBe(true);
  });

  it("drops such a row inside the host's transaction without failing it", async () => {
    const gone = await host.http.post(host.admin).send({ name: 'gone2', url: 'https://127.0.0.1:9/gone2', events: ['*'] }).expect(201);
    await host.publisher.publish(WebhookEvent.TakeoverRequested, { conversation: { id: 1 } });
    await host.dataSource.query(`DELETE FROM webhook_endpoints WHERE id = ${engine === 'postgres' ? '$1' : '?'}`, [gone.body.id]);

    const ids = await host.dataSource.transaction(async (manager) => {
      const published = await host.publisher.publish(WebhookEvent.TakeoverRequested, { conversation: { id: 99 } }, { manager });
      // The host's own statement after it still runs in the same transaction.
      await manager.query('SELECT 1');
      return published;
    });
    expect(ids.length).toBeGreaterThan(0);
    const [row] = await host.dataSource.query(
      `SELECT COUNT(*) AS n FROM webhook_deliveries WHERE id IN (${ids.map((_, i) => (engine === 'postgres' ? `$${i + 1}` : '?')).join(', ')})`,
      ids,
    );
    expect(Number(row.n)).toBe(ids.length);
  });
});
