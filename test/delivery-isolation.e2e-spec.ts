import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ServerResponse } from 'node:http';
import { WebhookEvent } from '../src/webhooks/index.js';
import { byDeliveryId, header, sleep } from './support/delivery-support.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

const TIMEOUT_MS = 6_000;
const CAP = 2;
const EVENTS = 40;

const conversation = (id: number) => ({ id, visitorName: `Visitor ${id}`, status: 'open', createdAt: new Date() });

describe.each(['mariadb', 'postgres'] as const)('one hanging receiver beside a healthy one (%s)', (engine) => {
  let host: WebhooksHost;
  let healthy: HttpsReceiver;
  let hanging: HttpsReceiver;
  const held: ServerResponse[] = [];
  let open = 0;
  let mostOpen = 0;

  beforeAll(async () => {
    healthy = await HttpsReceiver.start();
    // Answers nothing: every request waits for the sender's time-out.
    hanging = await HttpsReceiver.start(async (_req, res) => {
      open++;
      mostOpen = Math.max(mostOpen, open);
      held.push(res);
      await new Promise<void>((resolve) => res.on('close', () => resolve()));
      open--;
    });
    host = await bootWebhooksHost({
      engine,
      // Few worker slots, so that a hanging endpoint without a cap would take them all.
      options: { concurrency: 6, perEndpointConcurrency: CAP, requestTimeoutMs: TIMEOUT_MS, retryDelaysMs: [60_000], breakerThreshold: 1000 },
    });
    for (const [name, receiver] of [['healthy', healthy], ['hanging', hanging]] as const) {
      await host.http.post(host.admin).send({ name, url: receiver.url(`/${name}`), events: ['conversation.started'] }).expect(201);
    }
  });

  afterAll(async () => {
    await host?.close();
    for (const res of held) res.destroy();
    await healthy?.close();
    await hanging?.close();
  });

  it("delivers the healthy receiver's events at once while the hanging one holds only its cap", async () => {
    for (let i = 0; i < EVENTS; i++) await host.emitter.emitAsync(WebhookEvent.ConversationStarted, conversation(i));
    const arrived = await healthy.waitFor(EVENTS, { path: '/healthy', timeoutMs: TIMEOUT_MS });
    // All while the hanging receiver still held its first attempts open: none of them waited for a slot it held.
    const firstTimeout = (hanging.received('/hanging')[0]?.at ?? Date.now()) + TIMEOUT_MS;
    expect(Math.max(...arrived.map((r) => r.at))).toBeLessThan(firstTimeout);
    expect(byDeliveryId(arrived).size).toBe(EVENTS);
    expect(hanging.received('/hanging')).toHaveLength(CAP);
    expect(mostOpen).toBe(CAP);

    // Its other deliveries wait their turn without spending an attempt: still pending, none made
    // (the two in flight are logged when they end).
    const hangingId = (await host.http.get(host.admin).expect(200)).body.find((w: { name: string }) => w.name === 'hanging').id;
    const { items } = (await host.http.get(`${host.admin}/${hangingId}/deliveries?limit=100`).expect(200)).body;
    expect(items).toHaveLength(EVENTS);
    expect(items.every((d: { status: string; attempts: number }) => d.status === 'pending' && d.attempts === 0)).toBe(true);

    // As each attempt times out, the next ones take their place: never more than the cap at once.
    await hanging.waitFor(CAP * 2, { path: '/hanging', timeoutMs: TIMEOUT_MS * 3 });
    expect(mostOpen).toBe(CAP);
    for (const req of hanging.received('/hanging')) expect(header(req, 'x-webhook-attempt')).toBe('1');
  }, 30_000);
});

