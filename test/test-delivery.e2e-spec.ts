import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HttpsReceiver } from './support/https-receiver.js';
import { receiverAcceptsHexSignature } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

describe('POST /:id/test (the admin test button)', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;

  beforeAll(async () => {
    receiver = await HttpsReceiver.start((req, res) => {
      if (req.path === '/broken') res.writeHead(500, { 'content-type': 'text/plain' }).end('database down');
      else if (req.path === '/moved') res.writeHead(301, { location: receiver.url('/target') }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
    host = await bootWebhooksHost();
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  async function webhook(path: string, events: string[], secret?: string): Promise<string> {
    const res = await host.http.post(host.admin).send({ name: path, url: receiver.url(path), events, secret }).expect(201);
    return res.body.id;
  }

  it('sends a sample of the first subscribed event now, marked as a test, and answers the outcome', async () => {
    const id = await webhook('/ok', ['message.received', 'conversation.started'], 'test-secret');
    const res = await host.http.post(`${host.admin}/${id}/test`).send({}).expect(200);
    expect(Object.keys(res.body).sort()).toEqual(['deliveryId', 'durationMs', 'error', 'responseBody', 'statusCode', 'success']);
    expect(res.body).toMatchObject({ success: true, statusCode: 200, responseBody: '{"received":true}', error: null });

    const [req] = receiver.received('/ok');
    expect(req.headers['x-webhook-test']).toBe('true');
    expect(req.headers['x-webhook-id']).toBe(res.body.deliveryId);
    expect(req.headers['x-webhook-event']).toBe('message.received');
    expect((req.body as { event: string }).event).toBe('message.received');
    expect(receiverAcceptsHexSignature(req, 'test-secret')).toBe(true);

    const log = await host.http.get(`${host.admin}/${id}/deliveries`).expect(200);
    expect(log.body.items).toHaveLength(1);
    expect(log.body.items[0]).toMatchObject({ id: res.body.deliveryId, isTest: true, status: 'success', attempts: 1 });
  });

  it('sends the requested event', async () => {
    const id = await webhook('/chosen', ['*']);
    await host.http.post(`${host.admin}/${id}/test`).send({ event: 'contact.banned' }).expect(200);
    expect(receiver.received('/chosen')[0].headers['x-webhook-event']).toBe('contact.banned');
    await host.http.post(`${host.admin}/${id}/test`).send({ event: 'no.such.event' }).expect(400, /Invalid subscription event type/);
  });

  it('reports a failing receiver without retrying a test', async () => {
    const id = await webhook('/broken', ['conversation.started']);
    const res = await host.http.post(`${host.admin}/${id}/test`).send({}).expect(200);
    expect(res.body).toMatchObject({ success: false, statusCode: 500, responseBody: 'database down', error: 'HTTP 500' });
    const detail = await host.http.get(`${host.admin}/${id}/deliveries/${res.body.deliveryId}`).expect(200);
    expect(detail.body).toMatchObject({ status: 'failed', attempts: 1, isTest: true, nextAttemptAt: null, statusCode: 500 });
    expect(detail.body.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, statusCode: 500, error: 'HTTP 500' }),
    ]);
    // A test does not count towards disabling the endpoint.
    const { body: after } = await host.http.get(`${host.admin}/${id}`).expect(200);
    expect(after).toMatchObject({ enabled: true, consecutiveFailures: 0 });
  });

  it('does not follow a redirect: the target receives nothing', async () => {
    const id = await webhook('/moved', ['conversation.started']);
    const res = await host.http.post(`${host.admin}/${id}/test`).send({}).expect(200);
    expect(res.body).toMatchObject({ success: false, statusCode: 301 });
    expect(res.body.error).toContain('redirect');
    expect(receiver.received('/target')).toHaveLength(0);
  });

  it('reports a receiver that refuses connections', async () => {
    const closed = await HttpsReceiver.start();
    const url = closed.url('/gone');
    await closed.close();
    const { body } = await host.http.post(host.admin).send({ name: 'closed', url, events: ['*'] }).expect(201);
    const res = await host.http.post(`${host.admin}/${body.id}/test`).send({}).expect(200);
    expect(res.body).toMatchObject({ success: false, statusCode: null, responseBody: null });
    expect(res.body.error).toMatch(/Connection refused/);
  });
});
