import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConsoleLogger } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { INTERRUPTED_TEST } from '../src/webhooks/delivery-log/webhook-delivery.store.js';
import { WebhookDeliveryReconciler } from '../src/webhooks/engine/webhook-delivery.reconciler.js';
import { WebhookDeliveryRunner } from '../src/webhooks/engine/webhook-delivery.runner.js';
import { WebhookEndpointGate } from '../src/webhooks/engine/webhook-endpoint.gate.js';
import { WebhookEvent } from '../src/webhooks/index.js';
import { WEBHOOKS_QUEUE } from '../src/webhooks/webhooks.constants.js';
import { byDeliveryId, claimRedisDatabase, header, latch, taggedConversation } from './support/delivery-support.js';
import type { ClaimedRedisDatabase } from './support/delivery-support.js';
import { REDIS } from './support/services.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

describe('nothing dangles', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  const hold = latch();

  beforeAll(async () => {
    receiver = await HttpsReceiver.start(async (req, res) => {
      if (req.path === '/slow') await hold.opened;
      res.writeHead(200).end('ok');
    });
    // The reconciler runs only when the test says.
    host = await bootWebhooksHost({ options: { reconcileIntervalMs: 3_600_000 } });
  });

  afterAll(async () => {
    hold.open();
    await host?.close();
    await receiver?.close();
  });

  it('ends a test delivery whose sending process stopped as failed, "interrupted"', async () => {
    const created = await host.http.post(host.admin).send({ name: 't', url: receiver.url('/t'), events: ['tag.added'] }).expect(201);
    const insert = async (id: string, createdAt: string, lockedUntil: string) =>
      host.dataSource.query(
        `INSERT INTO webhook_deliveries (id, webhookId, event, payload, status, attempts, isTest, nextAttemptAt, lockedUntil, createdAt, updatedAt)
         VALUES (?, ?, 'tag.added', '{}', 'pending', 0, 1, NULL, ${lockedUntil}, ${createdAt}, ${createdAt})`,
        [id, created.body.id],
      );
    const [claimedAndDied, neverClaimed, justMade] = [randomUUID(), randomUUID(), randomUUID()];
    await insert(claimedAndDied, 'NOW(3)', 'NOW(3) - INTERVAL 1 SECOND');
    await insert(neverClaimed, 'NOW(3) - INTERVAL 10 MINUTE', 'NULL');
    await insert(justMade, 'NOW(3)', 'NOW(3) + INTERVAL 10 SECOND');
    await host.app.get(WebhookDeliveryReconciler).reconcile();
    const status = async (id: string) => (await host.http.get(`${host.admin}/${created.body.id}/deliveries/${id}`).expect(200)).body;
    expect(await status(claimedAndDied)).toMatchObject({ status: 'failed', error: INTERRUPTED_TEST, isTest: true });
    expect(await status(neverClaimed)).toMatchObject({ status: 'failed', error: INTERRUPTED_TEST });
    expect(await status(justMade)).toMatchObject({ status: 'pending' });
  });

  it("gives a webhook's keys a time to live, so keys a late call makes after a delete expire", async () => {
    const queue = host.app.get<Queue>(getQueueToken(WEBHOOKS_QUEUE));
    const gate = host.app.get(WebhookEndpointGate);
    const webhookId = randomUUID();
    const token = WebhookEndpointGate.token();
    expect((await gate.acquire(webhookId, 'd1', 1, null, '{}', token)).kind).toBe('go');
    await gate.forget(webhookId);
    // An attempt that was in flight ends after the delete.
    await gate.release(webhookId, 'd1', 1, 'success', 10, null, 0, token);
    const keys = await queue.client.keys(`${queue.toKey(`ep:${webhookId}`)}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      const ttl = await queue.client.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(3_600_000);
    }
  });

  it('logs an attempt that was in flight as a disable came as it went, not as "not sent"', async () => {
    const created = await host.http.post(host.admin).send({ name: 'slow', url: receiver.url('/slow'), events: ['takeover.requested'] }).expect(201);
    const [[id]] = (await host.emitter.emitAsync(WebhookEvent.TakeoverRequested, { conversation: taggedConversation(1).conversation })) as string[][];
    await receiver.waitFor(1, { path: '/slow' });
    await host.http.patch(`${host.admin}/${created.body.id}`).send({ enabled: false }).expect(200);
    const delivery = async () => (await host.http.get(`${host.admin}/${created.body.id}/deliveries/${id}`).expect(200)).body;
    // What waited is ended at once ...
    expect((await delivery()).error).toMatch(/^Not sent: the webhook is disabled/);
    // ... but this one was on the wire: its answer is what the log keeps.
    hold.open();
    const d = await eventually(async () => {
      const now = await delivery();
      return now.attempts === 1 ? now : undefined;
    }, 10_000, 'the attempt to be recorded');
    expect(d).toMatchObject({ status: 'success', statusCode: 200, error: null });
    expect(d.attemptLog).toHaveLength(1);
  });
});

describe('a stopping worker', () => {
  let first: WebhooksHost | undefined;
  let second: WebhooksHost | undefined;
  let receiver: HttpsReceiver;
  const hold = latch();

  beforeAll(async () => {
    receiver = await HttpsReceiver.start(async (_req, res) => {
      if (receiver.received().length === 1) await hold.opened;
      res.writeHead(200).end('ok');
    });
    first = await bootWebhooksHost({ options: { perEndpointConcurrency: 1, requestTimeoutMs: 5_000 } });
  });

  afterAll(async () => {
    hold.open();
    await second?.close();
    await first?.close();
    await receiver?.close();
  });

  it('takes no job from the line while it stops: the next one goes back to the queue, for another worker', async () => {
    const created = await first!.http.post(first!.admin).send({ name: 'one', url: receiver.url('/one'), events: ['tag.added'] }).expect(201);
    const queue = first!.app.get<Queue>(getQueueToken(WEBHOOKS_QUEUE));
    const [[d1]] = (await first!.emitter.emitAsync(WebhookEvent.TagAdded, taggedConversation(1))) as string[][];
    await receiver.waitFor(1);
    const [[d2]] = (await first!.emitter.emitAsync(WebhookEvent.TagAdded, taggedConversation(2))) as string[][];
    await eventually(async () => ((await queue.client.llen(queue.toKey(`ep:${created.body.id}:line`))) === 1 ? true : undefined), 5_000, 'd2 in line');

    // The worker is told to stop while d1 is on the wire; then d1 ends and frees its slot.
    const runner = first!.app.get(WebhookDeliveryRunner);
    const closing = first!.app.close();
    await eventually(() => (runner.isStopping ? true : undefined), 5_000, 'the worker to be stopping');
    hold.open();
    await closing;
    expect(receiver.received()).toHaveLength(1);

    // Another worker sends d2, once.
    second = await bootWebhooksHost({ database: first!.database, queuePrefix: first!.queuePrefix });
    await receiver.waitFor(2);
    await eventually(async () => ((await second!.http.get(`${second!.admin}/${created.body.id}/deliveries/${d2}`)).body.status === 'success' ? true : undefined), 10_000, 'd2 to be recorded');
    const sent = byDeliveryId(receiver.received());
    expect(sent.get(d1)).toHaveLength(1);
    expect(sent.get(d2)?.map((r) => header(r, 'x-webhook-attempt'))).toEqual(['1']);
  }, 30_000);
});

describe('a worker that cannot open a webhook secret', () => {
  let api: WebhooksHost | undefined;
  let worker: WebhooksHost | undefined;
  let receiver: HttpsReceiver;

  beforeAll(async () => {
    receiver = await HttpsReceiver.start();
    api = await bootWebhooksHost({ options: { processDeliveries: false, secretEncryptionKey: 'k'.repeat(32), retryDelaysMs: [60_000] } });
    // Started without the API node's key.
    worker = await bootWebhooksHost({ database: api.database, queuePrefix: api.queuePrefix, options: { retryDelaysMs: [60_000] } });
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await receiver?.close();
  });

  it('sends nothing unsigned, and the log says which key to set', async () => {
    const created = await api!.http.post(api!.admin).send({ name: 's', url: receiver.url('/s'), secret: 'a-signing-secret-of-some-length', events: ['tag.added'] }).expect(201);
    const [[id]] = (await api!.emitter.emitAsync(WebhookEvent.TagAdded, taggedConversation(1))) as string[][];
    const d = await eventually(async () => {
      const now = (await api!.http.get(`${api!.admin}/${created.body.id}/deliveries/${id}`).expect(200)).body;
      return now.attempts === 1 ? now : undefined;
    }, 10_000, 'the attempt to be recorded');
    expect(d.status).toBe('retrying');
    expect(d.error).toContain('secretEncryptionKey');
    expect(receiver.received()).toEqual([]);
    // Not the receiver's fault: no streak, no pause.
    const view = (await api!.http.get(`${api!.admin}/${created.body.id}`).expect(200)).body;
    expect(view).toMatchObject({ enabled: true, consecutiveFailures: 0, pausedUntil: null });
  });
});

describe('Redis loses its data while an attempt is in flight', () => {
  let host: WebhooksHost | undefined;
  let receiver: HttpsReceiver;
  let redis: ClaimedRedisDatabase;
  const hold = latch();
  const warnings: string[] = [];

  beforeAll(async () => {
    redis = await claimRedisDatabase();
    receiver = await HttpsReceiver.start(async (req, res) => {
      if (req.path === '/slow') await hold.opened;
      res.writeHead(200).end('ok');
    });
    const logger = new (class extends ConsoleLogger {
      override warn(message: unknown): void {
        warnings.push(String(message));
      }
      override log(): void {}
    })();
    host = await bootWebhooksHost({ logger, redis: { ...REDIS, db: redis.db }, options: { requestTimeoutMs: 3_000, reconcileIntervalMs: 200 } });
  });

  afterAll(async () => {
    hold.open();
    await host?.close();
    await receiver?.close();
    await redis?.release();
  });

  it('queues nothing again until the attempts then in flight have ended, so none goes twice at once', async () => {
    const created = await host!.http.post(host!.admin).send({ name: 'slow', url: receiver.url('/slow'), events: ['tag.added'] }).expect(201);
    const [[id]] = (await host!.emitter.emitAsync(WebhookEvent.TagAdded, taggedConversation(1))) as string[][];
    await receiver.waitFor(1, { path: '/slow' });
    const reconciler = host!.app.get(WebhookDeliveryReconciler);
    let passes = 0;
    const pass = reconciler.reconcile.bind(reconciler);
    reconciler.reconcile = (now?: Date) => pass(now).finally(() => passes++);
    // The slot, the job and every mark go: FLUSHDB.
    await redis.flush();
    // Several passes of the reconciler while the attempt is still on the wire: it holds off (the time-out and a record, 8 s) ...
    const after = passes;
    await eventually(() => (passes >= after + 4 ? true : undefined), 5_000, 'four passes of the reconciler');
    expect(warnings.some((w) => w.startsWith('Redis lost its data'))).toBe(true);
    // ... and nothing else went out for it.
    expect(receiver.received('/slow')).toHaveLength(1);
    hold.open();
    await eventually(async () => ((await host!.http.get(`${host!.admin}/${created.body.id}/deliveries/${id}`)).body.status === 'success' ? true : undefined), 10_000, 'the attempt to be recorded');
    expect(receiver.received('/slow')).toHaveLength(1);
  });
});
