import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { WebhookDeliveryQueue } from '../src/webhooks/engine/webhook-delivery.queue.js';
import { WebhookEvent } from '../src/webhooks/index.js';
import { byDeliveryId, header } from './support/delivery-support.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { connectRedis } from './support/services.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

describe('POST /:id/resume', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  let redis: Redis;
  let webhookId: string;
  let status = 503;
  const events: Array<{ name: string; payload: any }> = [];

  beforeAll(async () => {
    receiver = await HttpsReceiver.start((_req, res) => void res.writeHead(status).end(status === 200 ? 'ok' : 'overloaded'));
    host = await bootWebhooksHost({
      options: {
        perEndpointConcurrency: 1,
        breakerThreshold: 2,
        // A pause far longer than the test: only a resume ends it.
        breakerCooldownMs: 120_000,
        // The failed first attempts retry long after the test too.
        retryDelaysMs: [120_000],
      },
    });
    for (const name of ['webhook.paused', 'webhook.resumed']) host.emitter.on(name, (payload: unknown) => events.push({ name, payload }));
    redis = await connectRedis();
    webhookId = (await host.http.post(host.admin).send({ name: 'CRM', url: receiver.url('/crm'), events: ['contact.created'] }).expect(201)).body.id;
  });

  afterAll(async () => {
    redis?.disconnect();
    await host?.close();
    await receiver?.close();
  });

  const publish = async (n: number, from: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const [created] = (await host.emitter.emitAsync(WebhookEvent.ContactCreated, { id: from + i, name: `Contact ${i}`, createdAt: new Date() })) as string[][];
      ids.push(...created);
    }
    return ids;
  };
  const breakerKey = () => host.app.get(WebhookDeliveryQueue).queue.toKey(`ep:${webhookId}`);

  it('ends the pause now: the held deliveries go at once, webhook.resumed is emitted, and the answer is the webhook', async () => {
    const failed = await publish(2, 0);
    const paused = await eventually(() => events.find((e) => e.name === 'webhook.paused'), 10_000, 'webhook.paused');
    expect(receiver.received('/crm')).toHaveLength(2);
    expect(new Date(paused.payload.until).getTime()).toBeGreaterThan(Date.now() + 60_000);

    // Published during the pause: each waits among the queue's delayed jobs until the pause would end.
    const held = await publish(3, 10);
    const queue = host.app.get(WebhookDeliveryQueue).queue;
    await eventually(async () => {
      const delayed = (await queue.getDelayed()).map((j) => j.data.deliveryId);
      return held.every((id) => delayed.includes(id)) ? true : undefined;
    }, 10_000, 'the held deliveries to wait as delayed jobs');
    expect(receiver.received('/crm')).toHaveLength(2);
    expect((await host.http.get(`${host.admin}/${webhookId}`).expect(200)).body.pausedUntil).not.toBeNull();

    status = 200;
    const res = await host.http.post(`${host.admin}/${webhookId}/resume`).expect(200);
    const view = (await host.http.get(`${host.admin}/${webhookId}`).expect(200)).body;
    expect(res.body).toEqual(view);
    expect(res.body).toMatchObject({ id: webhookId, name: 'CRM', enabled: true, pausedUntil: null });
    expect(events.filter((e) => e.name === 'webhook.resumed').map((e) => e.payload)).toEqual([
      { webhook: { id: webhookId, name: 'CRM', url: receiver.url('/crm') } },
    ]);
    // The breaker starts again from nothing: no pause, no probe, no cooldown, no failures counted.
    expect(await redis.hmget(breakerKey(), 'pausedUntil', 'probe', 'cooldownMs', 'fails')).toEqual([null, null, null, '0']);

    // Long before the pause would have ended, the held deliveries arrive, each as its first attempt.
    const sent = await receiver.waitFor(5, { path: '/crm', timeoutMs: 10_000 });
    const again = sent.slice(2);
    expect([...byDeliveryId(again).keys()].sort()).toEqual([...held].sort());
    expect(again.map((r) => header(r, 'x-webhook-attempt'))).toEqual(['1', '1', '1']);
    const items = await eventually(async () => {
      const page = (await host.http.get(`${host.admin}/${webhookId}/deliveries`).expect(200)).body.items;
      return page.filter((d: { status: string }) => d.status === 'success').length === 3 ? page : undefined;
    }, 10_000, 'the held deliveries to succeed');
    // A retry keeps its own time: the two that failed before the pause still wait for theirs.
    const waiting = items.filter((d: { status: string }) => d.status === 'retrying').map((d: { id: string }) => d.id);
    expect(waiting.sort()).toEqual([...failed].sort());
    expect(receiver.received('/crm')).toHaveLength(5);
  }, 30_000);

  it('answers a webhook that is not paused as it is, and emits nothing', async () => {
    const before = events.length;
    const res = await host.http.post(`${host.admin}/${webhookId}/resume`).expect(200);
    expect(res.body).toMatchObject({ id: webhookId, pausedUntil: null });
    expect(events.length).toBe(before);
  });

  it('is a 404 for an unknown webhook', async () => {
    const res = await host.http.post(`${host.admin}/00000000-0000-4000-8000-000000000000/resume`).expect(404);
    expect(res.body).toEqual({ statusCode: 404, message: 'Webhook not found', error: 'Not Found' });
    await host.http.post(`${host.admin}/not%20an%20id/resume`).expect(404);
  });
});

describe('POST /:id/resume with a retry that came due during the pause', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  let status = 503;

  beforeAll(async () => {
    receiver = await HttpsReceiver.start((_req, res) => void res.writeHead(status).end(status === 200 ? 'ok' : 'overloaded'));
    host = await bootWebhooksHost({
      // The first failure pauses for two minutes; the retry is due 300 ms later and its schedule
      // (5 min) outlasts the pause, so it waits for the pause rather than giving up.
      options: { perEndpointConcurrency: 1, breakerThreshold: 1, breakerCooldownMs: 120_000, retryDelaysMs: [300, 300_000] },
    });
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  it('sends the retry at once, as its next attempt', async () => {
    const id = (await host.http.post(host.admin).send({ name: 'Flaky', url: receiver.url('/flaky'), events: ['contact.created'] }).expect(201)).body.id;
    const [[deliveryId]] = (await host.emitter.emitAsync(WebhookEvent.ContactCreated, { id: 1, name: 'Ada', createdAt: new Date() })) as string[][];
    await receiver.waitFor(1, { path: '/flaky' });
    // The retry's job ran once its time came, found the webhook paused and went back to wait among the delayed jobs.
    const queue = host.app.get(WebhookDeliveryQueue).queue;
    await eventually(async () => {
      const job = await queue.getJob(`${deliveryId}:2`);
      return job && job.attemptsMade >= 1 && (await job.isDelayed()) ? true : undefined;
    }, 10_000, 'the retry to wait for the pause');
    expect((await host.http.get(`${host.admin}/${id}`).expect(200)).body.pausedUntil).not.toBeNull();

    status = 200;
    await host.http.post(`${host.admin}/${id}/resume`).expect(200);
    const [, retry] = await receiver.waitFor(2, { path: '/flaky', timeoutMs: 10_000 });
    expect(header(retry, 'x-webhook-id')).toBe(deliveryId);
    expect(header(retry, 'x-webhook-attempt')).toBe('2');
    await eventually(async () => {
      const d = (await host.http.get(`${host.admin}/${id}/deliveries/${deliveryId}`).expect(200)).body;
      return d.status === 'success' && d.attempts === 2 ? d : undefined;
    }, 10_000, 'the retry to succeed');
  }, 30_000);
});
