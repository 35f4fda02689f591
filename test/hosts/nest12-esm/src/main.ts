import { NestFactory } from '@nestjs/core';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { WebhookEvent } from 'nestjs-chat-webhooks';
import { waitForWebhooksIdle } from 'nestjs-chat-webhooks/testing';
import { AppModule, hostConfigFromEnv } from './app.module.js';

/**
 * Boots the app, creates a webhook through the admin API, emits one event and
 * prints what became of its delivery: the compatibility test's receiver checks the rest.
 */
async function bootstrap() {
  const receiverUrl = process.env.RECEIVER_URL;
  const ca = process.env.RECEIVER_CA;
  const secret = process.env.WEBHOOK_SECRET;
  if (!receiverUrl || !ca || !secret) throw new Error('Set RECEIVER_URL, RECEIVER_CA and WEBHOOK_SECRET');
  const app = await NestFactory.create(AppModule.forRoot({ ...hostConfigFromEnv(), webhooks: { tls: { ca } } }), {
    logger: ['error', 'warn'],
  });
  await app.listen(0, '127.0.0.1');
  const base = `${await app.getUrl()}/admin/live-chat/webhooks`.replace('[::1]', '127.0.0.1');
  const created = await fetch(base, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Receiver', url: receiverUrl, secret, events: ['conversation.started'] }),
  });
  if (created.status !== 201) throw new Error(`POST ${base} answered ${created.status}: ${await created.text()}`);
  const webhook = (await created.json()) as { id: string };

  await app.get(EventEmitter2).emitAsync(WebhookEvent.ConversationStarted, {
    id: 101,
    visitorName: 'Grace Hopper',
    visitorEmail: 'grace@example.com',
    status: 'open',
    createdAt: new Date('2025-01-15T10:30:00.000Z'),
  });
  await waitForWebhooksIdle(app, { timeoutMs: 20_000 });
  const log = (await (await fetch(`${base}/${webhook.id}/deliveries`)).json()) as { items: unknown[] };
  const docs = await fetch(`${base}/docs-json`);
  const docsBody = (await docs.json()) as { message: string };
  console.log(
    `HOST-RESULT ${JSON.stringify({ deliveries: log.items, docs: { status: docs.status, message: docsBody.message } })}`,
  );
  await app.close();
}

bootstrap().catch((err) => {
  console.error(err);
  process.exit(1);
});
