import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import crypto from 'node:crypto';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import type { QueryRunner } from 'typeorm';
import { WebhookDeliveryStore } from '../src/webhooks/delivery-log/webhook-delivery.store.js';
import { WebhookDeliveryRunner } from '../src/webhooks/engine/webhook-delivery.runner.js';
import { WebhookEndpointGate } from '../src/webhooks/engine/webhook-endpoint.gate.js';
import { WebhookEvent } from '../src/webhooks/index.js';
import type { WebhookDeliveryJob } from '../src/webhooks/engine/webhook-delivery.queue.js';
import { WEBHOOKS_QUEUE } from '../src/webhooks/webhooks.constants.js';
import { byDeliveryId, header, latch, taggedConversation } from './support/delivery-support.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

describe('slots have owners', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  const hold = latch();

  beforeAll(async () => {
    receiver = await HttpsReceiver.start(async (req, res) => {
      if (req.path === '/slow') await hold.opened;
      res.writeHead(200).end('ok');
    });
    host = await bootWebhooksHost();
  });

  afterAll(async () => {
    hold.open();
    await host?.close();
    await receiver?.close();
  });

  it('lets a second run of one admitted job (Bull re-running it after a lost lock) send nothing', async () => {
    await host.http.post(host.admin).send({ name: 'slow', url: receiver.url('/slow'), events: ['tag.added'] }).expect(201);
    const queue = host.app.get<Queue<WebhookDeliveryJob>>(getQueueToken(WEBHOOKS_QUEUE));
    const [[id]] = (await host.emitter.emitAsync(WebhookEvent.TagAdded, taggedConversation(1))) as string[][];
    // The worker runs the admitted job; its attempt is in flight.
    await receiver.waitFor(1, { path: '/slow' });
    // The same job again, as Bull runs it when it takes the first run for stalled.
    const data = (await queue.getJob(`${id}:1`))?.data;
    expect(data?.deliveryId).toBe(id);
    const second = await host.app.get(WebhookDeliveryRunner).process(data!);
    expect(second).toBeUndefined();
    hold.open();
    await eventually(async () => ((await host.http.get(`${host.admin}/${(await webhookId())}/deliveries/${id}`)).body.status === 'success' ? true : undefined), 10_000, 'the delivery to be recorded');
    expect(receiver.received('/slow')).toHaveLength(1);
  });

  async function webhookId(): Promise<string> {
    return (await host.http.get(host.admin).expect(200)).body.find((w: { name: string }) => w.name === 'slow').id;
  }
});

