import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Bull from 'bull';
import type { Connection } from 'mysql2/promise';
import { burst, byDeliveryId, demoEnvironment, header, openDatabase, sleep, writeCaFile } from './support/delivery-support.js';
import { startDemo } from './support/demo-process.js';
import type { DemoProcess } from './support/demo-process.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { REDIS, createTestDatabase, dropQueueKeys, uniqueName } from './support/services.js';

const EVENTS = 120;
const HOLD_MS = 200;
const CAP = 3;

describe('an API node and two worker processes on one database and queue', () => {
  let receiver: HttpsReceiver;
  let db: { name: string; drop: () => Promise<void> };
  let sql: Connection;
  let ca: { path: string; remove: () => void };
  let queue: Bull.Queue | undefined;
  const demos: DemoProcess[] = [];
  const queuePrefix = uniqueName('whq');
  /** Deliveries being answered right now, and every time one arrived while it already was. */
  const inFlight = new Set<string>();
  const overlaps: string[] = [];
  let mostInFlight = 0;

  beforeAll(async () => {
    receiver = await HttpsReceiver.start(async (req, res) => {
      const id = header(req, 'x-webhook-id');
      if (inFlight.has(id)) overlaps.push(id);
      inFlight.add(id);
      mostInFlight = Math.max(mostInFlight, inFlight.size);
      await sleep(HOLD_MS);
      inFlight.delete(id);
      res.writeHead(200).end('ok');
    });
    db = await createTestDatabase();
    sql = await openDatabase(db.name);
    ca = writeCaFile();
  });

  afterAll(async () => {
    for (const demo of demos) await demo.kill();
    await queue?.close();
    await sql?.end();
    await db?.drop();
    await dropQueueKeys(queuePrefix);
    await receiver?.close();
    ca?.remove();
  });

  it('delivers everything once, never one delivery from both at the same moment, and holds the per-webhook cap across both', async () => {
    const env = (name: string, extra: Record<string, string> = {}) =>
      demoEnvironment({
        database: db.name,
        queuePrefix,
        caFile: ca.path,
        extra: {
          WEBHOOKS_CONCURRENCY: '4',
          WEBHOOKS_PER_ENDPOINT_CONCURRENCY: String(CAP),
          WEBHOOKS_USER_AGENT: name,
          WEBHOOKS_RECONCILE_INTERVAL_MS: '300',
          ...extra,
        },
      });
    // One after the other: the first runs the migrations. The API node sends nothing itself.
    const api = await startDemo(env('api', { WEBHOOKS_PROCESS_DELIVERIES: 'false' }));
    demos.push(api);
    demos.push(await startDemo(env('worker-a'), { worker: true }));
    demos.push(await startDemo(env('worker-b'), { worker: true }));
    // A worker serves no chat route and no admin API.
    expect((await fetch(`${demos[1].url}/conversations`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${demos[1].url}/admin/live-chat/webhooks`)).status).toBe(404);
    const created = await fetch(`${api.url}/admin/live-chat/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'CRM', url: receiver.url('/crm'), events: ['conversation.started'] }),
    });
    expect(created.status).toBe(201);

    const answers = await burst(EVENTS, 10, async (i) => {
      const res = await fetch(`${api.url}/conversations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ visitorName: `Visitor ${i}` }),
      });
      expect(res.status).toBe(201);
      return res.status;
    });
    expect(answers.filter((s) => s === 201)).toHaveLength(EVENTS);

    // Two more jobs for every delivery still waiting, as a lost-and-found job or a stale retry would make:
    // both workers now hold jobs for the same deliveries at once. The claims keep them apart.
    queue = new Bull('webhooks', { redis: { ...REDIS }, prefix: queuePrefix });
    const [waiting] = await sql.query<any[]>("SELECT id FROM webhook_deliveries WHERE status = 'pending'");
    expect(waiting.length).toBeGreaterThan(EVENTS / 3);
    await queue.addBulk(
      waiting.flatMap((row: { id: string }) =>
        ['dup-a', 'dup-b'].map((tag) => ({
          name: 'deliver',
          data: { deliveryId: row.id, attempt: 1 },
          opts: { jobId: `${row.id}:1:${tag}`, removeOnComplete: true, removeOnFail: true },
        })),
      ),
    );

    await eventually(async () => {
      const [left] = await sql.query<any[]>("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status <> 'success'");
      return Number(left[0].n) === 0 ? true : undefined;
    }, 30_000, 'every delivery to succeed');
    await sleep(1_000);

    const requests = receiver.received('/crm');
    const byId = byDeliveryId(requests);
    expect(overlaps).toEqual([]);
    // Eight worker slots in all, but never more than the webhook's cap in flight at once.
    expect(mostInFlight).toBe(CAP);
    expect(byId.size).toBe(EVENTS);
    // Each sent exactly once: a second job for a delivery that has been sent takes nothing.
    expect(requests).toHaveLength(EVENTS);
    const agents = new Set(requests.map((r) => header(r, 'user-agent')));
    expect(agents).toEqual(new Set(['worker-a', 'worker-b']));
    const [rows] = await sql.query<any[]>('SELECT attempts FROM webhook_deliveries');
    expect(rows.every((r: { attempts: number }) => r.attempts === 1)).toBe(true);
  }, 90_000);
});
