import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Connection } from 'mysql2/promise';
import { burst, byDeliveryId, claimRedisDatabase, demoEnvironment, header, openDatabase, sleep, writeCaFile } from './support/delivery-support.js';
import type { ClaimedRedisDatabase } from './support/delivery-support.js';
import { startDemo } from './support/demo-process.js';
import type { DemoProcess } from './support/demo-process.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { createTestDatabase, uniqueName } from './support/services.js';

const EVENTS = 150;

describe('Redis FLUSHDB, three times, while deliveries wait', () => {
  let receiver: HttpsReceiver;
  let db: { name: string; drop: () => Promise<void> };
  let sql: Connection;
  let redis: ClaimedRedisDatabase;
  let ca: { path: string; remove: () => void };
  let demo: DemoProcess | undefined;
  const queuePrefix = uniqueName('whq');
  /** Contact ids whose delivery the receiver acknowledged with 200. */
  const succeeded = new Set<string>();

  beforeAll(async () => {
    // Every delivery's first attempt fails (so it waits in Redis for its retry); later ones succeed.
    receiver = await HttpsReceiver.start(async (req, res) => {
      const id = header(req, 'x-webhook-id');
      const first = receiver.requests.filter((r) => header(r, 'x-webhook-id') === id).length === 1;
      await sleep(10);
      if (!first) succeeded.add(String((req.body as { data: { contact_id: unknown } }).data.contact_id));
      res.writeHead(first ? 503 : 200).end(first ? 'warming up' : 'ok');
    });
    db = await createTestDatabase();
    sql = await openDatabase(db.name);
    // A Redis database of its own, so the FLUSHDB touches no other test's queue.
    redis = await claimRedisDatabase();
    ca = writeCaFile();
  });

  afterAll(async () => {
    await demo?.kill();
    await sql?.end();
    await db?.drop();
    await redis?.release();
    await receiver?.close();
    ca?.remove();
  });

  it('loses no delivery: the reconciler queues every one again from the database', async () => {
    demo = await startDemo(
      demoEnvironment({
        database: db.name,
        queuePrefix,
        caFile: ca.path,
        redisUrl: redis.url,
        // Every first attempt fails by design here: the breaker, which would pause this webhook, is not what is tested.
        extra: { WEBHOOKS_CONCURRENCY: '3', WEBHOOKS_RETRY_DELAYS_MS: '1500,1500', WEBHOOKS_BREAKER_THRESHOLD: '100000' },
      }),
    );
    const created = await fetch(`${demo.url}/admin/live-chat/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'CRM', url: receiver.url('/crm'), events: ['contact.created'] }),
    });
    expect(created.status).toBe(201);

    const answers = await burst(EVENTS, 15, async (i) => {
      const res = await fetch(`${demo!.url}/contacts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Contact ${i}`, email: `c${i}@example.com` }),
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: number | string }).id;
    });
    const accepted = answers.filter((a): a is number | string => !(a instanceof Error));
    expect(accepted).toHaveLength(EVENTS);

    // Three rounds: each time some deliveries have failed once and wait for a delayed retry job, and
    // the rest wait in the queue, Redis loses everything.
    const rounds: string[] = [];
    for (const firstAttempts of [30, 70, 110]) {
      await eventually(() => (byDeliveryId(receiver.received('/crm')).size >= firstAttempts ? true : undefined), 30_000, `${firstAttempts} first attempts`);
      const [delayed, waiting] = await Promise.all([
        redis.client.zcard(`${queuePrefix}:webhooks:delayed`),
        redis.client.llen(`${queuePrefix}:webhooks:wait`),
      ]);
      expect(delayed + waiting).toBeGreaterThan(0);
      const flushed = await redis.flush();
      expect(flushed.before).toBeGreaterThanOrEqual(1);
      expect(flushed.after).toBe(0);
      rounds.push(`${flushed.before} keys (${delayed} delayed, ${waiting} waiting) after ${byDeliveryId(receiver.received('/crm')).size} first attempts`);
    }

    await eventually(() => (accepted.every((id) => succeeded.has(String(id))) ? true : undefined), 60_000, 'every event to arrive');
    await eventually(async () => {
      const [left] = await sql.query<any[]>("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status <> 'success'");
      return Number(left[0].n) === 0 ? true : undefined;
    }, 20_000, 'every delivery to succeed');

    const requests = receiver.received('/crm');
    const byId = byDeliveryId(requests);
    // Each delivery: a 503 then a 200 (two attempts), plus any duplicate.
    const duplicates = requests.length - 2 * byId.size;
    console.info(
      `Redis-loss test: ${EVENTS} events accepted; flushed ${rounds.join('; then ')}; ` +
        `${byId.size} distinct X-Webhook-Id received, ${requests.length} requests in all, ${duplicates} duplicates`,
    );
    expect(byId.size).toBe(EVENTS);
    const [rows] = await sql.query<any[]>('SELECT id, attempts FROM webhook_deliveries');
    expect(rows).toHaveLength(EVENTS);
    for (const row of rows) {
      const sent = byId.get(row.id)!;
      expect(sent.length).toBeGreaterThanOrEqual(2);
      // Attempt numbers go on from the database: the retry after the flush is attempt 2.
      expect(header(sent[sent.length - 1], 'x-webhook-attempt')).toBe(String(row.attempts));
    }
    expect(duplicates).toBeLessThanOrEqual(3);
  }, 150_000);
});
