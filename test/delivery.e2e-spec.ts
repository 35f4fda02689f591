import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebhookEvent } from '../src/webhooks/index.js';
import { hostConversation } from './support/chat-fixtures.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually, receiverAcceptsHexSignature, receiverAcceptsStandardSignature } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

const SECRET = 'my-receiver-secret';

const conversation = hostConversation;

describe('events → signed deliveries on a real HTTPS receiver', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  let signedId: string;
  let plainId: string;

  beforeAll(async () => {
    receiver = await HttpsReceiver.start();
    host = await bootWebhooksHost();
    const signed = await host.http
      .post(host.admin)
      .send({ name: 'CRM', url: receiver.url('/signed'), secret: SECRET, events: ['conversation.started', 'message.received'] })
      .expect(201);
    signedId = signed.body.id;
    const plain = await host.http
      .post(host.admin)
      .send({ name: 'Script', url: receiver.url('/plain'), events: ['message.received'] })
      .expect(201);
    plainId = plain.body.id;
    await host.http
      .post(host.admin)
      .send({ name: 'Off', url: receiver.url('/disabled'), events: ['*'], enabled: false })
      .expect(201);
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  it('sends conversation.started with the contract body, headers and signatures', async () => {
    const ids = await host.emitter.emitAsync(WebhookEvent.ConversationStarted, conversation);
    expect(ids).toHaveLength(1);

    const [req] = await receiver.waitFor(1, { path: '/signed' });
    expect(req.method).toBe('POST');
    const body = req.body as { event: string; timestamp: string; data: Record<string, unknown> };
    expect(Object.keys(body)).toEqual(['event', 'timestamp', 'data']);
    expect(body.event).toBe('conversation.started');
    expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);
    expect(body.data).toEqual({
      conversation_id: 17,
      visitor_name: 'Ada Lovelace',
      visitor_email: 'ada@example.com',
      visitor_phone: null,
      visitor_ip: '198.51.100.4',
      current_url: 'https://shop.example.com/',
      status: 'open',
      created_at: '2025-01-15T10:30:00.000Z',
    });
    expect(Object.keys(body.data).sort()).toEqual(
      ['conversation_id', 'visitor_name', 'visitor_email', 'visitor_phone', 'visitor_ip', 'current_url', 'status', 'created_at'].sort(),
    );

    const h = req.headers;
    expect(h['content-type']).toBe('application/json');
    expect(h['user-agent']).toMatch(/^nestjs-chat-webhooks\/\d+\.\d+\.\d+$/);
    expect(h['x-webhook-event']).toBe('conversation.started');
    expect(h['x-webhook-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(h['x-webhook-attempt']).toBe('1');
    expect(Math.abs(Date.parse(String(h['x-webhook-timestamp'])) - Date.now())).toBeLessThan(60_000);
    expect(h['x-webhook-test']).toBeUndefined();
    expect(h['webhook-id']).toBe(h['x-webhook-id']);
    expect(Number(h['webhook-timestamp'])).toBe(Math.floor(Date.parse(String(h['x-webhook-timestamp'])) / 1000));
    expect(h['x-webhook-signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(receiverAcceptsHexSignature(req, SECRET)).toBe(true);
    expect(receiverAcceptsHexSignature(req, 'another-secret')).toBe(false);
    expect(receiverAcceptsStandardSignature(req, SECRET)).toBe(true);
    expect(receiverAcceptsStandardSignature(req, 'another-secret')).toBe(false);
    expect(receiver.received('/disabled')).toHaveLength(0);
  });

  it('sends message.received with exactly the contract keys, unsigned where there is no secret', async () => {
    const message = { id: 901, content: 'Hello?', isFromAdmin: false, createdAt: '2025-01-15T10:31:00.000Z' };
    await host.emitter.emitAsync(WebhookEvent.MessageReceived, { message, conversation });

    const [signed] = (await receiver.waitFor(2, { path: '/signed' })).slice(1);
    const [plain] = await receiver.waitFor(1, { path: '/plain' });
    for (const req of [signed, plain]) {
      const body = req.body as { event: string; data: Record<string, unknown> };
      expect(body.event).toBe('message.received');
      expect(body.data).toEqual({
        message_id: 901,
        content: 'Hello?',
        is_from_admin: false,
        admin_name: null,
        conversation_id: 17,
        visitor_name: 'Ada Lovelace',
        visitor_email: 'ada@example.com',
        visitor_phone: null,
        visitor_ip: '198.51.100.4',
        current_url: 'https://shop.example.com/',
        status: 'open',
        created_at: '2025-01-15T10:31:00.000Z',
      });
    }
    expect(receiverAcceptsHexSignature(signed, SECRET)).toBe(true);
    expect(plain.headers['x-webhook-signature']).toBeUndefined();
    expect(plain.headers['webhook-signature']).toBeUndefined();
    expect(plain.headers['webhook-id']).toBe(plain.headers['x-webhook-id']);
    expect(signed.headers['x-webhook-id']).not.toBe(plain.headers['x-webhook-id']);
  });

  it('logs each delivery with its outcome, payload, headers and attempt', async () => {
    const list = await eventually(async () => {
      const res = await host.http.get(`${host.admin}/${signedId}/deliveries`).expect(200);
      return res.body.items.length === 2 && res.body.items.every((d: { status: string }) => d.status === 'success') ? res.body : undefined;
    }, 10_000, 'two successful deliveries in the log');
    expect(list.nextCursor).toBeNull();
    expect(list.items.map((d: { event: string }) => d.event)).toEqual(['message.received', 'conversation.started']);
    const item = list.items[1];
    expect(Object.keys(item).sort()).toEqual(
      ['id', 'event', 'status', 'statusCode', 'attempts', 'durationMs', 'error', 'isTest', 'createdAt', 'nextAttemptAt'].sort(),
    );
    expect(item).toMatchObject({ status: 'success', statusCode: 200, attempts: 1, error: null, isTest: false, nextAttemptAt: null });
    expect(typeof item.durationMs).toBe('number');

    const sent = receiver.received('/signed')[0];
    expect(item.id).toBe(sent.headers['x-webhook-id']);
    const detail = (await host.http.get(`${host.admin}/${signedId}/deliveries/${item.id}`).expect(200)).body;
    expect(detail.payload).toEqual(sent.body);
    expect(detail.responseBody).toBe('ok');
    expect(detail.requestHeaders['X-Webhook-Signature']).toBe(sent.headers['x-webhook-signature']);
    expect(JSON.stringify(detail)).not.toContain(SECRET);
    expect(detail.attemptLog).toHaveLength(1);
    expect(detail.attemptLog[0]).toMatchObject({ attempt: 1, statusCode: 200, error: null });

    const filtered = await host.http.get(`${host.admin}/${signedId}/deliveries?event=message.received`).expect(200);
    expect(filtered.body.items).toHaveLength(1);
    const page = await host.http.get(`${host.admin}/${signedId}/deliveries?limit=1`).expect(200);
    expect(page.body.items).toHaveLength(1);
    const next = await host.http.get(`${host.admin}/${signedId}/deliveries?limit=1&before=${page.body.nextCursor}`).expect(200);
    expect(next.body.items.map((d: { id: string }) => d.id)).toEqual([item.id]);
    await host.http.get(`${host.admin}/${plainId}/deliveries/${item.id}`).expect(404, /Delivery not found/);
  });

  it('has the delivery rows in the database once emitAsync resolves', async () => {
    const [ids] = (await host.emitter.emitAsync(WebhookEvent.ConversationStarted, { ...conversation, id: 18 })) as string[][];
    const rows = await host.dataSource.query('SELECT id, status FROM webhook_deliveries WHERE id = ?', [ids[0]]);
    expect(rows).toHaveLength(1);
    await receiver.waitFor(3, { path: '/signed' });
  });
});
