import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { WebhookDeliveryReconciler } from '../src/webhooks/engine/webhook-delivery.reconciler.js';
import { WebhookEvent } from '../src/webhooks/index.js';
import { WEBHOOKS_QUEUE } from '../src/webhooks/webhooks.constants.js';
import { burst, byDeliveryId, demoEnvironment, header, taggedConversation, writeCaFile } from './support/delivery-support.js';
import { startDemo } from './support/demo-process.js';
import type { DemoProcess } from './support/demo-process.js';
import { createTestDatabase } from './support/services.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { startRedisCluster } from './support/redis-cluster.js';
import type { PrivateRedisCluster } from './support/redis-cluster.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

/** The queue, the gate and the recovery on a private three-node Redis Cluster, its keys under one hash tag. */
describe('on a Redis Cluster', () => {
  let cluster: PrivateRedisCluster;
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  const webhookIds: string[] = [];

  beforeAll(async () => {
    cluster = await startRedisCluster();
    receiver = await HttpsReceiver.start(async (req, res) => {
      if (req.path === '/failing' && header(req, 'x-webhook-attempt') === '1') return void res.writeHead(503).end('busy');
      await new Promise((r) => setTimeout(r, 20));
      res.writeHead(200).end('ok');
    });
    host = await bootWebhooksHost({
      redisCluster: cluster.nodes,
      options: { perEndpointConcurrency: 3, reconcileIntervalMs: 500, requestTimeoutMs: 2_000, retryDelaysMs: [200, 400], breakerThreshold: 100 },
    });
    for (const [name, extra] of [['capped', {}], ['paced', { rateLimit: 50 }], ['failing', {}]] as const) {
      const created = await host.http.post(host.admin).send({ name, url: receiver.url(`/${name}`), events: ['tag.added'], ...extra }).expect(201);
      webhookIds.push(created.body.id);
    }
  }, 60_000);

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
    await cluster?.stop();
  });

  const settled = () =>
    eventually(async () => {
      const stats = (await host.http.get(`${host.admin}/stats`).expect(200)).body;
      return stats.pending === 0 && stats.retrying === 0 ? stats : undefined;
    }, 30_000, 'every delivery to end');

  it('delivers through the cap, the rate limit and retries: every event to every webhook', async () => {
    const published = await burst(30, 5, (i) => host.publisher.publish(WebhookEvent.TagAdded, taggedConversation(i)));
    expect(published.every((ids) => Array.isArray(ids) && ids.length === 3)).toBe(true);
    await settled();
    for (const path of ['/capped', '/paced', '/failing']) {
      const sent = byDeliveryId(receiver.received(path));
      expect(sent.size).toBe(30);
    }
    // The failing one's deliveries went twice each: 503, then 200 on the retry.
    for (const requests of byDeliveryId(receiver.received('/failing')).values()) {
      expect(requests.map((r) => header(r, 'x-webhook-attempt'))).toEqual(['1', '2']);
    }
  });

  it('queues again a delivery whose job was lost, from its declared keys', async () => {
    const queue = host.app.get<Queue>(getQueueToken(WEBHOOKS_QUEUE));
    const reconciler = host.app.get(WebhookDeliveryReconciler);
    await reconciler.beforeApplicationShutdown();
    await queue.pause(true);
    const ids = await host.publisher.publish(WebhookEvent.TagAdded, taggedConversation(100));
    // Lost, with the slots they took as they were queued: what a Redis that lost its keys leaves.
    for (const id of ids) {
      const job = await eventually(async () => (await queue.getJob(`${id}:1`)) ?? undefined, 5_000, 'the job to be queued');
      await job.remove();
      for (const webhookId of webhookIds) await queue.client.zrem(queue.toKey(`ep:${webhookId}:slots`), id);
    }

    expect(await reconciler.reconcile()).toBe(3);
    expect(await reconciler.reconcile()).toBe(0);
    await queue.resume(true);
    reconciler.onApplicationBootstrap();
    await settled();
    const sent = byDeliveryId(receiver.received());
    for (const id of ids) expect(sent.get(id)?.length).toBeGreaterThanOrEqual(1);
  });

  it('loses no delivery when the whole cluster is flushed twice under traffic', async () => {
    const before = receiver.received().length;
    const ids: string[] = [];
    const publishing = burst(60, 4, async (i) => {
      const out = await host.publisher.publish(WebhookEvent.TagAdded, taggedConversation(200 + i));
      ids.push(...out);
      if (i === 15 || i === 40) await cluster.flushAll();
      return out;
    });
    await publishing;
    await settled();
    const sent = byDeliveryId(receiver.received().slice(before));
    for (const id of ids) expect(sent.has(id)).toBe(true);
    expect(ids).toHaveLength(180);
  }, 60_000);
});

describe('a Redis Cluster and a queue prefix with no hash tag', () => {
  let cluster: PrivateRedisCluster;

  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('refuses to start, saying what prefix to give', async () => {
    await expect(bootWebhooksHost({ redisCluster: cluster.nodes, queuePrefix: 'plain' })).rejects.toThrow(
      'The webhooks queue runs on a Redis Cluster, but its key prefix "plain" has no hash tag',
    );
  });
});

describe('the demo with REDIS_CLUSTER_NODES', () => {
  let cluster: PrivateRedisCluster;
  let receiver: HttpsReceiver;
  let db: { name: string; drop: () => Promise<void> };
  let ca: { path: string; remove: () => void };
  let demo: DemoProcess | undefined;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    receiver = await HttpsReceiver.start();
    db = await createTestDatabase();
    ca = writeCaFile();
  }, 60_000);

  afterAll(async () => {
    await demo?.kill();
    await db?.drop();
    await receiver?.close();
    await cluster?.stop();
    ca?.remove();
  });

  it('runs its queue on the cluster, ignoring REDIS_URL', async () => {
    demo = await startDemo({
      // A REDIS_URL where nothing listens: the cluster is what is used.
      ...demoEnvironment({ database: db.name, queuePrefix: '{demo}', caFile: ca.path, redisUrl: 'redis://127.0.0.1:1' }),
      REDIS_CLUSTER_NODES: cluster.spec,
    });
    const created = await fetch(`${demo.url}/admin/live-chat/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'CRM', url: receiver.url('/crm'), events: ['conversation.started'] }),
    });
    expect(created.status).toBe(201);
    const started = await fetch(`${demo.url}/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ visitorName: 'Ada' }),
    });
    expect(started.status).toBe(201);
    const [request] = await receiver.waitFor(1, { path: '/crm' });
    expect((request.body as { event: string }).event).toBe('conversation.started');
    expect((await fetch(`${demo.url}/health`)).status).toBe(200);
  }, 60_000);
});
