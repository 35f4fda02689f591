import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { WEBHOOK_EVENT_NAMES, webhookEventSchemas } from '../src/webhooks/index.js';
import { HttpsReceiver } from './support/https-receiver.js';
import type { ReceivedRequest } from './support/https-receiver.js';
import { expectValidPayload, payloadSchemaErrors } from './support/payload-schemas.js';
import { eventually } from './support/receiver-checks.js';
import { bootDemoHost } from './support/demo-host.js';
import type { DemoHost } from './support/demo-host.js';
import { connectRedis } from './support/services.js';

/*
 * Every event of the catalog, driven through the demo host's own routes (as a
 * live-chat backend would emit them), delivered to a real HTTPS receiver and
 * checked key for key and against its JSON Schema. One demo app and one
 * receiver serve the whole file; the tests run in order, as one chat's story.
 */

type Body = { event: string; timestamp: string; data: Record<string, unknown> };

const ADMIN = '/admin/live-chat/webhooks';
const CONVERSATION_KEYS = [
  'conversation_id',
  'visitor_name',
  'visitor_email',
  'visitor_phone',
  'visitor_ip',
  'current_url',
  'status',
  'created_at',
];

describe('every chat event, from the demo routes to a real HTTPS receiver', () => {
  let demo: DemoHost | undefined;
  let http: ReturnType<typeof request>;
  let receiver: HttpsReceiver | undefined;
  const webhooks: Record<'all' | 'one' | 'off', string> = { all: '', one: '', off: '' };
  /** What the demo answered, for comparing with what the receiver got. */
  const chat: Record<string, any> = {};
  /** The deliveries `*` should have had by the end: one per emitted event. */
  const emitted: string[] = [];

  beforeAll(async () => {
    // Missing services fail every test here, loudly, with what to start.
    (await connectRedis()).disconnect();
    receiver = await HttpsReceiver.start();
    demo = await bootDemoHost();
    http = demo.http;
    const create = async (name: string, path: string, events: string[], enabled = true) =>
      (await http.post(ADMIN).send({ name, url: receiver!.url(path), events, enabled }).expect(201)).body.id as string;
    webhooks.all = await create('Everything', '/all', ['*']);
    webhooks.one = await create('Tags only', '/one', ['tag.added']);
    webhooks.off = await create('Disabled', '/off', ['*'], false);
  });

  afterAll(async () => {
    await demo?.close();
    await receiver?.close();
  });

  /** The delivery of `event` to `path` whose data matches, once it has arrived. */
  const delivery = (event: string, match: (data: Record<string, any>) => boolean = () => true, path = '/all') =>
    eventually(
      () =>
        receiver!.received(path).find((r) => {
          const body = r.body as Body | undefined;
          return body?.event === event && match(body.data);
        }),
      10_000,
      `a ${event} delivery at ${path}`,
    );

  /** The body is `{ event, timestamp, data }`, `data` has exactly `expected`'s keys in its order and values, and the schema agrees. */
  function expectPayload(req: ReceivedRequest, event: string, expected: Record<string, unknown>): void {
    const body = req.body as Body;
    expect(req.headers['x-webhook-event']).toBe(event);
    expect(req.headers['x-webhook-test']).toBeUndefined();
    expect(Object.keys(body)).toEqual(['event', 'timestamp', 'data']);
    expect(body.event).toBe(event);
    expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);
    expect(Math.abs(Date.parse(body.timestamp) - Date.now())).toBeLessThan(60_000);
    expect(Object.keys(body.data)).toEqual(Object.keys(expected));
    expect(body.data).toStrictEqual(expected);
    expectValidPayload(body);
  }

  const conversationData = (overrides: Record<string, unknown> = {}) => ({
    conversation_id: chat.conversation.id,
    visitor_name: 'Ada Lovelace',
    visitor_email: 'ada@example.com',
    visitor_phone: null,
    visitor_ip: chat.conversation.visitorIp,
    current_url: 'https://shop.example.com/pricing',
    status: 'open',
    created_at: chat.conversation.createdAt,
    ...overrides,
  });
  /** A message's part of a payload: its own fields, the conversation's (without its start time), its time. */
  const messageData = (m: any, withAuthor: boolean, overrides: Record<string, unknown> = {}) => {
    const { created_at: _startedAt, ...conversation } = conversationData();
    return {
      message_id: m.id,
      content: m.content,
      is_from_admin: m.isFromAdmin,
      admin_name: m.adminName,
      ...(withAuthor ? { author_type: m.authorType } : {}),
      ...conversation,
      created_at: m.createdAt,
      ...overrides,
    };
  };

  it('conversation.started: POST /conversations', async () => {
    const res = await http
      .post('/conversations')
      .send({ visitorName: 'Ada Lovelace', visitorEmail: 'ada@example.com', currentUrl: 'https://shop.example.com/pricing' })
      .expect(201);
    chat.conversation = res.body;
    emitted.push('conversation.started');
    expect(typeof res.body.id).toBe('number');
    expect(res.body.visitorIp).toMatch(/^(127\.0\.0\.1|::1)$/);
    const req = await delivery('conversation.started');
    expectPayload(req, 'conversation.started', conversationData());
    expect(Object.keys(conversationData())).toEqual(CONVERSATION_KEYS);
  });

  it('message.received: a visitor message, with exactly the CONTRACT section-3 keys (no author_type)', async () => {
    const res = await http.post(`/conversations/${chat.conversation.id}/messages`).send({ content: 'Hi! Do you ship to Norway?' }).expect(201);
    chat.visitorMessage = res.body;
    emitted.push('message.received');
    const req = await delivery('message.received', (d) => d.message_id === res.body.id);
    expectPayload(req, 'message.received', messageData(res.body, false));
    expect(Object.keys((req.body as Body).data)).toEqual([
      'message_id',
      'content',
      'is_from_admin',
      'admin_name',
      ...CONVERSATION_KEYS.slice(0, -1),
      'created_at',
    ]);
    expect((req.body as Body).data).toMatchObject({ is_from_admin: false, admin_name: null });
  });

  it('message.sent: the AI bot and an agent, told apart by author_type', async () => {
    const bot = await http
      .post(`/conversations/${chat.conversation.id}/messages`)
      .send({ content: 'We do! Let me find someone to confirm the delivery time.', fromAdmin: true, authorType: 'ai' })
      .expect(201);
    const agent = await http
      .post(`/conversations/${chat.conversation.id}/messages`)
      .send({ content: 'Yes, in 3 to 5 working days.', fromAdmin: true, adminName: 'Grace Hopper' })
      .expect(201);
    chat.botMessage = bot.body;
    chat.agentMessage = agent.body;
    emitted.push('message.sent', 'message.sent');
    expectPayload(
      await delivery('message.sent', (d) => d.message_id === bot.body.id),
      'message.sent',
      messageData(bot.body, true, { is_from_admin: true, admin_name: null, author_type: 'ai' }),
    );
    expectPayload(
      await delivery('message.sent', (d) => d.message_id === agent.body.id),
      'message.sent',
      messageData(agent.body, true, { is_from_admin: true, admin_name: 'Grace Hopper', author_type: 'agent' }),
    );
  });

  it('message.updated: PATCH a message; the new content, the original created_at, the edit time', async () => {
    const res = await http
      .patch(`/conversations/${chat.conversation.id}/messages/${chat.agentMessage.id}`)
      .send({ content: 'Yes, in 2 to 4 working days.' })
      .expect(200);
    chat.agentMessage = res.body;
    emitted.push('message.updated');
    expect(res.body.createdAt).not.toBe(res.body.updatedAt);
    const req = await delivery('message.updated', (d) => d.message_id === res.body.id);
    expectPayload(req, 'message.updated', {
      ...messageData(res.body, true, { content: 'Yes, in 2 to 4 working days.', author_type: 'agent' }),
      updated_at: res.body.updatedAt,
    });
  });

  it('conversation.assigned: a first assignment, then a transfer carrying the previous assignee', async () => {
    await http.post(`/conversations/${chat.conversation.id}/assign`).send({ assignee: 'Grace Hopper' }).expect(200);
    await http.post(`/conversations/${chat.conversation.id}/assign`).send({ assignee: 'Alan Turing' }).expect(200);
    emitted.push('conversation.assigned', 'conversation.assigned');
    expectPayload(await delivery('conversation.assigned', (d) => d.assignee_name === 'Grace Hopper'), 'conversation.assigned', {
      ...conversationData(),
      assignee_id: null,
      assignee_name: 'Grace Hopper',
      previous_assignee_id: null,
      previous_assignee_name: null,
    });
    expectPayload(await delivery('conversation.assigned', (d) => d.assignee_name === 'Alan Turing'), 'conversation.assigned', {
      ...conversationData(),
      assignee_id: null,
      assignee_name: 'Alan Turing',
      previous_assignee_id: null,
      previous_assignee_name: 'Grace Hopper',
    });
  });

  it('tag.added: one delivery per new tag, also to the webhook subscribed to tag.added alone', async () => {
    for (const tag of ['shipping', 'pre-sales']) {
      await http.post(`/conversations/${chat.conversation.id}/tags`).send({ tag }).expect(200);
      emitted.push('tag.added');
    }
    // A tag already there changes nothing and sends nothing.
    await http.post(`/conversations/${chat.conversation.id}/tags`).send({ tag: 'shipping' }).expect(200);
    for (const tag of ['shipping', 'pre-sales']) {
      expectPayload(await delivery('tag.added', (d) => d.tag === tag), 'tag.added', { ...conversationData(), tag });
      expectPayload(await delivery('tag.added', (d) => d.tag === tag, '/one'), 'tag.added', { ...conversationData(), tag });
    }
  });

  it('takeover.requested: POST /conversations/:id/takeover', async () => {
    await http.post(`/conversations/${chat.conversation.id}/takeover`).expect(200);
    emitted.push('takeover.requested');
    expectPayload(await delivery('takeover.requested'), 'takeover.requested', conversationData());
  });

  it('conversation.status_changed: POST /conversations/:id/resolve; the new status and previous_status', async () => {
    chat.resolved = (await http.post(`/conversations/${chat.conversation.id}/resolve`).expect(200)).body;
    emitted.push('conversation.status_changed', 'conversation.resolved');
    expect(chat.resolved.resolvedAt).toEqual(expect.any(String));
    expectPayload(await delivery('conversation.status_changed'), 'conversation.status_changed', {
      ...conversationData({ status: 'resolved' }),
      previous_status: 'open',
    });
  });

  it('conversation.resolved: the stored resolved time, the transcript oldest first with authors, the tags', async () => {
    const transcriptEntry = (m: any) => ({
      message_id: m.id,
      content: m.content,
      is_from_admin: m.isFromAdmin,
      admin_name: m.adminName,
      author_type: m.authorType,
      created_at: m.createdAt,
    });
    const resolved = await delivery('conversation.resolved');
    expectPayload(resolved, 'conversation.resolved', {
      ...conversationData({ status: 'resolved' }),
      // The demo's stored time of closing, not a time stamped while mapping.
      resolved_at: chat.resolved.resolvedAt,
      messages: [chat.visitorMessage, chat.botMessage, chat.agentMessage].map(transcriptEntry),
      tags: ['shipping', 'pre-sales'],
    });
    const authors = ((resolved.body as Body).data.messages as Array<{ author_type: string }>).map((m) => m.author_type);
    expect(authors).toEqual(['visitor', 'ai', 'agent']);
  });

  it('conversation.rated: rating and comment', async () => {
    await http.post(`/conversations/${chat.conversation.id}/rating`).send({ rating: 5, comment: 'Quick and helpful.' }).expect(200);
    emitted.push('conversation.rated');
    expectPayload(await delivery('conversation.rated'), 'conversation.rated', {
      ...conversationData({ status: 'resolved' }),
      rating: 5,
      comment: 'Quick and helpful.',
    });
  });

  const contactData = (overrides: Record<string, unknown> = {}) => ({
    contact_id: chat.contact.id,
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    phone: null,
    notes: null,
    created_at: chat.contact.createdAt,
    ...overrides,
  });
  const EDITED = { phone: '+44 20 7946 0958', notes: 'Prefers email.' };

  it('contact.created: POST /contacts; what the visitor left out is null', async () => {
    chat.contact = (await http.post('/contacts').send({ name: 'Ada Lovelace', email: 'ada@example.com' }).expect(201)).body;
    emitted.push('contact.created');
    expectPayload(await delivery('contact.created'), 'contact.created', contactData());
  });

  it('contact.updated: PATCH /contacts/:id; the whole contact after the change', async () => {
    await http.patch(`/contacts/${chat.contact.id}`).send(EDITED).expect(200);
    emitted.push('contact.updated');
    expectPayload(await delivery('contact.updated'), 'contact.updated', contactData(EDITED));
  });

  it('contact.banned: POST /contacts/:id/ban', async () => {
    await http.post(`/contacts/${chat.contact.id}/ban`).expect(200);
    emitted.push('contact.banned');
    expectPayload(await delivery('contact.banned'), 'contact.banned', contactData(EDITED));
  });

  it('contact.unbanned: POST /contacts/:id/unban', async () => {
    await http.post(`/contacts/${chat.contact.id}/unban`).expect(200);
    emitted.push('contact.unbanned');
    expectPayload(await delivery('contact.unbanned'), 'contact.unbanned', contactData(EDITED));
  });

  it('offline_message.created: POST /offline-messages', async () => {
    const res = await http
      .post('/offline-messages')
      .send({ name: 'Ada Lovelace', email: 'ada@example.com', message: 'Please call me back about a bulk order.' })
      .expect(201);
    emitted.push('offline_message.created');
    expectPayload(await delivery('offline_message.created'), 'offline_message.created', {
      offline_message_id: res.body.id,
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      message: 'Please call me back about a bulk order.',
      created_at: res.body.createdAt,
    });
  });

  it('delivered all 15 events to `*`, tag.added alone to its own subscriber, and nothing to the disabled one: rows and requests', async () => {
    expect([...new Set(emitted)].sort()).toEqual([...WEBHOOK_EVENT_NAMES].sort());
    await receiver!.waitFor(emitted.length, { path: '/all' });
    const rows = async (id: string) => (await http.get(`${ADMIN}/${id}/deliveries?limit=100`).expect(200)).body.items as Array<{ event: string }>;
    expect((await rows(webhooks.all)).map((d) => d.event).sort()).toEqual([...emitted].sort());
    expect((await rows(webhooks.one)).map((d) => d.event)).toEqual(['tag.added', 'tag.added']);
    expect(await rows(webhooks.off)).toEqual([]);
    // Every delivery was written before its route answered, so by now each has arrived; none more.
    await receiver!.waitFor(2, { path: '/one' });
    expect(receiver!.received('/all')).toHaveLength(emitted.length);
    expect(receiver!.received('/one').map((r) => (r.body as Body).event)).toEqual(['tag.added', 'tag.added']);
    expect(receiver!.received('/off')).toHaveLength(0);
  });

  it('GET /events: each event with its description, sample payload and JSON Schema', async () => {
    const res = await http.get(`${ADMIN}/events`).expect(200);
    expect(res.body.map((e: { name: string }) => e.name)).toEqual([...WEBHOOK_EVENT_NAMES]);
    for (const entry of res.body) {
      expect(Object.keys(entry)).toEqual(['name', 'description', 'samplePayload', 'schema']);
      expect(entry.schema).toEqual(webhookEventSchemas[entry.name as keyof typeof webhookEventSchemas]);
      expect(payloadSchemaErrors(entry.samplePayload)).toEqual([]);
      expect(entry.samplePayload.event).toBe(entry.name);
    }
    chat.catalog = res.body;
  });

  it('POST /:id/test sends the catalog sample of the requested event (default: the first subscribed), for each event', async () => {
    const tester = (await http.post(ADMIN).send({ name: 'Tester', url: receiver!.url('/test'), events: ['message.sent', 'tag.added'] }).expect(201))
      .body.id as string;
    const sampleOf = (event: string) => chat.catalog.find((e: { name: string }) => e.name === event).samplePayload;
    const sendTest = async (body: object, event: string) => {
      const before = Date.now();
      const res = await http.post(`${ADMIN}/${tester}/test`).send(body).expect(200);
      expect(res.body).toMatchObject({ success: true, statusCode: 200, error: null });
      const req = receiver!.received('/test').find((r) => r.headers['x-webhook-id'] === res.body.deliveryId)!;
      expect(req).toBeDefined();
      expect(req.headers['x-webhook-test']).toBe('true');
      expect(req.headers['x-webhook-event']).toBe(event);
      const sent = req.body as Body;
      expect(sent.event).toBe(event);
      expect(sent.data).toStrictEqual(sampleOf(event).data);
      // Stamped when sent, not with the catalog's fixed time.
      expect(Date.parse(sent.timestamp)).toBeGreaterThanOrEqual(before - 1000);
      expectValidPayload(sent);
    };
    await sendTest({}, 'message.sent');
    for (const event of WEBHOOK_EVENT_NAMES) await sendTest({ event }, event);
    expect(receiver!.received('/test')).toHaveLength(WEBHOOK_EVENT_NAMES.length + 1);
    await http.post(`${ADMIN}/${tester}/test`).send({ event: 'chat.exploded' }).expect(400, /Invalid subscription event type/);
  });

  it('every payload received in this file is valid against the JSON Schema of its event', () => {
    const received = receiver!.received();
    expect(received.length).toBeGreaterThanOrEqual(emitted.length + 2 + WEBHOOK_EVENT_NAMES.length + 1);
    const invalid = received
      .map((r) => ({ path: r.path, body: r.body, errors: payloadSchemaErrors(r.body) }))
      .filter((r) => r.errors.length > 0);
    expect(invalid).toEqual([]);
  });
});
