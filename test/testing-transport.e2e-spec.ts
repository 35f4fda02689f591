import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { WebhookHttpSender } from '../src/webhooks/engine/webhook-http.sender.js';
import { WEBHOOKS_TRANSPORT } from '../src/webhooks/webhooks.constants.js';
import type { WebhookTransport } from '../src/webhooks/webhooks.types.js';
import { WebhookEvent, WebhooksService, verifyWebhookSignature } from '../src/webhooks/index.js';
import { WebhookTestTransport, waitForWebhooksIdle } from '../src/webhooks/testing.js';
import { hostConversation } from './support/chat-fixtures.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('WebhookTestTransport as the transport option', () => {
  const transport = new WebhookTestTransport();
  let host: WebhooksHost;
  let webhookId: string;

  beforeAll(async () => {
    // An address nothing listens on: a request that went out for real would fail.
    host = await bootWebhooksHost({ options: { transport, retryDelaysMs: [60_000] } });
    const created = await host.app
      .get(WebhooksService)
      .create({ name: 'CRM', url: 'https://127.0.0.1:1/hooks', secret: SECRET, events: ['conversation.started'] });
    webhookId = created.id;
  });

  afterAll(async () => {
    await host?.close();
  });

  beforeEach(() => {
    transport.clear();
    transport.respondWith(200);
  });

  it('records the signed request the module would send, and the delivery succeeds', async () => {
    await host.emitter.emitAsync(WebhookEvent.ConversationStarted, hostConversation);
    const [request] = await transport.waitFor(1);
    expect(request.url).toBe('https://127.0.0.1:1/hooks');
    expect(request.json).toMatchObject({ event: 'conversation.started', data: { conversation_id: 17, visitor_name: 'Ada Lovelace' } });
    expect(JSON.parse(request.body)).toEqual(request.json);
    expect(request.headers['x-webhook-event']).toBe('conversation.started');
    expect(request.headers['x-webhook-attempt']).toBe('1');
    expect(() => verifyWebhookSignature(request.body, request.headers, SECRET)).not.toThrow();
    expect(() => verifyWebhookSignature(request.body, request.headers, `${SECRET.slice(0, -2)}AA`)).toThrow();

    await waitForWebhooksIdle(host.app, { timeoutMs: 5_000 });
    const { items } = await host.app.get(WebhooksService).listDeliveries(webhookId, {});
    expect(items[0]).toMatchObject({ status: 'success', statusCode: 200, attempts: 1 });
  });

  it('answers what respondWith says: a status, a function, a failure with no answer', async () => {
    transport.respondWith(503);
    await host.emitter.emitAsync(WebhookEvent.ConversationStarted, { ...hostConversation, id: 18 });
    await transport.waitFor(1);
    await waitForWebhooksIdle(host.app);
    let { items } = await host.app.get(WebhooksService).listDeliveries(webhookId, {});
    expect(items[0]).toMatchObject({ status: 'retrying', statusCode: 503, attempts: 1 });

    transport.clear();
    transport.respondWith((req) => (req.json.data.conversation_id === 19 ? { error: 'Connection refused (played)' } : 500));
    await host.emitter.emitAsync(WebhookEvent.ConversationStarted, { ...hostConversation, id: 19 });
    await transport.waitFor(1);
    await waitForWebhooksIdle(host.app);
    ({ items } = await host.app.get(WebhooksService).listDeliveries(webhookId, {}));
    expect(items[0]).toMatchObject({ status: 'retrying', statusCode: null, error: expect.stringContaining('Connection refused (played)') });
  });

  it('test deliveries go through it too', async () => {
    transport.respondWith({ status: 201, body: 'thanks' });
    const result = await host.app.get(WebhooksService).test(webhookId);
    expect(result).toMatchObject({ success: true, statusCode: 201, responseBody: 'thanks' });
    expect(transport.sent).toHaveLength(1);
    expect(transport.sent[0].headers['x-webhook-test']).toBe('true');
  });

  it('waitFor says how many came when too few did', async () => {
    await expect(transport.waitFor(1, { timeoutMs: 100 })).rejects.toThrow(/waited 100 ms for 1 webhook request\(s\), 0 came/);
  });
});

describe('without the transport option', () => {
  let host: WebhooksHost;

  beforeAll(async () => {
    host = await bootWebhooksHost({ options: { processDeliveries: false, allowPrivateNetworks: false, allowedHosts: ['127.0.0.2'] } });
  });

  afterAll(async () => {
    await host?.close();
  });

  it('sends through the HTTPS sender, with its address checks', async () => {
    const transport = host.app.get<WebhookTransport>(WEBHOOKS_TRANSPORT, { strict: false });
    expect(transport).toBe(host.app.get(WebhookHttpSender, { strict: false }));
    // Loopback, refused before any connection is made.
    const blocked = await transport.send({ url: 'https://127.0.0.1:1/hooks', headers: {}, body: '{}' });
    expect(blocked.statusCode).toBeNull();
    expect(blocked.error).toMatch(/private|loopback/i);
  });

  it('waitForWebhooksIdle fails loudly when no worker sends', async () => {
    const created = await host.app
      .get(WebhooksService)
      .create({ name: 'Nobody sends', url: 'https://127.0.0.2:1/hooks', events: ['*'] });
    expect(created.id).toBeDefined();
    await host.emitter.emitAsync(WebhookEvent.ConversationStarted, hostConversation);
    await expect(waitForWebhooksIdle(host.app, { timeoutMs: 300 })).rejects.toThrow(/1 webhook deliveries still due or in flight/);
  });
});