describe('an admitted job that starts after its webhook was paused', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;

  beforeAll(async () => {
    receiver = await HttpsReceiver.start();
    host = await bootWebhooksHost({ options: { retryDelaysMs: [60_000] } });
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  it('waits out the pause without spending an attempt', async () => {
    const created = await host.http.post(host.admin).send({ name: 'paused', url: receiver.url('/p'), events: ['tag.added'] }).expect(201);
    const queue = host.app.get<Queue<WebhookDeliveryJob>>(getQueueToken(WEBHOOKS_QUEUE));
    // The worker takes nothing for now: the jobs are admitted (their slots taken) and wait in the queue.
    await queue.pause(true);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(...((await host.emitter.emitAsync(WebhookEvent.TagAdded, taggedConversation(i))) as string[][])[0]);
    await eventually(async () => ((await queue.getWaitingCount()) === 3 ? true : undefined), 5_000, 'the three admitted jobs');
    // Meanwhile the breaker paused the webhook (another worker's failures), for a minute.
    const { time } = { time: await queue.client.time() };
    const redisNow = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
    await queue.client.hset(queue.toKey(`ep:${created.body.id}`), 'pausedUntil', String(redisNow + 60_000), 'cooldownMs', '60000');

    await queue.resume(true);
    // Each job goes back among the delayed ones, for the pause.
    await eventually(async () => ((await queue.getDelayedCount()) === 3 ? true : undefined), 10_000, 'the jobs to wait out the pause');
    expect(receiver.received('/p')).toEqual([]);
    for (const id of ids) {
      const d = (await host.http.get(`${host.admin}/${created.body.id}/deliveries/${id}`).expect(200)).body;
      expect(d).toMatchObject({ status: 'pending', attempts: 0 });
    }
    // Their slots went back: nothing holds the paused webhook's slots.
    expect(await queue.client.zcard(queue.toKey(`ep:${created.body.id}:slots`))).toBe(0);
  });
});

describe('one clock: workers whose own clocks are off', () => {
  let host: WebhooksHost;

  beforeAll(async () => {
    host = await bootWebhooksHost({ options: { processDeliveries: false, perEndpointConcurrency: 2 } });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  afterAll(async () => {
    await host?.close();
  });

  /** This process' clock, from now on, runs `ms` ahead (Date only: timers keep running). */
  function clockAhead(ms: number): void {
    jest.useFakeTimers({
      now: Date.now() + ms,
      advanceTimers: true,
      doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
    });
  }

  it("keeps a webhook's cap when one worker's clock is 60 s fast", async () => {
    const gate = host.app.get(WebhookEndpointGate);
    const token = () => WebhookEndpointGate.token();
    const webhook = 'clock-webhook';
    expect((await gate.acquire(webhook, 'd1', 1, null, '{"deliveryId":"d1","attempt":1}', token())).kind).toBe('go');
    expect((await gate.acquire(webhook, 'd2', 1, null, '{"deliveryId":"d2","attempt":1}', token())).kind).toBe('go');
    clockAhead(60_000);
    // To a clock 60 s fast, the two slots' leases (15 s) have run out: they have not.
    expect((await gate.acquire(webhook, 'd3', 1, null, '{"deliveryId":"d3","attempt":1}', token())).kind).toBe('parked');
    // And a delivery in flight is not let go a second time.
    expect((await gate.acquire(webhook, 'd1', 1, null, '{"deliveryId":"d1","attempt":1}', token())).kind).toBe('skip');
  });

  it('lets no worker whose clock is 60 s fast claim a delivery another holds in the database', async () => {
    const created = await host.http.post(host.admin).send({ name: 'c', url: 'https://127.0.0.1:9/c', events: ['tag.added'] }).expect(201);
    const [id] = await host.publisher.publish(WebhookEvent.TagAdded, taggedConversation(5));
    expect(created.body.id).toBeDefined();
    const store = host.app.get(WebhookDeliveryStore);
    expect(await store.claim(id, 15_000)).toBe(true);
    clockAhead(60_000);
    expect(await store.claim(id, 15_000)).toBe(false);
  });
});

describe('a handed-on attempt whose record is slow', () => {
  let first: WebhooksHost;
  let second: WebhooksHost | undefined;
  let receiver: HttpsReceiver;
  const holdFirst = latch();
  const holdSecond = latch();
  let arrived = 0;
  const held: QueryRunner[] = [];

  beforeAll(async () => {
    receiver = await HttpsReceiver.start(async (_req, res) => {
      arrived++;
      if (arrived === 1) await holdFirst.opened;
      if (arrived === 2) await holdSecond.opened;
      res.writeHead(200).end('ok');
    });
    // A 1 s time-out: slots are leased for 6 s.
    first = await bootWebhooksHost({ options: { perEndpointConcurrency: 1, requestTimeoutMs: 1_000, reconcileIntervalMs: 300 } });
  });

  afterAll(async () => {
    holdFirst.open();
    holdSecond.open();
    for (const runner of held) await runner.release().catch(() => undefined);
    await second?.close();
    await first?.close();
    await receiver?.close();
  });

  it('keeps its slot while it runs, so no other worker takes it for lost and sends it again', async () => {
    const created = await first.http.post(first.admin).send({ name: 'one', url: receiver.url('/one'), events: ['tag.added'] }).expect(201);
    const queue = first.app.get<Queue>(getQueueToken(WEBHOOKS_QUEUE));
    const [[d1]] = (await first.emitter.emitAsync(WebhookEvent.TagAdded, taggedConversation(1))) as string[][];
    await receiver.waitFor(1);
    // The second waits in the webhook's line (its cap is 1), with no queue job.
    const [[d2]] = (await first.emitter.emitAsync(WebhookEvent.TagAdded, taggedConversation(2))) as string[][];
    await eventually(async () => ((await queue.client.llen(queue.toKey(`ep:${created.body.id}:line`))) === 1 ? true : undefined), 5_000, 'd2 in line');
    // The first ends: its slot is handed to d2, which the same worker sends at once.
    holdFirst.open();
    await receiver.waitFor(2);
    const startedAt = Date.now();
    // Its record will be slow: the first worker's database connections are all taken.
    const pool = (first.dataSource.options as { poolSize?: number }).poolSize ?? 10;
    for (let i = 0; i < pool; i++) {
      const runner = first.dataSource.createQueryRunner();
      await runner.connect();
      await runner.query('SELECT 1');
      held.push(runner);
    }
    holdSecond.open();
    // Another worker on the same database and queue looks for lost deliveries every 300 ms.
    second = await bootWebhooksHost({ database: first.database, queuePrefix: first.queuePrefix, options: { reconcileIntervalMs: 300, requestTimeoutMs: 1_000 } });
    // Well past the 6 s lease of a slot that is never renewed, and several of its passes later.
    await eventually(() => (Date.now() - startedAt > 6_000 + 2_000 ? true : undefined), 15_000, 'the lease to have run out, were it not renewed');
    // Its slot is still held, its lease renewed while the record waits.
    const [seconds, micros] = await queue.client.time();
    const lease = await queue.client.zscore(queue.toKey(`ep:${created.body.id}:slots`), d2);
    expect(Number(lease)).toBeGreaterThan(Number(seconds) * 1000 + Number(micros) / 1000);
    for (const runner of held.splice(0)) await runner.release();
    await eventually(async () => ((await first.http.get(`${first.admin}/${created.body.id}/deliveries/${d2}`)).body.status === 'success' ? true : undefined), 10_000, 'd2 to be recorded');
    const sent = byDeliveryId(receiver.received());
    expect(sent.get(d1)).toHaveLength(1);
    expect(sent.get(d2)?.map((r) => header(r, 'x-webhook-attempt'))).toEqual(['1']);
  }, 40_000);
});

describe('a job of the same id queued before the admitted one', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;

  beforeAll(async () => {
    receiver = await HttpsReceiver.start();
    // No reconciler pass during the test: it would queue the delivery again by itself.
    host = await bootWebhooksHost({ options: { reconcileIntervalMs: 3_600_000 } });
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  it('takes over the slot the admission took, instead of waiting for its lease to run out', async () => {
    await host.http.post(host.admin).send({ name: 'r', url: receiver.url('/r'), events: ['tag.added'] }).expect(201);
    const queue = host.app.get<Queue<WebhookDeliveryJob>>(getQueueToken(WEBHOOKS_QUEUE));
    await queue.pause(true);
    const [[id]] = (await host.emitter.emitAsync(WebhookEvent.TagAdded, taggedConversation(1))) as string[][];
    const admitted = await eventually(async () => (await queue.getJob(`${id}:1`)) ?? undefined, 5_000, 'the admitted job');
    // What Redis holds when the reconciler queued the delivery a moment before the publish did: the
    // admission took the slot, but the job under that id is the reconciler's, which names the delivery only.
    await admitted.remove();
    await queue.add('deliver', { deliveryId: id, attempt: 1 }, { jobId: `${id}:1`, removeOnComplete: true, removeOnFail: true });
    await queue.resume(true);
    // Well before the admission's lease (25 s) would have run out.
    await receiver.waitFor(1, { timeoutMs: 5_000 });
    expect(header(receiver.received()[0], 'x-webhook-id')).toBe(id);
  });
});

describe("a webhook's line hands on no more jobs than it has slots", () => {
  let host: WebhooksHost;

  beforeAll(async () => {
    // No worker: the test alone asks the gate.
    host = await bootWebhooksHost({ options: { processDeliveries: false, perEndpointConcurrency: 2 } });
  });

  afterAll(async () => {
    await host?.close();
  });

  it('gives every job it hands back to the queue a slot of its own, which the job takes over as it runs', async () => {
    const gate = host.app.get(WebhookEndpointGate);
    const queue = host.app.get<Queue<WebhookDeliveryJob>>(getQueueToken(WEBHOOKS_QUEUE));
    const webhookId = `line-${Date.now()}`;
    const slots = () => queue.client.zcard(queue.toKey(`ep:${webhookId}:slots`));
    const job = (deliveryId: string) => JSON.stringify({ deliveryId, attempt: 1, webhookId });
    const tokens = new Map<string, string>();
    const ask = async (deliveryId: string, admitted?: string) => {
      const token = WebhookEndpointGate.token();
      tokens.set(deliveryId, token);
      return (await gate.acquire(webhookId, deliveryId, 1, null, job(deliveryId), token, admitted)).kind;
    };
    expect([await ask('d1'), await ask('d2')]).toEqual(['go', 'go']);
    for (const id of ['d3', 'd4', 'd5', 'd6']) expect(await ask(id)).toBe('parked');

    // d1 ends on a worker that sends nothing more itself: the job it hands on goes back to the queue with a slot.
    const first = await gate.release(webhookId, 'd1', 1, 'success', 5, null, 0, tokens.get('d1')!);
    expect(first.handed.map((raw) => JSON.parse(raw).deliveryId)).toEqual(['d3']);
    expect(first.admissions[0]).toMatch(/^a:/);
    expect(first.inline).toBe(false);
    expect(await slots()).toBe(2);

    // So the next release finds one slot free, not two: it hands on one job, and the cap holds.
    const second = await gate.release(webhookId, 'd2', 1, 'success', 5, null, 0, tokens.get('d2')!);
    expect(second.handed.map((raw) => JSON.parse(raw).deliveryId)).toEqual(['d4']);
    expect(await slots()).toBe(2);

    // A run of the handed job takes its slot over; a second run of it finds the slot taken.
    expect(await ask('d3', first.admissions[0])).toBe('go');
    expect(await ask('d3')).toBe('skip');
    expect(await slots()).toBe(2);
    await gate.forget(webhookId);
  });
});

describe('one gate call for attempts to several webhooks', () => {
  let host: WebhooksHost;

  beforeAll(async () => {
    host = await bootWebhooksHost({ options: { perEndpointConcurrency: 2 } });
  });

  afterAll(async () => {
    await host?.close();
  });

  it("sends each webhook's keys once and keeps each webhook's own cap and line", async () => {
    const gate = host.app.get(WebhookEndpointGate);
    const queue = host.app.get<Queue<WebhookDeliveryJob>>(getQueueToken(WEBHOOKS_QUEUE));
    const client = queue.client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const keyCounts: number[] = [];
    for (const name of ['webhooksAcquire', 'webhooksRelease']) {
      const original = client[name].bind(client);
      client[name] = (...args: unknown[]) => {
        keyCounts.push(Number(args[0]));
        return original(...args);
      };
    }
    const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
    const job = (webhookId: string, n: number) => ({ webhookId, deliveryId: `${webhookId.slice(0, 8)}-${n}`, attempt: 1, job: `job ${n} of ${webhookId}`, token: WebhookEndpointGate.admissionToken() });
    const jobs = [job(a, 1), job(b, 1), job(a, 2), job(b, 2), job(a, 3), job(b, 3), job(a, 4)];
    // Admitted in one turn of the event loop: one script call for all seven.
    const answers = await gate.admit(jobs);
    expect(answers.map((x) => x.kind)).toEqual(['go', 'go', 'go', 'go', 'parked', 'parked', 'parked']);
    expect(keyCounts).toEqual([14]);
    const key = (id: string, name: string) => queue.toKey(`ep:${id}:${name}`);
    expect(await queue.client.lrange(key(a, 'line'), 0, -1)).toEqual([`${jobs[4].deliveryId}:1`, `${jobs[6].deliveryId}:1`]);
    expect(await queue.client.lrange(key(b, 'line'), 0, -1)).toEqual([`${jobs[5].deliveryId}:1`]);

    // Both webhooks' first attempts end in one call: each hands its freed slot to its own line's oldest job.
    const [nextA, nextB] = [WebhookEndpointGate.token(), WebhookEndpointGate.token()];
    const [ra, rb] = await Promise.all([
      gate.release(a, jobs[0].deliveryId, 1, 'success', 5, null, 0, jobs[0].token, nextA),
      gate.release(b, jobs[1].deliveryId, 1, 'success', 5, null, 0, jobs[1].token, nextB),
    ]);
    expect(keyCounts).toEqual([14, 14]);
    expect([ra.handed, ra.inline, rb.handed, rb.inline]).toEqual([[jobs[4].job], true, [jobs[5].job], true]);
    expect(await queue.client.hget(key(a, 'owner'), jobs[4].deliveryId)).toBe(nextA);
    expect(await queue.client.zcard(key(a, 'slots'))).toBe(2);
    expect(await queue.client.zcard(key(b, 'slots'))).toBe(2);
    expect(await queue.client.lrange(key(a, 'line'), 0, -1)).toEqual([`${jobs[6].deliveryId}:1`]);
    expect(await queue.client.llen(key(b, 'line'))).toBe(0);
    // Every key has its time to live.
    for (const id of [a, b]) for (const name of ['slots', 'owner', 'done']) expect(await queue.client.pttl(key(id, name))).toBeGreaterThan(0);
  });
});
