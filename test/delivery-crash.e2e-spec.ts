import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Connection } from 'mysql2/promise';
import { burst, byDeliveryId, demoEnvironment, header, openDatabase, sleep, writeCaFile } from './support/delivery-support.js';
import { startDemo } from './support/demo-process.js';
import type { DemoProcess } from './support/demo-process.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { createTestDatabase, dropQueueKeys, uniqueName } from './support/services.js';

const EVENTS = 200;

describe('the demo process SIGKILLed right after a burst of accepted requests, then restarted', () => {
  let receiver: HttpsReceiver;
  let db: { name: string; drop: () => Promise<void> };
  let sql: Connection;
  let ca: { path: string; remove: () => void };
  const queuePrefix = uniqueName('whq');
  let env: Record<string, string>;
  const demos: DemoProcess[] = [];

  beforeAll(async () => {
    // A receiver slower than the burst, so most deliveries are still queued or in flight at the kill.
    receiver = await HttpsReceiver.start(async (_req, res) => {
      await sleep(40);
      res.writeHead(200).end('ok');
    });
    db = await createTestDatabase();
    sql = await openDatabase(db.name);
    ca = writeCaFile();
    env = demoEnvironment({ database: db.name, queuePrefix, caFile: ca.path, extra: { WEBHOOKS_CONCURRENCY: '2', WEBHOOKS_REQUEST_TIMEOUT_MS: '1000' } });
  });

  afterAll(async () => {
    for (const demo of demos) await demo.kill();
    await sql?.end();
    await db?.drop();
    await dropQueueKeys(queuePrefix);
    await receiver?.close();
    ca?.remove();
  });

  it('delivers every event whose request was answered: duplicates allowed, none lost', async () => {
    const first = await startDemo(env);
    demos.push(first);
    const created = await fetch(`${first.url}/admin/live-chat/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'CRM', url: receiver.url('/crm'), events: ['conversation.started'] }),
    });
    expect(created.status).toBe(201);

    const answers = await burst(EVENTS, 20, async (i) => {
      const res = await fetch(`${first.url}/conversations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ visitorName: `Visitor ${i}` }),
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: number | string }).id;
    });
    const killed = await first.kill('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');

    const accepted = answers.filter((a): a is number | string => !(a instanceof Error));
    expect(accepted).toHaveLength(EVENTS);
    const deliveredBeforeKill = byDeliveryId(receiver.received('/crm')).size;
    // The kill caught the worker with most of the burst still to send, or this test proves nothing.
    expect(deliveredBeforeKill).toBeLessThan(EVENTS / 2);
    // Every accepted request had its delivery row before it was answered.
    const [rows] = await sql.query<any[]>('SELECT COUNT(*) AS n FROM webhook_deliveries');
    expect(Number(rows[0].n)).toBe(EVENTS);

    const second = await startDemo(env);
    demos.push(second);
    const conversationIds = (requests = receiver.received('/crm')) =>
      new Set(requests.map((r) => String((r.body as { data: { conversation_id: unknown } }).data.conversation_id)));
    await eventually(() => (accepted.every((id) => conversationIds().has(String(id))) ? true : undefined), 60_000, 'every accepted event to arrive');
    await eventually(async () => {
      const [left] = await sql.query<any[]>("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status <> 'success'");
      return Number(left[0].n) === 0 ? true : undefined;
    }, 20_000, 'every delivery row to be marked success');

    const requests = receiver.received('/crm');
    const byId = byDeliveryId(requests);
    const duplicates = requests.length - byId.size;
    console.info(
      `crash test: ${EVENTS} events accepted, ${deliveredBeforeKill} delivered before the SIGKILL, ` +
        `${byId.size} distinct X-Webhook-Id received, ${requests.length} requests in all, ${duplicates} duplicates`,
    );
    expect(byId.size).toBe(EVENTS);
    expect(conversationIds().size).toBe(EVENTS);
    // A duplicate is the same delivery again (same id and body), never a new id for the same event. An attempt
    // the killed process sent but could not record is made again under the same number.
    for (const sent of byId.values()) {
      for (const again of sent) expect(again.rawBody.equals(sent[0].rawBody)).toBe(true);
      const attempts = sent.map((r) => Number(header(r, 'x-webhook-attempt')));
      expect(attempts).toEqual([...attempts].sort((a, b) => a - b));
      expect(attempts[0]).toBe(1);
    }
    // At most the attempts in flight at the kill (concurrency 2) can have been sent twice.
    expect(duplicates).toBeLessThanOrEqual(2);
  }, 120_000);
});
