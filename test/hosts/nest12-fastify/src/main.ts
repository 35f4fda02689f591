import { NestFactory } from '@nestjs/core';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { WebhookEvent } from 'nestjs-chat-webhooks';
import { waitForWebhooksIdle } from 'nestjs-chat-webhooks/testing';
import { AppModule, hostConfigFromEnv } from './app.module.js';

/**
 * Boots the app on Fastify, creates a webhook through the admin API (behind a
 * bearer token), emits one event and prints what became of its delivery, and
 * what the admin page, Swagger UI and its assets answer: the compatibility test
 * checks that and what the receiver got.
 */
async function bootstrap() {
  const receiverUrl = process.env.RECEIVER_URL;
  const ca = process.env.RECEIVER_CA;
  const secret = process.env.WEBHOOK_SECRET;
  if (!receiverUrl || !ca || !secret) throw new Error('Set RECEIVER_URL, RECEIVER_CA and WEBHOOK_SECRET');
  const adminToken = 'fastify-admin-token';
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ ...hostConfigFromEnv(), adminToken, webhooks: { tls: { ca } } }),
    new FastifyAdapter(),
    { logger: ['error', 'warn'] },
  );
  await app.listen(0, '127.0.0.1');
  const origin = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const base = `${origin}/admin/live-chat/webhooks`;
  const auth = { authorization: `Bearer ${adminToken}` };
  const status = async (url: string, headers: Record<string, string> = {}) => (await fetch(url, { headers })).status;

  const created = await fetch(base, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
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
  const log = (await (await fetch(`${base}/${webhook.id}/deliveries`, { headers: auth })).json()) as { items: unknown[] };

  // Swagger UI in both forms, with the assets each page asks for, resolved as a browser does.
  const docsPages: Record<string, { status: number; type: string | null; csp: boolean; assets: Record<string, number> }> = {};
  for (const form of ['docs', 'docs/']) {
    const page = await fetch(`${base}/${form}`);
    const html = await page.text();
    const assets: Record<string, number> = {};
    for (const [, ref] of html.matchAll(/(?:href|src)="([^"]+)"/g)) {
      const url = new URL(ref, `${base}/${form}`);
      assets[url.pathname.replace('/admin/live-chat/webhooks/', '')] = await status(url.href);
    }
    const type = page.headers.get('content-type');
    docsPages[form] = { status: page.status, type, csp: page.headers.has('content-security-policy'), assets };
  }
  const docs = await fetch(`${base}/docs-json`, { headers: auth });
  const docsBody = (await docs.json()) as { message?: string; paths?: Record<string, unknown>; security?: unknown };
  // Fastify's own body limit (1 MiB by default): a bigger body is refused before the admin API sees it.
  const big = await fetch(base, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ name: 'x'.repeat(1_100_000), url: receiverUrl, events: ['*'] }),
  });
  const badUrl = await fetch(base, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ name: 'Plain', url: 'http://example.com/hook', events: ['*'] }),
  });

  const result = {
    deliveries: log.items,
    docs: { status: docs.status, message: docsBody.message, paths: Object.keys(docsBody.paths ?? {}).length, security: docsBody.security },
    http: {
      listWithoutToken: await status(base),
      docsJsonWithoutToken: await status(`${base}/docs-json`),
      ui: await status(`${base}/ui`),
      uiSlash: await status(`${base}/ui/`),
      docsPages,
      tooLarge: { status: big.status, body: await big.json() },
      badUrl: { status: badUrl.status, body: await badUrl.json() },
    },
  };
  console.log(`HOST-RESULT ${JSON.stringify(result)}`);
  await app.close();
}

bootstrap().catch((err) => {
  console.error(err);
  process.exit(1);
});
