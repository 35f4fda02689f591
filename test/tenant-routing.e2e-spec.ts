import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type mysql from 'mysql2/promise';
import { bootDemoHost } from './support/demo-host.js';
import type { DemoHost } from './support/demo-host.js';
import { header, openDatabase } from './support/delivery-support.js';
import { HttpsReceiver } from './support/https-receiver.js';
import type { ReceivedRequest } from './support/https-receiver.js';

const ADMIN = '/admin/live-chat/webhooks';

/** The webhooks, by the receiver path each one posts to. */
const WEBHOOKS: Record<string, { accountId: string | null; inboxIds: string[]; events?: string[] }> = {
  '/platform': { accountId: null, inboxIds: [] },
  '/a-all': { accountId: 'acct-a', inboxIds: [] },
  '/a-inbox-1': { accountId: 'acct-a', inboxIds: ['inbox-1'] },
  '/a-inbox-2': { accountId: 'acct-a', inboxIds: ['inbox-2'] },
  '/a-inbox-2-or-3': { accountId: 'acct-a', inboxIds: ['inbox-3', 'inbox-2'] },
  '/b-all': { accountId: 'acct-b', inboxIds: [] },
  '/b-inbox-1': { accountId: 'acct-b', inboxIds: ['inbox-1'] },
  '/a-slack': { accountId: 'acct-a', inboxIds: [] },
};

/**
 * Events of account A, inbox 1 reach A's account-wide and inbox-1 webhooks and the platform-wide
 * ones, never an inbox-2-only one or account B's; bodies carry account_id / inbox_id only when set.
 */
