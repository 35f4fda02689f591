import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebhookEvent } from '../src/webhooks/index.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually, receiverAcceptsHexSignature, receiverAcceptsStandardSignature } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

/** The module on PostgreSQL: the same flows as on MariaDB, through the public API only. */
describe('WebhooksModule on PostgreSQL', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  const seen = new Map<string, number>();

  beforeAll(async () => {
    receiver = await HttpsReceiver.start((req, res) => {
      // The first attempt of each delivery to /flaky fails once.
      const id = String(req.headers['x-webhook-id']);
      const n = (seen.get(id) ?? 0) + 1;
      seen.set(id, n);
      res.writeHead(req.path === '/flaky' && n === 1 ? 500 : 200).end('ok');
    });
    host = await bootWebhooksHost({ engine: 'postgres', options: { retryDelaysMs: [200] } });
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  it('records, sends, signs, retries and logs deliveries', async () => {
    const { body: webhook } = await host.http
      .post(host.admin)
      .send({ name: 'CRM', url: receiver.url('/flaky'), secret: 'pg-secret', events: ['message.received'] })
      .expect(201);
    expect(webhook).toMatchObject({ enabled: true, hasSecret: true, consecutiveFailures: 0 });

    const [ids] = (await host.emitter.emitAsync(WebhookEvent.MessageReceived, {
      message: { id: 7, content: 'Hei', isFromAdmin: false, createdAt: new Date('2025-01-15T10:31:00.000Z') },
      conversation: { id: 3, visitorName: 'Ada', status: 'open', createdAt: new Date('2025-01-15T10:30:00.000Z') },
    })) as string[][];
    const [first, second] = await receiver.waitFor(2, { path: '/flaky' });
    expect(first.headers['x-webhook-id']).toBe(ids[0]);
    expect(second.headers['x-webhook-id']).toBe(ids[0]);
    expect([first.headers['x-webhook-attempt'], second.headers['x-webhook-attempt']]).toEqual(['1', '2']);
    expect(second.rawBody.equals(first.rawBody)).toBe(true);
    expect(receiverAcceptsHexSignature(second, 'pg-secret')).toBe(true);
    expect(receiverAcceptsStandardSignature(second, 'pg-secret')).toBe(true);
    expect((second.body as { data: Record<string, unknown> }).data).toMatchObject({ message_id: 7, conversation_id: 3, created_at: '2025-01-15T10:31:00.000Z' });

    const detail = await eventually(async () => {
      const res = await host.http.get(`${host.admin}/${webhook.id}/deliveries/${ids[0]}`).expect(200);
      return res.body.status === 'success' ? res.body : undefined;
    }, 10_000, 'the delivery to succeed');
    expect(detail).toMatchObject({ attempts: 2, statusCode: 200, isTest: false, nextAttemptAt: null });
    expect(detail.attemptLog.map((a: { attempt: number; statusCode: number }) => [a.attempt, a.statusCode])).toEqual([
      [1, 500],
      [2, 200],
    ]);
  });

  it('pages the delivery log, sends tests and redeliveries, and rotates secrets', async () => {
    const { body: webhook } = await host.http.post(host.admin).send({ name: 'All', url: receiver.url('/all'), events: ['*'] }).expect(201);
    for (let i = 0; i < 3; i++) await host.emitter.emitAsync(WebhookEvent.TakeoverRequested, { conversation: { id: i } });
    await receiver.waitFor(3, { path: '/all' });
    const test = await host.http.post(`${host.admin}/${webhook.id}/test`).send({ event: 'tag.added' }).expect(200);
    expect(test.body).toMatchObject({ success: true, statusCode: 200 });

    const page1 = await host.http.get(`${host.admin}/${webhook.id}/deliveries?limit=2`).expect(200);
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.items[0]).toMatchObject({ id: test.body.deliveryId, isTest: true });
    const page2 = await host.http.get(`${host.admin}/${webhook.id}/deliveries?limit=2&before=${page1.body.nextCursor}`).expect(200);
    expect(page2.body.items).toHaveLength(2);
    expect(page2.body.nextCursor).toBeNull();
    const onlyTakeovers = await host.http.get(`${host.admin}/${webhook.id}/deliveries?event=takeover.requested&status=success`).expect(200);
    expect(onlyTakeovers.body.items).toHaveLength(3);

    const target = page2.body.items[1].id as string;
    await host.http.post(`${host.admin}/${webhook.id}/deliveries/${target}/redeliver`).expect(202);
    const again = (await receiver.waitFor(5, { path: '/all' }))[4];
    expect(again.headers['x-webhook-id']).toBe(target);
    expect(again.headers['x-webhook-attempt']).toBe('2');

    const rotated = await host.http.post(`${host.admin}/${webhook.id}/secret/rotate`).expect(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect((await host.http.get(`${host.admin}/${webhook.id}/secret`).expect(200)).body).toEqual(rotated.body);
    await host.http.delete(`${host.admin}/${webhook.id}`).expect(204);
    await host.http.get(`${host.admin}/${webhook.id}/deliveries`).expect(404);
  });

  it('counts a replay without sending it (dryRun)', async () => {
    const { body: webhook } = await host.http.post(host.admin).send({ name: 'Dry', url: receiver.url('/dry'), events: ['*'] }).expect(201);
    const since = new Date(Date.now() - 1000).toISOString();
    for (let i = 0; i < 2; i++) await host.emitter.emitAsync(WebhookEvent.TakeoverRequested, { conversation: { id: i } });
    await receiver.waitFor(2, { path: '/dry' });
    const dry = await host.http.post(`${host.admin}/${webhook.id}/deliveries/replay`).send({ since, dryRun: true }).expect(200);
    expect(dry.body).toEqual({ count: 2 });
    const none = await host.http.post(`${host.admin}/${webhook.id}/deliveries/replay`).send({ since, status: 'failed', dryRun: true }).expect(200);
    expect(none.body).toEqual({ count: 0 });
    expect(receiver.received('/dry')).toHaveLength(2);
  });
});
