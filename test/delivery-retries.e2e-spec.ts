import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebhookEvent } from '../src/webhooks/index.js';
import { byDeliveryId, header, sleep } from './support/delivery-support.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually, receiverAcceptsHexSignature, receiverAcceptsStandardSignature } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

const SECRET = 'whsec_' + Buffer.alloc(24, 9).toString('base64');
/** Retry 1 after 150 ms, 2 after 600 ms (long enough to watch it wait), 3 after 150 ms, 4 after 30 s. */
const DELAYS = [150, 600, 150, 30_000];
const conversation = (id: number) => ({ id, visitorName: 'Grace', status: 'open', createdAt: '2025-01-15T10:30:00.000Z' });

describe('a receiver that fails N times, then succeeds', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  let webhookId: string;
  const failuresLeft = new Map<string, number>();

  beforeAll(async () => {
    receiver = await HttpsReceiver.start((req, res) => {
      const id = header(req, 'x-webhook-id');
      if (req.path === '/always-down') return void res.writeHead(500).end('still down');
      const left = failuresLeft.get(id) ?? 3;
      failuresLeft.set(id, left - 1);
      if (left > 0) res.writeHead(500, { 'content-type': 'text/plain' }).end(`failure ${4 - left}`);
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('finally');
    });
    host = await bootWebhooksHost({ options: { retryDelaysMs: DELAYS } });
    const created = await host.http
      .post(host.admin)
      .send({ name: 'Flaky CRM', url: receiver.url('/flaky'), secret: SECRET, events: ['conversation.started'] })
      .expect(201);
    webhookId = created.body.id;
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  it('retries with the same id and counts the attempts 1..N+1, on the schedule, then succeeds', async () => {
    const [[deliveryId]] = (await host.emitter.emitAsync(WebhookEvent.ConversationStarted, conversation(1))) as string[][];

    // While it waits for retry 2 (600 ms), the log shows it retrying with the time of the next attempt.
    await receiver.waitFor(2, { path: '/flaky' });
    const waiting = await eventually(async () => {
      const res = await host.http.get(`${host.admin}/${webhookId}/deliveries/${deliveryId}`).expect(200);
      return res.body.attempts === 2 ? res.body : undefined;
    }, 5_000, 'the second attempt to be recorded');
    expect(waiting).toMatchObject({ status: 'retrying', statusCode: 500, error: 'HTTP 500', responseBody: 'failure 2' });
    const nextAt = Date.parse(waiting.nextAttemptAt);
    const secondAt = receiver.received('/flaky')[1].at;
    expect(nextAt - secondAt).toBeGreaterThanOrEqual(600 - 50);
    expect(nextAt - secondAt).toBeLessThan(600 * 1.1 + 500);
    const listed = await host.http.get(`${host.admin}/${webhookId}/deliveries?status=retrying`).expect(200);
    expect(listed.body.items.map((d: { id: string }) => d.id)).toEqual([deliveryId]);

    const sent = await receiver.waitFor(4, { path: '/flaky', timeoutMs: 10_000 });
    expect(sent.map((r) => header(r, 'x-webhook-attempt'))).toEqual(['1', '2', '3', '4']);
    expect(new Set(sent.map((r) => header(r, 'x-webhook-id')))).toEqual(new Set([deliveryId]));
    expect(new Set(sent.map((r) => header(r, 'webhook-id')))).toEqual(new Set([deliveryId]));
    // The same bytes every time, freshly signed and stamped for each attempt.
    for (const req of sent) {
      expect(req.rawBody.equals(sent[0].rawBody)).toBe(true);
      expect(receiverAcceptsHexSignature(req, SECRET)).toBe(true);
      expect(receiverAcceptsStandardSignature(req, SECRET)).toBe(true);
    }
    expect(new Set(sent.map((r) => header(r, 'x-webhook-timestamp'))).size).toBe(4);
    // Each gap is at least the scheduled delay, and at most its 10 % jitter plus slack.
    for (let i = 1; i < 4; i++) {
      const gap = sent[i].at - sent[i - 1].at;
      expect(gap).toBeGreaterThanOrEqual(DELAYS[i - 1] - 20);
      expect(gap).toBeLessThan(DELAYS[i - 1] * 1.1 + 1_000);
    }

    const detail = await eventually(async () => {
      const res = await host.http.get(`${host.admin}/${webhookId}/deliveries/${deliveryId}`).expect(200);
      return res.body.status === 'success' ? res.body : undefined;
    }, 5_000, 'the delivery to succeed');
    expect(detail).toMatchObject({ id: deliveryId, attempts: 4, statusCode: 200, error: null, nextAttemptAt: null, responseBody: 'finally' });
    expect(detail.attemptLog.map((a: { attempt: number; statusCode: number; error: string | null }) => [a.attempt, a.statusCode, a.error])).toEqual([
      [1, 500, 'HTTP 500'],
      [2, 500, 'HTTP 500'],
      [3, 500, 'HTTP 500'],
      [4, 200, null],
    ]);
    expect(detail.requestHeaders['X-Webhook-Attempt']).toBe('4');
    expect((await host.http.get(`${host.admin}/${webhookId}`).expect(200)).body).toMatchObject({ enabled: true, consecutiveFailures: 0 });
  });

  it('redelivers a delivered one with the same id, attempt numbers going on', async () => {
    const list = await host.http.get(`${host.admin}/${webhookId}/deliveries?status=success`).expect(200);
    const deliveryId = list.body.items[0].id;
    const before = receiver.received('/flaky').length;

    const res = await host.http.post(`${host.admin}/${webhookId}/deliveries/${deliveryId}/redeliver`).expect(202);
    expect(res.body).toEqual({ deliveryId, status: 'pending' });

    const [again] = (await receiver.waitFor(before + 1, { path: '/flaky' })).slice(before);
    expect(header(again, 'x-webhook-id')).toBe(deliveryId);
    expect(header(again, 'x-webhook-attempt')).toBe('5');
    const detail = await eventually(async () => {
      const d = (await host.http.get(`${host.admin}/${webhookId}/deliveries/${deliveryId}`).expect(200)).body;
      return d.status === 'success' && d.attempts === 5 ? d : undefined;
    }, 5_000, 'the redelivery to be logged');
    expect(detail.attemptLog.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3, 4, 5]);

    await host.http.post(`${host.admin}/${webhookId}/deliveries/00000000-0000-4000-8000-000000000000/redeliver`).expect(404, /Delivery not found/);
  });

  it('redelivers one waiting for a distant retry now, once, instead of at its time', async () => {
    const down = await host.http
      .post(host.admin)
      .send({ name: 'Down', url: receiver.url('/always-down'), events: ['conversation.started'] })
      .expect(201);
    const [ids] = (await host.emitter.emitAsync(WebhookEvent.ConversationStarted, conversation(2))) as string[][];
    const deliveryId = (
      await host.http.get(`${host.admin}/${down.body.id}/deliveries`).expect(200)
    ).body.items[0].id as string;
    expect(ids).toContain(deliveryId);

    // Four attempts, then the 30 s wait for the last retry.
    await receiver.waitFor(4, { path: '/always-down', timeoutMs: 10_000 });
    await eventually(async () => {
      const d = (await host.http.get(`${host.admin}/${down.body.id}/deliveries/${deliveryId}`).expect(200)).body;
      return d.attempts === 4 && d.status === 'retrying' ? d : undefined;
    }, 5_000, 'the wait for retry 4');

    await host.http.post(`${host.admin}/${down.body.id}/deliveries/${deliveryId}/redeliver`).expect(202);
    const fifth = (await receiver.waitFor(5, { path: '/always-down' }))[4];
    expect(header(fifth, 'x-webhook-attempt')).toBe('5');
    expect(header(fifth, 'x-webhook-id')).toBe(deliveryId);
    // Attempt 5 was the last of the schedule: it is now failed, and the queued retry does not send it again.
    const detail = await eventually(async () => {
      const d = (await host.http.get(`${host.admin}/${down.body.id}/deliveries/${deliveryId}`).expect(200)).body;
      return d.status === 'failed' ? d : undefined;
    }, 5_000, 'the redelivered attempt to fail for good');
    expect(detail).toMatchObject({ attempts: 5, statusCode: 500, nextAttemptAt: null });
    await sleep(700);
    expect(byDeliveryId(receiver.received('/always-down')).get(deliveryId)).toHaveLength(5);
    expect((await host.http.get(`${host.admin}/${down.body.id}`).expect(200)).body.consecutiveFailures).toBe(1);
  });
});
