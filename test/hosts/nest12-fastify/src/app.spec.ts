import type { INestApplication } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { WebhookEvent, WebhooksService } from 'nestjs-chat-webhooks';
import { WebhookTestTransport, waitForWebhooksIdle } from 'nestjs-chat-webhooks/testing';
import { verifyWebhookSignature } from 'nestjs-chat-webhooks/verify';
import { AppModule, hostConfigFromEnv } from './app.module.js';

describe('webhooks in this app, on Fastify', () => {
  const transport = new WebhookTestTransport();
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot({ ...hostConfigFromEnv(), webhooks: { transport } })],
    }).compile();
    app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: ['error'] });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('sends a signed message.received when a visitor writes', async () => {
    await app.get(WebhooksService).create({
      name: 'CRM',
      url: 'https://127.0.0.1/hooks',
      secret: 'test-secret',
      events: ['message.received'],
    });
    const conversation = { id: 7, visitorName: 'Ada', status: 'open', createdAt: new Date() };
    await app.get(EventEmitter2).emitAsync(WebhookEvent.MessageReceived, {
      conversation,
      message: { id: 70, content: 'Hello', isFromAdmin: false, createdAt: new Date() },
    });

    const [request] = await transport.waitFor(1);
    expect(request.json.event).toBe('message.received');
    expect(request.json.data).toMatchObject({ message_id: 70, content: 'Hello', conversation_id: 7 });
    expect(() => verifyWebhookSignature(request.body, request.headers, 'test-secret')).not.toThrow();
    await waitForWebhooksIdle(app);
  });
});
