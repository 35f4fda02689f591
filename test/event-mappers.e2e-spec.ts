import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebhookEvent, WebhookPayloadMappingError } from '../src/webhooks/index.js';
import type { WebhookPayloadMappers } from '../src/webhooks/index.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { expectValidPayload } from './support/payload-schemas.js';
import { connectRedis } from './support/services.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

/*
 * `payloadMappers`: a host's mapper replaces the built-in one for its event
 * only; a mapper that throws rejects the host's emitAsync/publish with an error
 * naming the event and writes no delivery row at all.
 */

/** A host whose entities look nothing like ours: `{ chat: { uuid, guest }, line: { ref, text, at } }`. */
interface HostMessageEvent {
  chat: { uuid: string; guest: { fullName: string; mail?: string }; state: string };
  line: { ref: string; text: string; at: string };
}

const payloadMappers: WebhookPayloadMappers = {
  // Its own shape, for a receiver of its own.
  [WebhookEvent.ConversationStarted]: (c: { id: number | string; visitorName?: string }) => ({
    ref: `conv-${c.id}`,
    who: c.visitorName ?? null,
  }),
  // The module's shape (CONTRACT section 3), from the host's different entities.
  [WebhookEvent.MessageReceived]: (e: HostMessageEvent) => ({
    message_id: e.line.ref,
    content: e.line.text,
    is_from_admin: false,
    admin_name: null,
    conversation_id: e.chat.uuid,
    visitor_name: e.chat.guest.fullName,
    visitor_email: e.chat.guest.mail ?? null,
    visitor_phone: null,
    visitor_ip: null,
    current_url: null,
    status: e.chat.state,
    created_at: new Date(e.line.at).toISOString(),
  }),
  [WebhookEvent.ContactCreated]: (contact: { crmId?: string }) => {
    if (!contact.crmId) throw new Error('this contact has no CRM id yet');
    return { crm_id: contact.crmId };
  },
};

describe('host payload mappers', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;

  beforeAll(async () => {
    // A missing Redis fails every test here, loudly, with what to start (MariaDB's check is in bootWebhooksHost).
    (await connectRedis()).disconnect();
    receiver = await HttpsReceiver.start();
    host = await bootWebhooksHost({ options: { payloadMappers } });
    for (const path of ['/a', '/b']) {
      await host.http.post(host.admin).send({ name: path, url: receiver.url(path), events: ['*'] }).expect(201);
    }
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  const rowsOf = async (event: string) =>
    Number((await host.dataSource.query('SELECT COUNT(*) AS n FROM webhook_deliveries WHERE event = ?', [event]))[0].n);

  it('sends what the host mapper returns, for its event', async () => {
    await host.emitter.emitAsync(WebhookEvent.ConversationStarted, { id: 7, visitorName: 'Ada' });
    const [req] = await receiver.waitFor(1, { path: '/a' });
    expect(req.body).toEqual({ event: 'conversation.started', timestamp: expect.any(String), data: { ref: 'conv-7', who: 'Ada' } });
  });

  it("keeps the module's payload shape for a host whose entities differ, schema-valid", async () => {
    const event: HostMessageEvent = {
      chat: { uuid: 'chat_42', guest: { fullName: 'Ada Lovelace', mail: 'ada@example.com' }, state: 'open' },
      line: { ref: 'ln_1', text: 'Hello?', at: '2025-01-15T10:31:00Z' },
    };
    await host.publisher.publish(WebhookEvent.MessageReceived, event);
    const [, req] = await receiver.waitFor(2, { path: '/a' });
    expect(req.body).toMatchObject({
      event: 'message.received',
      data: { message_id: 'ln_1', conversation_id: 'chat_42', visitor_email: 'ada@example.com', created_at: '2025-01-15T10:31:00.000Z' },
    });
    expectValidPayload(req.body);
  });

  it('leaves the other events to the built-in mappers', async () => {
    await host.emitter.emitAsync(WebhookEvent.TagAdded, { conversation: { id: 9, status: 'open' }, tag: 'vip' });
    const [, , req] = await receiver.waitFor(3, { path: '/a' });
    expect(req.body).toMatchObject({ event: 'tag.added', data: { conversation_id: 9, tag: 'vip', visitor_name: null } });
    expectValidPayload(req.body);
  });

  it('a throwing mapper rejects emitAsync with an error naming the event, and writes no delivery for any webhook', async () => {
    const failure = host.emitter.emitAsync(WebhookEvent.ContactCreated, { id: 1, name: 'Ada' });
    await expect(failure).rejects.toBeInstanceOf(WebhookPayloadMappingError);
    await expect(host.emitter.emitAsync(WebhookEvent.ContactCreated, { id: 1, name: 'Ada' })).rejects.toThrow(
      'Could not map the "contact.created" event to a webhook payload: this contact has no CRM id yet',
    );
    expect(await rowsOf('contact.created')).toBe(0);
  });

  it('a throwing mapper rejects publish the same way, also inside a transaction, with no row written', async () => {
    const error = await host.publisher.publish(WebhookEvent.ContactCreated, { id: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookPayloadMappingError);
    expect((error as WebhookPayloadMappingError).event).toBe('contact.created');
    await expect(
      host.dataSource.transaction((manager) => host.publisher.publish(WebhookEvent.ContactCreated, { id: 3 }, { manager })),
    ).rejects.toThrow(/"contact\.created"/);
    // A built-in mapper's refusal comes the same way.
    await expect(host.emitter.emitAsync(WebhookEvent.ConversationRated, { conversation: { id: 1 }, rating: 'great' })).rejects.toThrow(
      /"conversation\.rated".*"rating" must be a number/,
    );
    expect(await rowsOf('contact.created')).toBe(0);
    expect(await rowsOf('conversation.rated')).toBe(0);
    // The mapper that works for this contact still delivers, to both webhooks.
    await host.emitter.emitAsync(WebhookEvent.ContactCreated, { id: 4, crmId: 'crm_4' });
    expect(await rowsOf('contact.created')).toBe(2);
    const [req] = (await receiver.waitFor(4, { path: '/b' })).filter((r) => (r.body as { event: string }).event === 'contact.created');
    expect((req.body as { data: unknown }).data).toEqual({ crm_id: 'crm_4' });
  });

  it("shows the host mapper's sample in GET /events, and the built-in sample where the host mapper cannot read the sample object", async () => {
    const res = await host.http.get(`${host.admin}/events`).expect(200);
    const entry = (name: string) => res.body.find((e: { name: string }) => e.name === name);
    expect(entry('conversation.started').samplePayload.data).toEqual({ ref: 'conv-1042', who: 'Ada Lovelace' });
    expect(entry('contact.created').samplePayload.data).toMatchObject({ contact_id: 733, name: 'Ada Lovelace' });
    expectValidPayload(entry('contact.created').samplePayload);
  });

  it("sends the host mapper's sample as a test delivery", async () => {
    const id = (await host.http.get(host.admin).expect(200)).body.find((w: { name: string }) => w.name === '/a').id;
    const res = await host.http.post(`${host.admin}/${id}/test`).send({ event: 'conversation.started' }).expect(200);
    expect(res.body.success).toBe(true);
    const req = receiver.received('/a').find((r) => r.headers['x-webhook-id'] === res.body.deliveryId)!;
    expect(req.headers['x-webhook-test']).toBe('true');
    expect((req.body as { data: unknown }).data).toEqual({ ref: 'conv-1042', who: 'Ada Lovelace' });
  });
});
