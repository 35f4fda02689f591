import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebhookEvent } from '../src/webhooks/index.js';
import { burst, claimRedisDatabase, demoEnvironment, header, writeCaFile } from './support/delivery-support.js';
import type { ClaimedRedisDatabase } from './support/delivery-support.js';
import { startDemo } from './support/demo-process.js';
import type { DemoProcess } from './support/demo-process.js';
import { HttpsReceiver } from './support/https-receiver.js';
import type { ReceivedRequest } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { REDIS } from './support/services.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

const CONVERSATIONS = 24;
const EVENTS_EACH = 8;
const TOTAL = CONVERSATIONS * EVENTS_EACH;
const OPTIONS = { requestTimeoutMs: 2_000, retryDelaysMs: [300, 300, 300, 300], reconcileIntervalMs: 1_000, breakerThreshold: 100_000 };

const conversation = (id: number) => ({ id, visitorName: `Visitor ${id}`, status: 'open', createdAt: '2025-01-15T10:30:00.000Z' });

/** A stable number from a delivery id: which first attempts fail, and how slowly the receiver answers. */
const spread = (deliveryId: string) => parseInt(deliveryId.slice(0, 4), 16);

describe('ordering: conversation across two worker hosts, a FLUSHDB and a SIGKILLed worker', () => {
  let redis: ClaimedRedisDatabase;
  let receiver: HttpsReceiver;
  let one: WebhooksHost;
  let two: WebhooksHost;
  let demo: DemoProcess | undefined;
  let ca: { path: string; remove: () => void };
  /** Every request as answered: when, and with which status. */
  const answers = new Map<ReceivedRequest, { at: number; status: number }>();

  beforeAll(async () => {
    // A Redis database of its own, so the FLUSHDB touches no other test's queue.
    redis = await claimRedisDatabase();
    ca = writeCaFile();
    // About one first attempt in four fails with a 500; every answer takes 15 to 75 ms.
    receiver = await HttpsReceiver.start(async (req, res) => {
      const id = header(req, 'x-webhook-id');
      await new Promise((resolve) => setTimeout(resolve, 15 + (spread(id) % 61)));
      const status = header(req, 'x-webhook-attempt') === '1' && spread(id) % 4 === 0 ? 500 : 200;
      res.writeHead(status).end();
      answers.set(req, { at: Date.now(), status });
    });
    const redisDb = { ...REDIS, db: redis.db };
    one = await bootWebhooksHost({ options: OPTIONS, redis: redisDb });
    two = await bootWebhooksHost({ options: OPTIONS, redis: redisDb, database: one.database, queuePrefix: one.queuePrefix });
  }, 60_000);

  afterAll(async () => {
    await demo?.kill();
    await two?.close();
    await one?.close();
    await receiver?.close();
    await redis?.release();
    ca?.remove();
  });

  it("for every conversation the receiver accepts the events in publish order, conversations overlapping, through a FLUSHDB and a SIGKILL", async () => {
    // A third worker, in a process of its own, to kill mid-way.
    demo = await startDemo(
      demoEnvironment({
        database: one.database,
        queuePrefix: one.queuePrefix,
        caFile: ca.path,
        redisUrl: redis.url,
        extra: { WEBHOOKS_RETRY_DELAYS_MS: OPTIONS.retryDelaysMs.join(','), WEBHOOKS_BREAKER_THRESHOLD: '100000' },
      }),
      { worker: true },
    );
    const created = await one.http
      .post(one.admin)
      .send({ name: 'CRM', url: receiver.url('/crm'), events: ['conversation.started', 'message.received', 'tag.added'], ordering: 'conversation' })
      .expect(201);
    expect(created.body.ordering).toBe('conversation');

    // Each conversation's events one after another (each publish awaited), by turns on either host; the conversations at once.
    const published = new Map<number, string[]>();
    const publishing = burst(CONVERSATIONS, CONVERSATIONS, async (c) => {
      const id = 5_000 + c;
      const ids: string[] = [];
      for (let n = 0; n < EVENTS_EACH; n++) {
        const host = n % 2 === 0 ? one : two;
        const [deliveryId] =
          n === 0
            ? await host.publisher.publish(WebhookEvent.ConversationStarted, conversation(id))
            : n === EVENTS_EACH - 1
              ? await host.publisher.publish(WebhookEvent.TagAdded, { conversation: conversation(id), tag: 'done' })
              : await host.publisher.publish(WebhookEvent.MessageReceived, {
                  message: { id: id * 100 + n, content: `message ${n}`, createdAt: '2025-01-15T10:31:00.000Z' },
                  conversation: conversation(id),
                });
        ids.push(deliveryId);
      }
      published.set(id, ids);
    });

    const accepted = () => new Set([...answers].filter(([, a]) => a.status === 200).map(([r]) => header(r, 'x-webhook-id'))).size;
    await eventually(() => (accepted() >= TOTAL * 0.25 ? true : undefined), 30_000, 'a quarter of the deliveries');
    const flushed = await redis.flush();
    expect(flushed.before).toBeGreaterThan(1);
    await eventually(() => (accepted() >= TOTAL * 0.55 ? true : undefined), 40_000, 'over half of the deliveries');
    const killed = await demo.kill('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    expect((await publishing).filter((r) => r instanceof Error)).toEqual([]);

    await eventually(() => (accepted() === TOTAL ? true : undefined), 60_000, 'every delivery to be accepted');
    await eventually(async () => {
      const [left] = await one.dataSource.query("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status <> 'success'");
      return Number(left.n) === 0 ? true : undefined;
    }, 20_000, 'every delivery to be recorded as a success');

    const requests = receiver.received('/crm');
    const conversationOf = (r: ReceivedRequest) => (r.body as { data: { conversation_id: number } }).data.conversation_id;
    let failedFirst = 0;
    for (const [id, ids] of published) {
      const mine = requests.filter((r) => conversationOf(r) === id);
      // The order of acceptance: each delivery at its first 2xx.
      const firstAccepted = new Map<string, ReceivedRequest>();
      for (const r of [...mine].sort((a, b) => answers.get(a)!.at - answers.get(b)!.at)) {
        const deliveryId = header(r, 'x-webhook-id');
        if (answers.get(r)!.status === 200 && !firstAccepted.has(deliveryId)) firstAccepted.set(deliveryId, r);
      }
      expect([...firstAccepted.keys()]).toEqual(ids);
      // Stronger: no attempt of a delivery reached the receiver before the one before it had been accepted.
      for (let n = 1; n < ids.length; n++) {
        const before = answers.get(firstAccepted.get(ids[n - 1])!)!.at;
        for (const r of mine.filter((m) => header(m, 'x-webhook-id') === ids[n])) expect(r.at).toBeGreaterThanOrEqual(before);
      }
      failedFirst += mine.filter((r) => answers.get(r)!.status === 500).length;
    }
    expect(failedFirst).toBeGreaterThan(0);

    // Different conversations were in flight at the same time.
    const edges = requests.flatMap((r) => [
      { at: r.at, conversation: conversationOf(r), d: 1 },
      { at: answers.get(r)!.at, conversation: conversationOf(r), d: -1 },
    ]);
    edges.sort((a, b) => a.at - b.at || a.d - b.d);
    const inFlight = new Map<number, number>();
    let mostConversations = 0;
    for (const e of edges) {
      inFlight.set(e.conversation, (inFlight.get(e.conversation) ?? 0) + e.d);
      mostConversations = Math.max(mostConversations, [...inFlight.values()].filter((n) => n > 0).length);
    }
    expect(mostConversations).toBeGreaterThanOrEqual(3);
    console.info(
      `Ordering under faults: ${TOTAL} deliveries of ${CONVERSATIONS} conversations, ${requests.length} requests (${failedFirst} first attempts failed on purpose); ` +
        `flushed ${flushed.before} keys, SIGKILLed a worker; up to ${mostConversations} conversations in flight at once; every conversation accepted in publish order`,
    );
  }, 180_000);
});
