import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { WebhookDeliveryReconciler } from '../src/webhooks/engine/webhook-delivery.reconciler.js';
import { WebhookEvent } from '../src/webhooks/index.js';
import { WEBHOOKS_QUEUE } from '../src/webhooks/webhooks.constants.js';
import { header, sleep } from './support/delivery-support.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

const RECONCILE_MS = 300;

describe('the reconciler: due deliveries without a queue job are queued again', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  let webhookId: string;

  beforeAll(async () => {
    receiver = await HttpsReceiver.start();
    host = await bootWebhooksHost({ options: { reconcileIntervalMs: RECONCILE_MS, retryDelaysMs: [100] } });
    const created = await host.http
      .post(host.admin)
      .send({ name: 'Sink', url: receiver.url('/sink'), events: ['*'] })
      .expect(201);
    webhookId = created.body.id;
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  /** A delivery row as a crash or a lost job leaves it: due, and in no queue. */
  async function insertDue(fields: { status?: string; attempts?: number; lockedUntil?: Date | null; nextAttemptAt?: Date }): Promise<string> {
    const id = randomUUID();
    const now = new Date();
    await host.dataSource.query(
      `INSERT INTO webhook_deliveries (id, webhookId, event, payload, status, attempts, isTest, nextAttemptAt, lockedUntil, createdAt, updatedAt)
       VALUES (?, ?, 'contact.updated', ?, ?, ?, 0, ?, ?, ?, ?)`,
      [
        id,
        webhookId,
        JSON.stringify({ event: 'contact.updated', timestamp: now.toISOString(), data: { contact_id: id } }),
        fields.status ?? 'pending',
        fields.attempts ?? 0,
        fields.nextAttemptAt ?? now,
        fields.lockedUntil ?? null,
        now,
        now,
      ],
    );
    return id;
  }

  const sentFor = (id: string) => receiver.received('/sink').filter((r) => header(r, 'x-webhook-id') === id);

  it('sends a stored delivery whose job never reached Redis, within the interval', async () => {
    const id = await insertDue({});
    const started = Date.now();
    await eventually(() => (sentFor(id).length > 0 ? true : undefined), 5_000, 'the orphan delivery');
    expect(Date.now() - started).toBeLessThan(RECONCILE_MS + 1_500);
    expect(header(sentFor(id)[0], 'x-webhook-attempt')).toBe('1');
    expect((sentFor(id)[0].body as { data: { contact_id: string } }).data.contact_id).toBe(id);
  });

  it('takes over a delivery from a worker that died holding it, once the lease has run out, numbering on', async () => {
    // It had made 2 attempts; the third was under way when its worker died.
    const expired = await insertDue({ status: 'retrying', attempts: 2, lockedUntil: new Date(Date.now() - 1_000), nextAttemptAt: new Date(Date.now() - 10_000) });
    const held = await insertDue({ status: 'retrying', attempts: 2, lockedUntil: new Date(Date.now() + 2_000), nextAttemptAt: new Date(Date.now() - 10_000) });

    await eventually(() => (sentFor(expired).length > 0 ? true : undefined), 5_000, 'the expired lease to be taken over');
    expect(header(sentFor(expired)[0], 'x-webhook-attempt')).toBe('3');
    // The live lease is respected: nothing is sent beside the worker holding it...
    await sleep(1_000);
    expect(sentFor(held)).toHaveLength(0);
    // ...until it runs out.
    await eventually(() => (sentFor(held).length > 0 ? true : undefined), 5_000, 'the held delivery after its lease');
    expect(header(sentFor(held)[0], 'x-webhook-attempt')).toBe('3');

    const detail = await eventually(async () => {
      const d = (await host.http.get(`${host.admin}/${webhookId}/deliveries/${held}`).expect(200)).body;
      return d.status === 'success' ? d : undefined;
    }, 5_000, 'the held delivery to be logged');
    expect(detail).toMatchObject({ attempts: 3, statusCode: 200 });
    expect(sentFor(expired)).toHaveLength(1);
    expect(sentFor(held)).toHaveLength(1);
  });

  it('sends a delivery whose job Redis lost (deleted from the queue), and queues nothing twice', async () => {
    const queue = host.app.get<Queue>(getQueueToken(WEBHOOKS_QUEUE));
    const reconciler = host.app.get(WebhookDeliveryReconciler);
    // Paused, the worker leaves the job where it is, so it can be lost; the timed passes wait too.
    await reconciler.beforeApplicationShutdown();
    await queue.pause(true);
    const [[id]] = (await host.emitter.emitAsync(WebhookEvent.ContactUpdated, { id: 77, name: 'Lost', createdAt: new Date() })) as string[][];
    // The job goes to Redis right after the emit resolves (the chat request does not wait for it).
    const job = await eventually(async () => (await queue.getJob(`${id}:1`)) ?? undefined, 2_000, 'the job to be queued');
    await job.remove();
    // The slot of its webhook that the job took as it was queued goes with it, as when Redis loses its keys
    // (a job removed alone keeps that slot until its lease runs out, and is sent then).
    await queue.client.zrem(queue.toKey(`ep:${webhookId}:slots`), id);
    expect(await queue.getJob(`${id}:1`)).toBeNull();

    expect(await reconciler.reconcile()).toBe(1);
    expect(await queue.getJob(`${id}:1`)).not.toBeNull();
    // It is queued now: another pass finds nothing missing.
    expect(await reconciler.reconcile()).toBe(0);

    await queue.resume(true);
    reconciler.onApplicationBootstrap();
    await eventually(() => (sentFor(id).length > 0 ? true : undefined), 5_000, 'the lost delivery');
    await sleep(RECONCILE_MS * 2);
    expect(sentFor(id)).toHaveLength(1);
  });

  it('queues again a delivery whose job Redis left as a bare hash, and lets no nameless or stale job end it', async () => {
    const queue = host.app.get<Queue>(getQueueToken(WEBHOOKS_QUEUE));
    const reconciler = host.app.get(WebhookDeliveryReconciler);
    await reconciler.beforeApplicationShutdown();
    await queue.pause(true);
    const [[id]] = (await host.emitter.emitAsync(WebhookEvent.ContactUpdated, { id: 78, name: 'Orphan', createdAt: new Date() })) as string[][];
    const job = await eventually(async () => (await queue.getJob(`${id}:1`)) ?? undefined, 2_000, 'the job to be queued');
    await job.remove();
    // The slot of its webhook that the job took as it was queued goes with it, as when Redis loses its keys
    // (a job removed alone keeps that slot until its lease runs out, and is sent then).
    await queue.client.zrem(queue.toKey(`ep:${webhookId}:slots`), id);
    // What a FLUSHDB between Bull's move to active and the job's start leaves: a hash with no data,
    // failed by Bull as nameless. Its key alone made the delivery look queued.
    const key = queue.toKey(`${id}:1`);
    await queue.client.hset(key, 'failedReason', 'Missing process handler for job type __default__', 'attemptsMade', '1', 'processedOn', String(Date.now()));
    // Nameless and foreign jobs, and a stale one for an attempt that is not the next: none may end it.
    await queue.add({});
    await queue.add('deliver', { deliveryId: id, attempt: 4 }, { jobId: `${id}:4`, removeOnComplete: true, removeOnFail: true });

    expect(await reconciler.reconcile()).toBe(1);
    const again = await queue.getJob(`${id}:1`);
    expect(again?.data).toEqual({ deliveryId: id, attempt: 1 });
    expect(await reconciler.reconcile()).toBe(0);

    await queue.resume(true);
    reconciler.onApplicationBootstrap();
    await eventually(() => (sentFor(id).length > 0 ? true : undefined), 5_000, 'the stranded delivery');
    await sleep(RECONCILE_MS * 2);
    expect(sentFor(id)).toHaveLength(1);
    expect(header(sentFor(id)[0], 'x-webhook-attempt')).toBe('1');
    const detail = (await host.http.get(`${host.admin}/${webhookId}/deliveries/${id}`).expect(200)).body;
    expect(detail).toMatchObject({ status: 'success', attempts: 1 });
  });
});
