import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Connection } from 'mysql2/promise';
import { WebhookEvent } from '../src/webhooks/index.js';
import { byDeliveryId, header, openDatabase, sleep } from './support/delivery-support.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { createTestDatabase, dropQueueKeys, uniqueName } from './support/services.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

const HOLD_MS = 800;

describe('graceful shutdown: stop taking jobs, let the attempts in flight finish', () => {
  let receiver: HttpsReceiver;
  let db: { name: string; drop: () => Promise<void> };
  let sql: Connection;
  const queuePrefix = uniqueName('whq');
  let first: WebhooksHost | undefined;
  let second: WebhooksHost | undefined;

  beforeAll(async () => {
    receiver = await HttpsReceiver.start(async (_req, res) => {
      await sleep(HOLD_MS);
      res.writeHead(200).end('done');
    });
    db = await createTestDatabase();
    sql = await openDatabase(db.name);
  });

  afterAll(async () => {
    await first?.app.close();
    await second?.app.close();
    await sql?.end();
    await db?.drop();
    await dropQueueKeys(queuePrefix);
    await receiver?.close();
  });

  it('finishes and records the two attempts in flight, leaves the rest queued, and the next worker sends them', async () => {
    first = await bootWebhooksHost({ options: { concurrency: 2, requestTimeoutMs: 5_000 }, database: db.name, queuePrefix });
    await first.http.post(first.admin).send({ name: 'Slow', url: receiver.url('/slow'), events: ['contact.created'] }).expect(201);
    const ids: string[] = [];
    for (let n = 1; n <= 6; n++) {
      const [[id]] = (await first.emitter.emitAsync(WebhookEvent.ContactCreated, { id: n, name: `C${n}`, createdAt: new Date() })) as string[][];
      ids.push(id);
    }

    // Two attempts are in flight (concurrency 2; the receiver holds each for 800 ms).
    await receiver.waitFor(2, { path: '/slow' });
    const closing = Date.now();
    await first.app.close();
    first = undefined;
    const tookMs = Date.now() - closing;
    const inFlight = receiver.received('/slow').map((r) => header(r, 'x-webhook-id'));
    expect(inFlight).toHaveLength(2);
    // close() waited for the answers rather than cutting them off...
    expect(tookMs).toBeGreaterThanOrEqual(HOLD_MS - 300);

    // ...and recorded them, while the other four were never taken.
    const [rows] = await sql.query<any[]>('SELECT id, status, attempts, lockedUntil FROM webhook_deliveries');
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const id of inFlight) expect(byId.get(id)).toMatchObject({ status: 'success', attempts: 1, lockedUntil: null });
    const rest = ids.filter((id) => !inFlight.includes(id));
    expect(rest).toHaveLength(4);
    for (const id of rest) expect(byId.get(id)).toMatchObject({ status: 'pending', attempts: 0, lockedUntil: null });
    await sleep(300);
    expect(receiver.received('/slow')).toHaveLength(2);

    // A new worker on the same database and queue sends the rest, each once.
    second = await bootWebhooksHost({ options: { concurrency: 4 }, database: db.name, queuePrefix });
    await receiver.waitFor(6, { path: '/slow' });
    await eventually(async () => {
      const [done] = await sql.query<any[]>("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'success'");
      return Number(done[0].n) === 6 ? true : undefined;
    }, 5_000, 'all six to succeed');
    const sent = byDeliveryId(receiver.received('/slow'));
    expect([...sent.keys()].sort()).toEqual([...ids].sort());
    for (const requests of sent.values()) expect(requests).toHaveLength(1);
  });
});
