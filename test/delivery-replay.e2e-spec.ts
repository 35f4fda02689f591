import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebhookDeliveryQueue } from '../src/webhooks/engine/webhook-delivery.queue.js';
import { WebhookEvent } from '../src/webhooks/index.js';
import { insertDeliveryRows } from './support/delivery-rows.js';
import { header, sleep } from './support/delivery-support.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

const conversation = (id: number) => ({ id, visitorName: 'Grace', status: 'open', createdAt: '2025-01-15T10:30:00.000Z' });

describe('POST /:id/deliveries/replay after an outage', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  let webhookId: string;
  let down = true;

  beforeAll(async () => {
    receiver = await HttpsReceiver.start((_req, res) => {
      if (down) res.writeHead(503).end('down for maintenance');
      else res.writeHead(200).end('back');
    });
    // No retries: every delivery made during the outage ends failed at once.
    host = await bootWebhooksHost({ options: { retryDelaysMs: [], autoDisableAfter: 100 } });
    webhookId = (
      await host.http
        .post(host.admin)
        .send({ name: 'CRM', url: receiver.url('/hook'), events: ['conversation.started', 'contact.created'] })
        .expect(201)
    ).body.id;
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  it('sends the failed deliveries again with their ids and the next attempt number, and only those that match', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const ids: string[] = [];
    for (let i = 1; i <= 3; i++) ids.push(...(await host.publisher.publish(WebhookEvent.ConversationStarted, conversation(i))));
    const contact = await host.publisher.publish(WebhookEvent.ContactCreated, { id: 9, name: 'Ada', createdAt: new Date() });
    await receiver.waitFor(4);
    await eventually(async () => {
      const { body } = await host.http.get(`${host.admin}/${webhookId}/deliveries?status=failed`).expect(200);
      return body.items.length === 4 ? true : undefined;
    }, 10_000, 'four failed deliveries');

    // A dry run counts what would go again, and sends and changes nothing.
    const dry = await host.http
      .post(`${host.admin}/${webhookId}/deliveries/replay`)
      .send({ since, status: 'failed', event: 'conversation.started', dryRun: true })
      .expect(200);
    expect(dry.body).toEqual({ count: 3 });
    const all = await host.http.post(`${host.admin}/${webhookId}/deliveries/replay`).send({ since, dryRun: true }).expect(200);
    expect(all.body).toEqual({ count: 4 });
    const { body: still } = await host.http.get(`${host.admin}/${webhookId}/deliveries?status=failed`).expect(200);
    expect(still.items).toHaveLength(4);
    expect(receiver.requests).toHaveLength(4);

    down = false;
    const res = await host.http
      .post(`${host.admin}/${webhookId}/deliveries/replay`)
      .send({ since, status: 'failed', event: 'conversation.started' })
      .expect(202);
    expect(res.body).toEqual({ count: 3 });

    const again = (await receiver.waitFor(7)).slice(4);
    expect(again.map((r) => header(r, 'x-webhook-id')).sort()).toEqual([...ids].sort());
    expect(again.map((r) => header(r, 'x-webhook-attempt'))).toEqual(['2', '2', '2']);
    await sleep(300);
    expect(receiver.requests).toHaveLength(7); // the contact.created delivery stays as it was
    await eventually(async () => {
      const { body } = await host.http.get(`${host.admin}/${webhookId}/deliveries?status=success`).expect(200);
      return body.items.length === 3 ? true : undefined;
    }, 10_000, 'three successes');
    const { body: left } = await host.http.get(`${host.admin}/${webhookId}/deliveries?status=failed`).expect(200);
    expect(left.items.map((d: { id: string }) => d.id)).toEqual(contact);
  });

  it('counts nothing outside the time range', async () => {
    const until = new Date(Date.now() - 60_000).toISOString();
    const since = new Date(Date.now() - 120_000).toISOString();
    const res = await host.http.post(`${host.admin}/${webhookId}/deliveries/replay`).send({ since, until }).expect(202);
    expect(res.body).toEqual({ count: 0 });
  });

  it.each([
    [{}, 'since'],
    [{ since: 'yesterday' }, 'since'],
    [{ since: 42 }, 'since'],
    [{ since: '2025-01-15T10:00:00Z', until: 'soon' }, 'until'],
    [{ since: '2025-01-15T10:00:00Z', until: '2025-01-14T10:00:00Z' }, 'until'],
    [{ since: '2025-01-15T10:00:00Z', status: 'lost' }, 'status'],
    [{ since: '2025-01-15T10:00:00Z', event: 'conversation.exploded' }, 'event'],
    [{ since: '2025-01-15T10:00:00Z', limit: 5 }, 'limit'],
    [{ since: '2025-01-15T10:00:00Z', dryRun: 'yes' }, 'dryRun'],
    [{ since: '2025-01-15T10:00:00Z', dryRun: 1 }, 'dryRun'],
    [{ since: 'yesterday', dryRun: true }, 'since'],
    [{ since: '2025-015', dryRun: true }, 'since'],
  ])('refuses %j with a 400 naming %s', async (body, field) => {
    const res = await host.http.post(`${host.admin}/${webhookId}/deliveries/replay`).send(body).expect(400);
    expect(JSON.stringify(res.body.message)).toContain(field);
  });

  it('is a 404 for an unknown webhook', async () => {
    const res = await host.http
      .post(`${host.admin}/00000000-0000-4000-8000-000000000000/deliveries/replay`)
      .send({ since: '2025-01-15T10:00:00Z' })
      .expect(404);
    expect(res.body.message).toBe('Webhook not found');
  });
});

