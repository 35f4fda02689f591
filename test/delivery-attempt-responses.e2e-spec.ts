import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebhookEvent } from '../src/webhooks/index.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

const BODY_MAX = 32;

describe.each(['mariadb', 'postgres'] as const)("each attempt's response in the delivery detail, on %s", (engine) => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  const seen = new Map<string, number>();

  beforeAll(async () => {
    receiver = await HttpsReceiver.start((req, res) => {
      const id = String(req.headers['x-webhook-id']);
      const n = (seen.get(id) ?? 0) + 1;
      seen.set(id, n);
      if (n === 1) {
        // JSON that is itself valid JSON, and longer than maxResponseBodyBytes.
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '0', 'x-request-id': 'first' }).end(JSON.stringify({ error: 'busy', detail: 'x'.repeat(100) }));
      } else {
        res.writeHead(200, { 'content-type': 'text/plain', 'x-request-id': 'second' }).end('{"ok":true}');
      }
    });
    host = await bootWebhooksHost({ engine, options: { retryDelaysMs: [200], maxResponseBodyBytes: BODY_MAX } });
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  it('keeps every answer: status, headers as an object and the body cut at maxResponseBodyBytes', async () => {
    const { body: webhook } = await host.http.post(host.admin).send({ name: 'CRM', url: receiver.url('/crm'), events: ['contact.created'] }).expect(201);
    const [ids] = (await host.emitter.emitAsync(WebhookEvent.ContactCreated, { id: 1, name: 'Ada', createdAt: new Date() })) as string[][];
    const detail = await eventually(async () => {
      const res = await host.http.get(`${host.admin}/${webhook.id}/deliveries/${ids[0]}`).expect(200);
      return res.body.status === 'success' ? res.body : undefined;
    }, 10_000, 'the retry to succeed');

    expect(detail.attemptLog).toHaveLength(2);
    const [first, second] = detail.attemptLog;
    for (const a of detail.attemptLog) {
      expect(Object.keys(a).sort()).toEqual(['at', 'attempt', 'durationMs', 'error', 'requestHeaders', 'responseBody', 'responseHeaders', 'statusCode']);
    }
    // Each attempt's own request headers: what the receiver got on that attempt.
    const received = receiver.received('/crm');
    detail.attemptLog.forEach((a: { requestHeaders: Record<string, string> }, i: number) => {
      const sent = Object.fromEntries(Object.entries(a.requestHeaders).map(([k, v]) => [k.toLowerCase(), v]));
      expect(sent['x-webhook-attempt']).toBe(String(i + 1));
      expect(sent['x-webhook-timestamp']).toBe(received[i].headers['x-webhook-timestamp']);
      expect(sent['webhook-id']).toBe(received[i].headers['webhook-id']);
    });
    expect(first).toMatchObject({ attempt: 1, statusCode: 503, error: expect.stringMatching(/^HTTP 503/) });
    expect(first.responseHeaders).toMatchObject({ 'content-type': 'application/json', 'x-request-id': 'first' });
    expect(first.responseBody).toBe(JSON.stringify({ error: 'busy', detail: 'x'.repeat(100) }).slice(0, BODY_MAX));
    expect(second).toMatchObject({ attempt: 2, statusCode: 200, error: null });
    expect(second.responseHeaders).toMatchObject({ 'content-type': 'text/plain', 'x-request-id': 'second' });
    // A body that is itself JSON comes back as the text the receiver sent, not as an object.
    expect(second.responseBody).toBe('{"ok":true}');
    expect(detail.responseBody).toBe('{"ok":true}');
  });

  it('has null headers and body for an attempt that got no answer', async () => {
    const { body: webhook } = await host.http
      .post(host.admin)
      .send({ name: 'Closed', url: 'https://127.0.0.1:9/closed', events: ['contact.created'] })
      .expect(201);
    const test = await host.http.post(`${host.admin}/${webhook.id}/test`).send({}).expect(200);
    expect(test.body.statusCode).toBeNull();
    const { body } = await host.http.get(`${host.admin}/${webhook.id}/deliveries/${test.body.deliveryId}`).expect(200);
    expect(body.attemptLog).toHaveLength(1);
    expect(body.attemptLog[0]).toMatchObject({ attempt: 1, statusCode: null, responseHeaders: null, responseBody: null, requestHeaders: expect.any(Object) });
    expect(body.attemptLog[0].error).toEqual(expect.any(String));
  });
});
