import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { WEBHOOK_DISABLED_EVENT, WebhookEvent } from '../src/webhooks/index.js';
import type { WebhookDisabledEvent } from '../src/webhooks/index.js';
import { byDeliveryId, header, sleep } from './support/delivery-support.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

const REASON = 'Disabled after 3 consecutive failed deliveries; re-enable it once the receiver works.';
const offline = (id: number) => ({ id, name: 'Ada', email: 'ada@example.com', message: `message ${id}`, createdAt: '2025-01-15T10:30:00.000Z' });

describe('a receiver that always fails, until the endpoint is disabled', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  let webhookId: string;
  let status = 500;
  const disabledEvents: WebhookDisabledEvent[] = [];

  beforeAll(async () => {
    receiver = await HttpsReceiver.start((_req, res) => void res.writeHead(status).end(`status ${status}`));
    host = await bootWebhooksHost({ options: { retryDelaysMs: [50, 50], autoDisableAfter: 3 } });
    host.emitter.on(WEBHOOK_DISABLED_EVENT, (event: WebhookDisabledEvent) => void disabledEvents.push(event));
    const created = await host.http
      .post(host.admin)
      .send({ name: 'Shop', url: receiver.url('/down'), events: ['offline_message.created'] })
      .expect(201);
    webhookId = created.body.id;
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  const webhook = async () => (await host.http.get(`${host.admin}/${webhookId}`).expect(200)).body;
  const delivery = async (id: string) => (await host.http.get(`${host.admin}/${webhookId}/deliveries/${id}`).expect(200)).body;

  it(`disables it after autoDisableAfter deliveries failed their last retry, with a reason and the ${WEBHOOK_DISABLED_EVENT} event`, async () => {
    const waitingId = await insertWaitingDelivery();

    const ids: string[] = [];
    for (const n of [1, 2]) {
      const [[id]] = (await host.emitter.emitAsync(WebhookEvent.OfflineMessageCreated, offline(n))) as string[][];
      ids.push(id);
      await eventually(async () => ((await delivery(id)).status === 'failed' ? true : undefined), 5_000, `delivery ${n} to fail`);
      expect(await webhook()).toMatchObject({ enabled: true, consecutiveFailures: n, disabledAt: null, disabledReason: null });
    }
    expect(disabledEvents).toEqual([]);

    const [[third]] = (await host.emitter.emitAsync(WebhookEvent.OfflineMessageCreated, offline(3))) as string[][];
    ids.push(third);
    const disabled = await eventually(async () => {
      const w = await webhook();
      return w.enabled === false ? w : undefined;
    }, 5_000, 'the webhook to be disabled');
    expect(disabled).toMatchObject({ consecutiveFailures: 3, disabledReason: REASON });
    expect(Math.abs(Date.parse(disabled.disabledAt) - Date.now())).toBeLessThan(10_000);
    expect(disabledEvents).toEqual([{ webhook: { id: webhookId, name: 'Shop', url: receiver.url('/down') }, reason: REASON }]);

    // Each failed delivery made all its attempts: 1 + 2 retries, same id, attempts 1..3.
    const sent = byDeliveryId(receiver.received('/down'));
    expect([...sent.keys()]).toEqual(ids);
    for (const id of ids) {
      expect(sent.get(id)!.map((r) => header(r, 'x-webhook-attempt'))).toEqual(['1', '2', '3']);
      expect(await delivery(id)).toMatchObject({ status: 'failed', attempts: 3, statusCode: 500, error: 'HTTP 500', nextAttemptAt: null });
    }

    // The one waiting for its retry is ended at once, with the reason.
    expect(await delivery(waitingId)).toMatchObject({
      status: 'failed',
      attempts: 1,
      nextAttemptAt: null,
      error: `Not sent: the webhook is disabled (${REASON.replace(/\.$/, '')}). Re-enable it with PATCH {"enabled": true}, then redeliver this delivery.`,
    });

    // Nothing more is recorded or sent while it is disabled.
    const [none] = await host.emitter.emitAsync(WebhookEvent.OfflineMessageCreated, offline(4));
    expect(none).toEqual([]);
    await sleep(300);
    expect(receiver.received('/down')).toHaveLength(9);
    expect(disabledEvents).toHaveLength(1);
  });

  it('PATCH {enabled: true} re-enables it and resets the count, so one more failure does not disable it again', async () => {
    const res = await host.http.patch(`${host.admin}/${webhookId}`).send({ enabled: true }).expect(200);
    expect(res.body).toMatchObject({ enabled: true, consecutiveFailures: 0, disabledAt: null, disabledReason: null });

    const [[id]] = (await host.emitter.emitAsync(WebhookEvent.OfflineMessageCreated, offline(5))) as string[][];
    await eventually(async () => ((await delivery(id)).status === 'failed' ? true : undefined), 5_000, 'the delivery to fail');
    expect(await webhook()).toMatchObject({ enabled: true, consecutiveFailures: 1 });

    // A success ends the streak.
    status = 204;
    const [[ok]] = (await host.emitter.emitAsync(WebhookEvent.OfflineMessageCreated, offline(6))) as string[][];
    await eventually(async () => ((await delivery(ok)).status === 'success' ? true : undefined), 5_000, 'the delivery to succeed');
    expect(await webhook()).toMatchObject({ enabled: true, consecutiveFailures: 0 });
    expect(disabledEvents).toHaveLength(1);
  });

  it('PATCH {enabled: false} ends what waits, with a clear error', async () => {
    const waitingId = await insertWaitingDelivery();
    await host.http.patch(`${host.admin}/${webhookId}`).send({ enabled: false }).expect(200);
    expect(await delivery(waitingId)).toMatchObject({
      status: 'failed',
      nextAttemptAt: null,
      error: 'Not sent: the webhook is disabled (by an admin). Re-enable it with PATCH {"enabled": true}, then redeliver this delivery.',
    });
    expect(disabledEvents).toHaveLength(1);
  });

  /** A delivery waiting for a retry an hour away, as the worker leaves one after a failed attempt. */
  async function insertWaitingDelivery(): Promise<string> {
    const id = randomUUID();
    const now = new Date();
    await host.dataSource.query(
      `INSERT INTO webhook_deliveries (id, webhookId, event, payload, status, attempts, statusCode, error, isTest, nextAttemptAt, createdAt, updatedAt)
       VALUES (?, ?, 'offline_message.created', '{"event":"offline_message.created"}', 'retrying', 1, 500, 'HTTP 500', 0, ?, ?, ?)`,
      [id, webhookId, new Date(now.getTime() + 3_600_000), now, now],
    );
    return id;
  }
});

describe('a success that ends while a failure is recorded beside it', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));

  beforeAll(async () => {
    // Message 1 is answered 200 once released; every other one 500.
    receiver = await HttpsReceiver.start(async (req, res) => {
      const id = (req.body as { data?: { offline_message_id?: number } }).data?.offline_message_id;
      if (id === 1) await held;
      res.writeHead(id === 1 ? 200 : 500).end();
    });
    host = await bootWebhooksHost({ options: { retryDelaysMs: [50], autoDisableAfter: 3 } });
  });

  afterAll(async () => {
    release();
    await host?.close();
    await receiver?.close();
  });

  it('ends the streak counted meanwhile: fail, success, fail, fail does not disable at 3', async () => {
    const created = await host.http.post(host.admin).send({ name: 'Shop', url: receiver.url('/hook'), events: ['offline_message.created'] }).expect(201);
    const webhookId = created.body.id;
    const delivery = async (id: string) => (await host.http.get(`${host.admin}/${webhookId}/deliveries/${id}`).expect(200)).body;
    const ended = (id: string, status: string) =>
      eventually(async () => ((await delivery(id)).status === status ? true : undefined), 10_000, `delivery ${id} to be ${status}`);

    // The success's attempt begins while the streak is 0 ...
    const [[success]] = (await host.emitter.emitAsync(WebhookEvent.OfflineMessageCreated, offline(1))) as string[][];
    await receiver.waitFor(1);
    // ... a failure is recorded meanwhile ...
    const [[first]] = (await host.emitter.emitAsync(WebhookEvent.OfflineMessageCreated, offline(2))) as string[][];
    await ended(first, 'failed');
    expect((await host.http.get(`${host.admin}/${webhookId}`).expect(200)).body.consecutiveFailures).toBe(1);
    // ... then the success ends: the streak is 0 again, whatever the attempt's copy of the webhook said.
    release();
    await ended(success, 'success');
    await eventually(async () => ((await host.http.get(`${host.admin}/${webhookId}`)).body.consecutiveFailures === 0 ? true : undefined), 5_000, 'the streak to end');

    for (const n of [3, 4]) {
      const [[id]] = (await host.emitter.emitAsync(WebhookEvent.OfflineMessageCreated, offline(n))) as string[][];
      await ended(id, 'failed');
    }
    expect((await host.http.get(`${host.admin}/${webhookId}`).expect(200)).body).toMatchObject({ enabled: true, consecutiveFailures: 2 });
  });
});
