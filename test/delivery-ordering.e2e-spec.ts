import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ServerResponse } from 'node:http';
import { WebhookDeliveryStore } from '../src/webhooks/delivery-log/webhook-delivery.store.js';
import { WebhookDeliveryReconciler } from '../src/webhooks/engine/webhook-delivery.reconciler.js';
import { WebhookDeliveryQueue } from '../src/webhooks/engine/webhook-delivery.queue.js';
import { WebhookDelivery, WebhookEvent } from '../src/webhooks/index.js';
import { header, latch } from './support/delivery-support.js';
import { HttpsReceiver } from './support/https-receiver.js';
import type { ReceivedRequest } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

/** Three attempts in all, 150 ms apart: a delivery fails for good quickly. */
const DELAYS = [150, 150];

const conversation = (id: number) => ({ id, visitorName: 'Ada', status: 'open', createdAt: '2025-01-15T10:30:00.000Z' });
const message = (conversationId: number, n: number) => ({
  message: { id: conversationId * 1000 + n, content: `message ${n}`, createdAt: '2025-01-15T10:31:00.000Z' },
  conversation: conversation(conversationId),
});

describe.each(['mariadb', 'postgres'] as const)("ordering: conversation, one conversation's deliveries one after another, on %s", (engine) => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  /** How each path answers; the default is 200 at once. */
  const replies = new Map<string, (req: ReceivedRequest, res: ServerResponse) => void | Promise<void>>();
  /** When each request was answered, by its position in `receiver.requests`. */
  const answeredAt = new Map<ReceivedRequest, number>();

  beforeAll(async () => {
    receiver = await HttpsReceiver.start(async (req, res) => {
      const reply = replies.get(req.path);
      if (reply) await reply(req, res);
      else res.writeHead(200).end('ok');
      answeredAt.set(req, Date.now());
    });
    host = await bootWebhooksHost({ engine, options: { retryDelaysMs: DELAYS, requestTimeoutMs: 5_000 } });
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  async function createWebhook(path: string, ordering: 'none' | 'conversation'): Promise<string> {
    const created = await host.http
      .post(host.admin)
      .send({ name: `CRM ${path}`, url: receiver.url(path), events: ['conversation.started', 'message.received'], ordering })
      .expect(201);
    expect(created.body.ordering).toBe(ordering);
    return created.body.id as string;
  }

  /** Publishes `conversation.started`, then `count - 1` messages of conversation `id`, each awaited before the next. */
  async function publishConversation(id: number, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      const [deliveryId] = n === 0
        ? await host.publisher.publish(WebhookEvent.ConversationStarted, conversation(id))
        : await host.publisher.publish(WebhookEvent.MessageReceived, message(id, n));
      ids.push(deliveryId);
    }
    return ids;
  }

  const requestsOf = (path: string, deliveryId: string) => receiver.received(path).filter((r) => header(r, 'x-webhook-id') === deliveryId);
  const deliveryIds = (path: string) => receiver.received(path).map((r) => header(r, 'x-webhook-id'));
  const row = async (id: string) => {
    const { status, attempts, orderingKey } = await host.dataSource.getRepository(WebhookDelivery).findOneByOrFail({ id });
    return { status, attempts, orderingKey };
  };

  it('a delivery that fails for good holds back only its own conversation, then its key moves on to the next', async () => {
    const path = '/give-up';
    const webhookId = await createWebhook(path, 'conversation');
    // The first of conversation 101 fails every attempt; everything else is answered 200.
    replies.set(path, (req, res) => {
      const first = header(req, 'x-webhook-event') === 'conversation.started' && (req.body as { data: { conversation_id: number } }).data.conversation_id === 101;
      res.writeHead(first ? 500 : 200).end();
    });
    const blocked = await publishConversation(101, 3);
    const free = await publishConversation(102, 3);
    expect((await row(blocked[1])).orderingKey).toBe('c:101');

    await eventually(() => (requestsOf(path, blocked[2]).length > 0 ? true : undefined), 10_000, "conversation 101's last delivery");
    await eventually(async () => ((await row(blocked[2])).status === 'success' ? true : undefined), 5_000, 'its record');

    const order = deliveryIds(path).filter((id) => blocked.includes(id));
    expect(order).toEqual([blocked[0], blocked[0], blocked[0], blocked[1], blocked[2]]);
    const lastFailure = requestsOf(path, blocked[0])[2];
    // The next starts only after the one before ended: its last attempt answered.
    expect(requestsOf(path, blocked[1])[0].at).toBeGreaterThanOrEqual(answeredAt.get(lastFailure)!);
    expect(await row(blocked[0])).toMatchObject({ status: 'failed', attempts: 3 });
    expect(await row(blocked[1])).toMatchObject({ status: 'success', attempts: 1 });
    // Conversation 102 did not wait for 101's retries: all of it arrived before 101's first delivery gave up.
    for (const id of free) expect(requestsOf(path, id)).toHaveLength(1);
    expect(Math.max(...free.map((id) => requestsOf(path, id)[0].at))).toBeLessThan(lastFailure.at);
    expect(deliveryIds(path).filter((id) => free.includes(id))).toEqual(free);
    await host.http.delete(`${host.admin}/${webhookId}`).expect(204);
  });

  it('held deliveries spend no attempt and get no job, the reconciler passes them by, and turning ordering off sends them all at once', async () => {
    const path = '/release';
    const webhookId = await createWebhook(path, 'conversation');
    const hold = latch();
    // The first delivery (conversation.started) hangs until the latch opens; the others are answered at once.
    replies.set(path, async (req, res) => {
      if (header(req, 'x-webhook-event') === 'conversation.started') await hold.opened;
      res.writeHead(200).end();
    });
    const ids = await publishConversation(201, 4);
    await eventually(() => (requestsOf(path, ids[0]).length === 1 ? true : undefined), 5_000, 'the first delivery to be on the wire');

    const queue = host.app.get(WebhookDeliveryQueue);
    const due = await host.app.get(WebhookDeliveryStore).findDue(new Date(Date.now() + 1_000), 500);
    expect(due.map((d) => d.id)).toContain(ids[0]);
    for (const id of ids.slice(1)) {
      expect(due.map((d) => d.id)).not.toContain(id);
      expect(await row(id)).toMatchObject({ status: 'pending', attempts: 0, orderingKey: 'c:201' });
      expect(await queue.queue.getJob(`${id}:1`)).toBeNull();
    }
    await host.app.get(WebhookDeliveryReconciler).reconcile();
    for (const id of ids.slice(1)) expect(await queue.queue.getJob(`${id}:1`)).toBeNull();
    expect(deliveryIds(path)).toEqual([ids[0]]);

    // Off: the three waiting ones go now, while the first still hangs.
    const off = await host.http.patch(`${host.admin}/${webhookId}`).send({ ordering: 'none' }).expect(200);
    expect(off.body.ordering).toBe('none');
    await eventually(() => (ids.slice(1).every((id) => requestsOf(path, id).length === 1) ? true : undefined), 5_000, 'the held deliveries');
    expect(answeredAt.has(requestsOf(path, ids[0])[0])).toBe(false);
    for (const id of ids) expect((await row(id)).orderingKey).toBeNull();
    hold.open();
    await eventually(async () => ((await row(ids[0])).status === 'success' ? true : undefined), 5_000, 'the first delivery');
    await host.http.delete(`${host.admin}/${webhookId}`).expect(204);
  });

  it('turning ordering on orders what comes after, not what was waiting already; a redelivery goes outside the order', async () => {
    const path = '/turn-on';
    const webhookId = await createWebhook(path, 'none');
    const hold = latch();
    const ids: string[] = [];
    let failedOnce = false;
    // The first (conversation.started, published unordered) hangs; the second (message 1) fails its first attempt.
    replies.set(path, async (req, res) => {
      const data = (req.body as { data: { message_id?: number } }).data;
      if (header(req, 'x-webhook-event') === 'conversation.started') await hold.opened;
      if (data.message_id === 301_001 && !failedOnce) {
        failedOnce = true;
        return void res.writeHead(500).end();
      }
      res.writeHead(200).end();
    });
    ids.push(...(await host.publisher.publish(WebhookEvent.ConversationStarted, conversation(301))));
    await eventually(() => (requestsOf(path, ids[0]).length === 1 ? true : undefined), 5_000, 'the unordered first delivery');
    expect((await row(ids[0])).orderingKey).toBeNull();

    await host.http.patch(`${host.admin}/${webhookId}`).send({ ordering: 'conversation' }).expect(200);
    ids.push(...(await host.publisher.publish(WebhookEvent.MessageReceived, message(301, 1))));
    ids.push(...(await host.publisher.publish(WebhookEvent.MessageReceived, message(301, 2))));
    expect((await row(ids[1])).orderingKey).toBe('c:301');

    // The second is not held back by the first (it was not ordered); the third waits for the second's retry.
    await eventually(() => (requestsOf(path, ids[2]).length === 1 ? true : undefined), 5_000, 'the third delivery');
    const second = requestsOf(path, ids[1]);
    expect(second.map((r) => header(r, 'x-webhook-attempt'))).toEqual(['1', '2']);
    expect(requestsOf(path, ids[2])[0].at).toBeGreaterThanOrEqual(answeredAt.get(second[1])!);
    expect(answeredAt.has(requestsOf(path, ids[0])[0])).toBe(false);
    hold.open();
    await eventually(async () => ((await row(ids[2])).status === 'success' ? true : undefined), 5_000, 'the third record');

    // A redelivery of an ended delivery goes as asked, and holds back nothing published after it.
    const hold2 = latch();
    replies.set(path, async (req, res) => {
      if (header(req, 'x-webhook-id') === ids[1]) await hold2.opened;
      res.writeHead(200).end();
    });
    await host.http.post(`${host.admin}/${webhookId}/deliveries/${ids[1]}/redeliver`).expect(202);
    await eventually(() => (requestsOf(path, ids[1]).length === 3 ? true : undefined), 5_000, 'the redelivery');
    expect((await row(ids[1])).orderingKey).toBeNull();
    const [later] = await host.publisher.publish(WebhookEvent.MessageReceived, message(301, 3));
    await eventually(() => (requestsOf(path, later).length === 1 ? true : undefined), 5_000, 'a delivery published after the redelivery');
    hold2.open();
    await eventually(async () => ((await row(ids[1])).status === 'success' ? true : undefined), 5_000, 'the redelivery record');
    await host.http.delete(`${host.admin}/${webhookId}`).expect(204);
  });
  it('a redelivery of a waiting delivery keeps its turn; a replay of ended ones goes outside the order', async () => {
    const path = '/replay';
    const webhookId = await createWebhook(path, 'conversation');
    const first = latch();
    const again = latch();
    // conversation.started hangs on its first attempt until `first` opens, and on its replay until `again` opens.
    replies.set(path, async (req, res) => {
      if (header(req, 'x-webhook-event') === 'conversation.started') await (header(req, 'x-webhook-attempt') === '1' ? first : again).opened;
      res.writeHead(200).end();
    });
    const since = new Date(Date.now() - 1_000).toISOString();
    const ids = await publishConversation(401, 3);
    await eventually(() => (requestsOf(path, ids[0]).length === 1 ? true : undefined), 5_000, 'the first delivery to be on the wire');

    await host.http.post(`${host.admin}/${webhookId}/deliveries/${ids[2]}/redeliver`).expect(202);
    expect(await host.app.get(WebhookDeliveryQueue).queue.getJob(`${ids[2]}:1`)).toBeNull();
    expect(await row(ids[2])).toMatchObject({ status: 'pending', attempts: 0, orderingKey: 'c:401' });
    first.open();
    await eventually(async () => ((await row(ids[2])).status === 'success' ? true : undefined), 5_000, 'the conversation to be delivered');
    expect(deliveryIds(path)).toEqual(ids);

    const replayed = await host.http.post(`${host.admin}/${webhookId}/deliveries/replay`).send({ since }).expect(202);
    expect(replayed.body.count).toBe(3);
    // The replayed second and third arrive while the replayed first still hangs, and so does one published now.
    await eventually(() => (requestsOf(path, ids[1]).length === 2 && requestsOf(path, ids[2]).length === 2 ? true : undefined), 5_000, 'the replays');
    const [later] = await host.publisher.publish(WebhookEvent.MessageReceived, message(401, 9));
    await eventually(() => (requestsOf(path, later).length === 1 ? true : undefined), 5_000, 'a delivery published after the replay');
    expect(requestsOf(path, ids[0])).toHaveLength(2);
    expect(answeredAt.has(requestsOf(path, ids[0])[1])).toBe(false);
    for (const id of ids) expect((await row(id)).orderingKey).toBeNull();
    again.open();
    await eventually(async () => ((await row(ids[0])).status === 'success' ? true : undefined), 5_000, 'the replayed first delivery');
    await host.http.delete(`${host.admin}/${webhookId}`).expect(204);
  });
});