describe('the breaker', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  let webhookId: string;
  let answer: { status: number; headers?: Record<string, string> } = { status: 503 };
  const events: Array<{ name: string; at: number; payload: any }> = [];

  beforeAll(async () => {
    receiver = await HttpsReceiver.start((_req, res) => {
      res.writeHead(answer.status, answer.headers ?? {}).end(answer.status === 200 ? 'ok' : 'overloaded');
    });
    host = await bootWebhooksHost({
      options: {
        perEndpointConcurrency: 1,
        breakerThreshold: 3,
        breakerCooldownMs: 1_000,
        // Long retries: every request below is a first attempt or a probe.
        retryDelaysMs: [120_000],
      },
    });
    for (const name of ['webhook.paused', 'webhook.resumed']) {
      host.emitter.on(name, (payload: unknown) => events.push({ name, at: Date.now(), payload }));
    }
    const created = await host.http.post(host.admin).send({ name: 'CRM', url: receiver.url('/crm'), events: ['contact.created'] }).expect(201);
    webhookId = created.body.id;
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  it('pauses after breakerThreshold transient failures, sends one probe per cooldown (doubling), then resumes', async () => {
    for (let i = 0; i < 10; i++) await host.emitter.emitAsync(WebhookEvent.ContactCreated, { id: i, name: `Contact ${i}`, createdAt: new Date() });

    // Three 503s in a row pause it.
    const paused = await eventually(() => events.find((e) => e.name === 'webhook.paused'), 5_000, 'webhook.paused');
    expect(receiver.received('/crm')).toHaveLength(3);
    expect(paused.payload.webhook).toEqual({ id: webhookId, name: 'CRM', url: receiver.url('/crm') });
    expect(paused.payload.reason).toContain('HTTP 503');
    const until = new Date(paused.payload.until).getTime();
    // The cooldown, less the moment it took to hear of it.
    expect(until - paused.at).toBeGreaterThan(500);
    expect(until - paused.at).toBeLessThanOrEqual(1_000);
    const view = (await host.http.get(`${host.admin}/${webhookId}`).expect(200)).body;
    expect(new Date(view.pausedUntil).getTime()).toBe(until);
    expect(view.enabled).toBe(true);

    // Nothing is sent during the pause; then exactly one probe, which fails: the pause doubles.
    await sleep(until - Date.now() - 100);
    expect(receiver.received('/crm')).toHaveLength(3);
    const second = await eventually(() => events.filter((e) => e.name === 'webhook.paused')[1], 3_000, 'the failed probe to pause it again');
    expect(receiver.received('/crm')).toHaveLength(4);
    const until2 = new Date(second.payload.until).getTime();
    expect(until2 - second.at).toBeGreaterThan(1_500);
    expect(until2 - second.at).toBeLessThanOrEqual(2_000);
    await sleep(until2 - Date.now() - 100);
    expect(receiver.received('/crm')).toHaveLength(4);

    // The receiver is back: the next probe succeeds, the webhook resumes, and every waiting delivery goes.
    answer = { status: 200 };
    const resumed = await eventually(() => events.find((e) => e.name === 'webhook.resumed'), 3_000, 'webhook.resumed');
    expect(resumed.payload).toEqual({ webhook: { id: webhookId, name: 'CRM', url: receiver.url('/crm') } });
    expect(resumed.at).toBeGreaterThanOrEqual(until2 - 5);
    await receiver.waitFor(10, { path: '/crm', timeoutMs: 5_000 });
    const sent = receiver.received('/crm');
    // Four first attempts failed; the probe that succeeded and the five that waited went out once each, as attempt 1.
    expect(byDeliveryId(sent).size).toBe(10);
    expect(sent.every((r) => header(r, 'x-webhook-attempt') === '1')).toBe(true);
    expect((await host.http.get(`${host.admin}/${webhookId}`).expect(200)).body.pausedUntil).toBeNull();
    const { items } = (await host.http.get(`${host.admin}/${webhookId}/deliveries`).expect(200)).body;
    expect(items.filter((d: { status: string }) => d.status === 'success')).toHaveLength(6);
    expect(items.filter((d: { status: string }) => d.status === 'retrying')).toHaveLength(4);
  }, 30_000);

  it("waits out a Retry-After longer than the cooldown", async () => {
    events.length = 0;
    answer = { status: 429, headers: { 'retry-after': '3' } };
    const before = receiver.requests.length;
    for (let i = 0; i < 5; i++) await host.emitter.emitAsync(WebhookEvent.ContactCreated, { id: 100 + i, name: `Contact ${i}`, createdAt: new Date() });
    const paused = await eventually(() => events.find((e) => e.name === 'webhook.paused'), 5_000, 'webhook.paused');
    const until = new Date(paused.payload.until).getTime();
    expect(until - paused.at).toBeGreaterThan(2_500);
    expect(until - paused.at).toBeLessThanOrEqual(3_000);
    expect(receiver.requests.length - before).toBe(3);
    answer = { status: 200 };
    // Nothing goes before the receiver's time, though the cooldown (1 s) is long over.
    await sleep(until - Date.now() - 200);
    expect(receiver.requests.length - before).toBe(3);
    await receiver.waitFor(before + 5, { timeoutMs: 3_000 });
    const probe = receiver.requests[before + 3];
    expect(probe.at).toBeGreaterThanOrEqual(until - 5);
  }, 20_000);
});

describe('a delivery held back by a paused webhook still ends', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;

  beforeAll(async () => {
    receiver = await HttpsReceiver.start((_req, res) => void res.writeHead(502).end('bad gateway'));
    host = await bootWebhooksHost({
      options: { perEndpointConcurrency: 1, breakerThreshold: 1, breakerCooldownMs: 3_000, retryDelaysMs: [400, 400], autoDisableAfter: 100 },
    });
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  it('fails once its whole retry schedule has passed, saying the endpoint was unreachable, and counts toward autoDisableAfter', async () => {
    const created = await host.http.post(host.admin).send({ name: 'Down', url: receiver.url('/down'), events: ['contact.created'] }).expect(201);
    const id = created.body.id;
    for (let i = 0; i < 3; i++) await host.emitter.emitAsync(WebhookEvent.ContactCreated, { id: i, name: `Contact ${i}`, createdAt: new Date() });
    // The first failure pauses the webhook for 3 s, far past the 0.8 s schedule. When the pause ends,
    // one delivery goes as the probe (and fails); the others give up instead of waiting on.
    const items = await eventually(async () => {
      const page = (await host.http.get(`${host.admin}/${id}/deliveries`).expect(200)).body.items;
      return page.filter((d: { status: string }) => d.status === 'failed').length >= 2 ? page : undefined;
    }, 10_000, 'the held deliveries to give up');
    const gaveUp = items.filter((d: { error: string | null }) => d.error?.includes('the endpoint was unreachable'));
    expect(gaveUp.length).toBeGreaterThanOrEqual(2);
    for (const d of gaveUp) expect(d.error).toMatch(/^Gave up after 1 s \(the whole retry schedule\): the endpoint was unreachable/);
    // Two requests: the first try, and the probe when the pause ended. The rest were never sent.
    expect(receiver.received('/down')).toHaveLength(2);
    const view = (await host.http.get(`${host.admin}/${id}`).expect(200)).body;
    expect(view.consecutiveFailures).toBe(gaveUp.length);
    expect(new Date(view.pausedUntil).getTime()).toBeGreaterThan(Date.now());
  }, 20_000);
});

describe('rateLimit', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;

  beforeAll(async () => {
    receiver = await HttpsReceiver.start();
    host = await bootWebhooksHost();
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  it('spaces the requests to one webhook at its rate, and holds no attempt back from the others', async () => {
    await host.http.post(host.admin).send({ name: 'Slack', url: receiver.url('/slack'), events: ['tag.added'], rateLimit: 5 }).expect(201);
    await host.http.post(host.admin).send({ name: 'CRM', url: receiver.url('/crm'), events: ['tag.added'] }).expect(201);
    const started = Date.now();
    for (let i = 0; i < 6; i++) {
      await host.emitter.emitAsync(WebhookEvent.TagAdded, { conversation: conversation(i), tag: `t${i}` });
    }
    const crm = await receiver.waitFor(6, { path: '/crm', timeoutMs: 3_000 });
    const slack = await receiver.waitFor(6, { path: '/slack', timeoutMs: 5_000 });
    // The other webhook's deliveries did not wait for the paced one's: all six were in before its fourth.
    expect(Math.max(...crm.map((r) => r.at))).toBeLessThan(slack[3].at);
    expect(slack[0].at).toBeGreaterThanOrEqual(started);
    // 5 per second: each request starts (its X-Webhook-Timestamp: when the gate let it go) 200 ms or more after the one before.
    const starts = slack.map((r) => Date.parse(header(r, 'x-webhook-timestamp'))).sort((a, b) => a - b);
    for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(200);
    expect(starts[5] - starts[0]).toBeLessThan(5 * 200 + 2_000);
    // On the wire too, give or take a connection's set-up.
    expect(slack[5].at - slack[0].at).toBeGreaterThanOrEqual(5 * 200 - 300);
    expect(slack.every((r) => header(r, 'x-webhook-attempt') === '1')).toBe(true);
  }, 15_000);
});