describe('routing events by account and inbox (demo host, real receivers)', () => {
  let host: DemoHost;
  let receiver: HttpsReceiver;
  let db: mysql.Connection;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    receiver = await HttpsReceiver.start();
    host = await bootDemoHost();
    db = await openDatabase(host.database);
    for (const [path, scope] of Object.entries(WEBHOOKS)) {
      const created = await host.http
        .post(ADMIN)
        .send({ name: path, url: receiver.url(path), events: ['*'], format: path === '/a-slack' ? 'slack' : 'json', ...scope })
        .expect(201);
      ids.set(created.body.id, path);
    }
  });

  afterAll(async () => {
    await db?.end();
    await host?.close();
    await receiver?.close();
  });

  /**
   * The receivers of one event, read from the delivery rows, which are written before the
   * chat route answers: exactly these webhooks got one, and no other will.
   */
  async function recordedFor(event: string, createdAfter: Date): Promise<string[]> {
    const [rows] = await db.query<mysql.RowDataPacket[]>(
      'SELECT webhookId, accountId FROM webhook_deliveries WHERE event = ? AND createdAt >= ? AND isTest = 0',
      [event, createdAfter],
    );
    for (const row of rows) expect(row.accountId).toBe(WEBHOOKS[ids.get(row.webhookId)!].accountId);
    return rows.map((row) => ids.get(row.webhookId)!).sort();
  }

  /** The requests of one delivery-producing call, once every expected receiver has had its own. */
  async function received(event: string, paths: string[], since: number): Promise<Map<string, ReceivedRequest>> {
    const mine = () => receiver.requests.filter((r) => r.at >= since && header(r, 'x-webhook-event') === event);
    await waitUntil(() => mine().length >= paths.length, `${paths.length} ${event} requests`);
    return new Map(mine().map((r) => [r.path, r]));
  }

  /** The exact bytes a JSON webhook must get: the envelope's keys in order, each scope field only when set. */
  function expectBody(req: ReceivedRequest, event: string, scope: { account_id?: string; inbox_id?: string }) {
    const parsed = JSON.parse(req.rawBody.toString('utf8'));
    const expected =
      `{"event":${JSON.stringify(event)},"timestamp":${JSON.stringify(parsed.timestamp)}` +
      ('account_id' in scope ? `,"account_id":${JSON.stringify(scope.account_id)}` : '') +
      ('inbox_id' in scope ? `,"inbox_id":${JSON.stringify(scope.inbox_id)}` : '') +
      `,"data":${JSON.stringify(parsed.data)}}`;
    expect(req.rawBody.toString('utf8')).toBe(expected);
  }

  it("sends account A, inbox 1 to A's account-wide and inbox-1 webhooks and the platform-wide one", async () => {
    const since = Date.now();
    const at = new Date(since);
    const conversation = await host.http.post('/conversations').send({ visitorName: 'Ann', accountId: 'acct-a', inboxId: 'inbox-1' }).expect(201);
    expect(conversation.body).toMatchObject({ accountId: 'acct-a', inboxId: 'inbox-1' });
    const expected = ['/a-all', '/a-inbox-1', '/a-slack', '/platform'];
    expect(await recordedFor('conversation.started', at)).toEqual(expected);

    // The conversation's messages and tags carry its account and inbox.
    const message = await host.http.post(`/conversations/${conversation.body.id}/messages`).send({ content: 'Hi' }).expect(201);
    expect(message.body).toMatchObject({ accountId: 'acct-a', inboxId: 'inbox-1' });
    expect(await recordedFor('message.received', at)).toEqual(expected);
    await host.http.post(`/conversations/${conversation.body.id}/tags`).send({ tag: 'vip' }).expect(200);
    expect(await recordedFor('tag.added', at)).toEqual(expected);
    const [[tagRow]] = await db.query<mysql.RowDataPacket[]>('SELECT accountId, inboxId FROM chat_conversation_tags');
    expect(tagRow).toEqual({ accountId: 'acct-a', inboxId: 'inbox-1' });

    const got = await received('message.received', expected, since);
    expect([...got.keys()].sort()).toEqual(expected);
    for (const path of ['/a-all', '/a-inbox-1', '/platform']) {
      expectBody(got.get(path)!, 'message.received', { account_id: 'acct-a', inbox_id: 'inbox-1' });
    }
    // Slack's body is Slack's own shape: no account fields in it.
    expect(JSON.parse(got.get('/a-slack')!.rawBody.toString())).toEqual({ text: 'message.received: Ann — Hi' });
  });

  it("sends inbox 2 to the webhooks listing it, and account B's events to B's and the platform's only", async () => {
    const since = Date.now();
    const at = new Date(since);
    await host.http.post('/offline-messages').send({ name: 'Bo', email: 'bo@example.com', message: 'Call me', accountId: 'acct-a', inboxId: 'inbox-2' }).expect(201);
    const inbox2 = ['/a-all', '/a-inbox-2', '/a-inbox-2-or-3', '/a-slack', '/platform'];
    expect(await recordedFor('offline_message.created', at)).toEqual(inbox2);

    await host.http.post('/conversations').send({ visitorName: 'Cy', accountId: 'acct-b', inboxId: 'inbox-1' }).expect(201);
    expect(await recordedFor('conversation.started', at)).toEqual(['/b-all', '/b-inbox-1', '/platform']);

    const got = await received('offline_message.created', inbox2, since);
    expectBody(got.get('/a-inbox-2-or-3')!, 'offline_message.created', { account_id: 'acct-a', inbox_id: 'inbox-2' });
  });

  it('sends a contact of an account (no inbox) to its account-wide webhooks, with account_id alone', async () => {
    const since = Date.now();
    const at = new Date(since);
    await host.http.post('/contacts').send({ name: 'Di', accountId: 'acct-b' }).expect(201);
    const expected = ['/b-all', '/platform'];
    expect(await recordedFor('contact.created', at)).toEqual(expected);
    const got = await received('contact.created', expected, since);
    for (const path of expected) expectBody(got.get(path)!, 'contact.created', { account_id: 'acct-b' });
  });

  it("sends an event of no account to the platform-wide webhooks only, with exactly today's body", async () => {
    const since = Date.now();
    const at = new Date(since);
    await host.http.post('/contacts').send({ name: 'Ed' }).expect(201);
    expect(await recordedFor('contact.created', at)).toEqual(['/platform']);
    const got = await received('contact.created', ['/platform'], since);
    expectBody(got.get('/platform')!, 'contact.created', {});
    expect(Object.keys(JSON.parse(got.get('/platform')!.rawBody.toString()))).toEqual(['event', 'timestamp', 'data']);
  });

  it("gives an account's test delivery its account_id and first inbox", async () => {
    const id = [...ids].find(([, path]) => path === '/a-inbox-2-or-3')![0];
    const since = Date.now();
    await host.http.post(`${ADMIN}/${id}/test`).send({ event: 'tag.added' }).expect(200);
    const [req] = receiver.requests.filter((r) => r.at >= since && r.path === '/a-inbox-2-or-3');
    expectBody(req, 'tag.added', { account_id: 'acct-a', inbox_id: 'inbox-3' });
  });
});

async function waitUntil(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