describe('a replay of more than 10,000 deliveries', () => {
  let host: WebhooksHost;

  beforeAll(async () => {
    // An API-only node: nothing is sent, so the rows show exactly what the replay did.
    host = await bootWebhooksHost({ options: { processDeliveries: false } });
  });

  afterAll(async () => {
    await host?.close();
  });

  it('makes the 10,000 oldest due again and says so; the next call takes the rest', async () => {
    const webhookId = (await host.http.post(host.admin).send({ name: 'Big', url: 'https://127.0.0.1:9/x', events: ['*'] }).expect(201)).body.id;
    const base = Date.now() - 3_600_000;
    const ids = await insertDeliveryRows(
      host.dataSource,
      Array.from({ length: 10_005 }, (_, i) => ({ webhookId, status: 'failed' as const, attempts: 6, createdAt: new Date(base + i * 10) })),
    );
    const since = new Date(base - 1000).toISOString();
    // A dry run counts what one call would send: at most 10,000.
    const dry = await host.http.post(`${host.admin}/${webhookId}/deliveries/replay`).send({ since, status: 'failed', dryRun: true }).expect(200);
    expect(dry.body).toEqual({ count: 10_000 });
    expect((await host.app.get(WebhookDeliveryQueue).queue.getJobCounts()).waiting).toBe(0);
    const first = await host.http.post(`${host.admin}/${webhookId}/deliveries/replay`).send({ since, status: 'failed' }).expect(202);
    expect(first.body).toEqual({ count: 10_000 });
    const rows: Array<{ id: string; status: string; attempts: number }> = await host.dataSource.query(
      'SELECT id, status, attempts FROM webhook_deliveries WHERE webhookId = ? ORDER BY createdAt',
      [webhookId],
    );
    expect(rows.filter((r) => r.status === 'pending')).toHaveLength(10_000);
    expect(rows.filter((r) => r.status === 'failed').map((r) => r.id)).toEqual(ids.slice(10_000));
    expect(rows.every((r) => r.attempts === 6)).toBe(true); // attempt numbers go on from 7

    const jobs = await host.app.get(WebhookDeliveryQueue).queue.getJobCounts();
    expect(jobs.waiting).toBe(10_000);
    const job = await host.app.get(WebhookDeliveryQueue).queue.getJob(`${ids[0]}:7`);
    expect(job?.data).toMatchObject({ deliveryId: ids[0], attempt: 7, webhookId, event: 'conversation.started', isTest: false });
    expect(JSON.parse(job!.data.body!)).toMatchObject({ event: 'conversation.started' });

    const dryAgain = await host.http.post(`${host.admin}/${webhookId}/deliveries/replay`).send({ since, status: 'failed', dryRun: true }).expect(200);
    expect(dryAgain.body).toEqual({ count: 5 });
    const second = await host.http.post(`${host.admin}/${webhookId}/deliveries/replay`).send({ since, status: 'failed', dryRun: false }).expect(202);
    expect(second.body).toEqual({ count: 5 });
  });
});
