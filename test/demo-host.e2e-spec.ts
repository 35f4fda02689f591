import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootDemoHost } from './support/demo-host.js';
import type { DemoHost } from './support/demo-host.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { receiverAcceptsHexSignature, receiverAcceptsStandardSignature } from './support/receiver-checks.js';

const TOKEN = 'demo-admin-token-0123456789';
const SECRET = 'whsec_' + Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');

describe('the demo live-chat host with the module inside', () => {
  let demo: DemoHost;
  let receiver: HttpsReceiver;

  beforeAll(async () => {
    receiver = await HttpsReceiver.start();
    demo = await bootDemoHost({ adminToken: TOKEN });
  });

  afterAll(async () => {
    await demo?.close();
    await receiver?.close();
  });

  it('guards the admin API with the bearer token', async () => {
    const http = demo.http;
    const res = await http.get('/admin/live-chat/webhooks').expect(401);
    expect(res.body).toMatchObject({ statusCode: 401, message: 'Missing or invalid admin token' });
    await http.get('/admin/live-chat/webhooks').set('authorization', 'Bearer wrong').expect(401);
    await http.get('/admin/live-chat/webhooks').set('authorization', `Bearer ${TOKEN}`).expect(200);
  });

  it('answers /health when the database and Redis answer', async () => {
    await demo.http.get('/health').expect(200);
  });

  it('delivers signed conversation.started and message.received for the chat routes', async () => {
    const http = demo.http;
    await http
      .post('/admin/live-chat/webhooks')
      .set('authorization', `Bearer ${TOKEN}`)
      .send({ name: 'CRM', url: receiver.url('/crm'), secret: SECRET, events: ['conversation.started', 'message.received'] })
      .expect(201);

    const conversation = await http
      .post('/conversations')
      .send({ visitorName: 'Ada', visitorEmail: 'ada@example.com', currentUrl: 'https://shop.example.com/' })
      .expect(201);
    const message = await http.post(`/conversations/${conversation.body.id}/messages`).send({ content: 'Hi there' }).expect(201);

    const [started, received] = await receiver.waitFor(2, { path: '/crm', timeoutMs: 5000 });
    const byEvent = Object.fromEntries([started, received].map((r) => [r.headers['x-webhook-event'], r]));
    const s = byEvent['conversation.started'];
    const m = byEvent['message.received'];
    expect((s.body as { data: Record<string, unknown> }).data).toMatchObject({
      conversation_id: conversation.body.id,
      visitor_name: 'Ada',
      visitor_email: 'ada@example.com',
      current_url: 'https://shop.example.com/',
    });
    expect(typeof (s.body as { data: { visitor_ip: unknown } }).data.visitor_ip).toBe('string');
    expect((m.body as { data: Record<string, unknown> }).data).toMatchObject({
      message_id: message.body.id,
      content: 'Hi there',
      is_from_admin: false,
      conversation_id: conversation.body.id,
    });
    for (const req of [s, m]) {
      expect(receiverAcceptsHexSignature(req, SECRET)).toBe(true);
      expect(receiverAcceptsStandardSignature(req, SECRET)).toBe(true);
    }
  });
});
