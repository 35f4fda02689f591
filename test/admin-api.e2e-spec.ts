import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WEBHOOK_EVENT_NAMES } from '../src/webhooks/index.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

const WEBHOOK_KEYS = [
  'id', 'name', 'url', 'events', 'enabled', 'format', 'hasSecret', 'createdAt', 'updatedAt',
  'consecutiveFailures', 'disabledAt', 'disabledReason', 'rateLimit', 'ordering', 'pausedUntil',
  'description', 'source', 'accountId', 'inboxIds',
].sort();

describe('admin REST API', () => {
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

  const valid = () => ({ name: 'CRM', url: receiver.url(), secret: 'top-secret-value', events: ['conversation.started'] });

  it('creates, lists, reads, updates and deletes a webhook without ever showing its secret', async () => {
    const created = await host.http.post(host.admin).send(valid()).expect(201);
    expect(Object.keys(created.body).sort()).toEqual(WEBHOOK_KEYS);
    expect(created.body).toMatchObject({
      name: 'CRM',
      url: receiver.url(),
      events: ['conversation.started'],
      enabled: true,
      format: 'json',
      hasSecret: true,
      consecutiveFailures: 0,
      disabledAt: null,
      disabledReason: null,
      rateLimit: null,
      ordering: 'none',
      pausedUntil: null,
    });
    const id = created.body.id as string;

    const list = await host.http.get(host.admin).expect(200);
    expect(list.body.map((w: { id: string }) => w.id)).toContain(id);
    const one = await host.http.get(`${host.admin}/${id}`).expect(200);
    expect(one.body).toEqual(created.body);

    const patched = await host.http
      .patch(`${host.admin}/${id}`)
      .send({ name: 'CRM (prod)', events: ['*'], enabled: false, format: 'slack', secret: null })
      .expect(200);
    expect(patched.body).toMatchObject({ name: 'CRM (prod)', events: ['*'], enabled: false, format: 'slack', hasSecret: false });
    expect(patched.body.disabledReason).toBe('Disabled by an admin');
    expect(new Date(patched.body.disabledAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    const enabled = await host.http.patch(`${host.admin}/${id}`).send({ enabled: true }).expect(200);
    expect(enabled.body).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null, consecutiveFailures: 0 });
    expect(new Date(patched.body.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(created.body.updatedAt).getTime());
    const paced = await host.http.patch(`${host.admin}/${id}`).send({ rateLimit: 0.5 }).expect(200);
    expect(paced.body.rateLimit).toBe(0.5);
    expect((await host.http.get(`${host.admin}/${id}`).expect(200)).body.rateLimit).toBe(0.5);
    const unpaced = await host.http.patch(`${host.admin}/${id}`).send({ rateLimit: null }).expect(200);
    expect(unpaced.body.rateLimit).toBeNull();
    const ordered = await host.http.patch(`${host.admin}/${id}`).send({ ordering: 'conversation' }).expect(200);
    expect(ordered.body.ordering).toBe('conversation');
    expect((await host.http.get(`${host.admin}/${id}`).expect(200)).body.ordering).toBe('conversation');
    expect((await host.http.patch(`${host.admin}/${id}`).send({ ordering: 'none' }).expect(200)).body.ordering).toBe('none');
    const orderedFromStart = await host.http.post(host.admin).send({ ...valid(), ordering: 'conversation' }).expect(201);
    expect(orderedFromStart.body.ordering).toBe('conversation');
    await host.http.delete(`${host.admin}/${orderedFromStart.body.id}`).expect(204);

    for (const res of [created, list, one, patched]) expect(JSON.stringify(res.body)).not.toContain('top-secret-value');
    const [row] = await host.dataSource.query('SELECT secret FROM webhook_endpoints WHERE id = ?', [id]);
    expect(row.secret).toBeNull();

    await host.http.delete(`${host.admin}/${id}`).expect(204);
    await host.http.get(`${host.admin}/${id}`).expect(404);
    await host.http.delete(`${host.admin}/${id}`).expect(404);
  });

  it('keeps a description, a source fixed once created, an account and inboxes', async () => {
    const plain = await host.http.post(host.admin).send(valid()).expect(201);
    expect(plain.body).toMatchObject({ description: null, source: 'admin', accountId: null, inboxIds: [] });

    const zap = await host.http
      .post(host.admin)
      .send({ ...valid(), description: 'Leads to the CRM\nowned by sales', source: 'zapier', accountId: 'acct-1', inboxIds: ['w-1', 'w-2', 'w-1'] })
      .expect(201);
    expect(zap.body).toMatchObject({ description: 'Leads to the CRM\nowned by sales', source: 'zapier', accountId: 'acct-1', inboxIds: ['w-1', 'w-2'] });
    const id = zap.body.id as string;

    for (const body of [{ source: 'make' }, { source: 'zapier' }, { source: null }, { name: 'x', source: 'admin' }]) {
      const refused = await host.http.patch(`${host.admin}/${id}`).send(body).expect(400);
      expect(refused.body.message).toEqual([expect.stringMatching(/^source is set when the webhook is created and cannot be changed/)]);
    }
    const moved = await host.http.patch(`${host.admin}/${id}`).send({ accountId: 'acct-2' }).expect(400);
    expect(moved.body.message).toEqual([expect.stringMatching(/^accountId is set when the webhook is created and cannot be changed/)]);

    const patched = await host.http.patch(`${host.admin}/${id}`).send({ description: null, inboxIds: [] }).expect(200);
    expect(patched.body).toMatchObject({ description: null, source: 'zapier', accountId: 'acct-1', inboxIds: [] });

    const tooLong = await host.http.post(host.admin).send({ ...valid(), description: 'x'.repeat(501) }).expect(400);
    expect(tooLong.body.message).toEqual(['description must be at most 500 characters']);
    const longSource = await host.http.post(host.admin).send({ ...valid(), source: 's'.repeat(41) }).expect(400);
    expect(longSource.body.message).toEqual(['source must be at most 40 characters']);
    const badInbox = await host.http.post(host.admin).send({ ...valid(), inboxIds: [7] }).expect(400);
    expect(badInbox.body.message).toEqual(['inboxIds must be an array of strings']);
    const badAccount = await host.http.post(host.admin).send({ ...valid(), accountId: '' }).expect(400);
    expect(badAccount.body.message).toEqual(['accountId must not be empty']);

    const filtered = await host.http.get(host.admin).query({ accountId: 'acct-1' }).expect(200);
    expect(filtered.body.map((w: { id: string }) => w.id)).toEqual([id]);
    await host.http.delete(`${host.admin}/${id}`).expect(204);
    await host.http.delete(`${host.admin}/${plain.body.id}`).expect(204);
  });

  it('answers the event catalog with every event and a sample built by the mapper', async () => {
    const res = await host.http.get(`${host.admin}/events`).expect(200);
    expect(res.body.map((e: { name: string }) => e.name)).toEqual([...WEBHOOK_EVENT_NAMES]);
    for (const entry of res.body) {
      expect(typeof entry.description).toBe('string');
      expect(entry.samplePayload.event).toBe(entry.name);
      expect(typeof entry.samplePayload.data).toBe('object');
    }
  });

  it.each([
    ['an http URL', { url: 'http://example.com/hook' }, 'Webhook URL must use HTTPS'],
    ['an unknown event', { events: ['conversation.started', 'chat.exploded'] }, 'Invalid subscription event type'],
    ['a missing name', { name: undefined }, 'name'],
    ['an empty event list', { events: [] }, 'events'],
    ['a name with CRLF', { name: 'a\r\nX-Injected: 1' }, 'name'],
    ['a non-string url', { url: 42 }, 'url'],
    ['an unknown format', { format: 'xml' }, 'format'],
    ['a rateLimit below 0.1', { rateLimit: 0.05 }, 'rateLimit must be at least 0.1'],
    ['a rateLimit above 1000', { rateLimit: 5000 }, 'rateLimit must be at most 1000'],
    ['a rateLimit that is not a number', { rateLimit: 'fast' }, 'rateLimit must be a number'],
    ['an unknown ordering', { ordering: 'fifo' }, 'ordering must be one of none, conversation'],
    ['a null ordering', { ordering: null }, 'ordering must be one of none, conversation'],
    ['an unknown field', { colour: 'red' }, 'colour'],
    ['credentials in the URL', { url: 'https://user:pw@example.com/' }, 'credentials'],
    ['a javascript: URL', { url: 'javascript:alert(1)' }, 'url'],
  ])('refuses %s with 400 and a message naming it', async (_what, change, expected) => {
    const body = { ...valid(), ...change } as Record<string, unknown>;
    for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
    const res = await host.http.post(host.admin).send(body).expect(400);
    expect(res.body.statusCode).toBe(400);
    expect(res.body.error).toBe('Bad Request');
    // Always an array of strings, whichever check refused it.
    expect(res.body.message).toEqual(expect.arrayContaining([expect.any(String)]));
    expect(res.body.message.every((m: unknown) => typeof m === 'string')).toBe(true);
    expect(JSON.stringify(res.body.message)).toContain(expected);
    if ('url' in change) expect(res.body.message[0]).toMatch(/^url /); // names the field it is about
    const count = await host.dataSource.query('SELECT COUNT(*) AS n FROM webhook_endpoints WHERE name LIKE ?', ['a%X-Injected%']);
    expect(Number(count[0].n)).toBe(0);
  });

  it('refuses an invalid change and keeps the webhook as it was', async () => {
    const { body: created } = await host.http.post(host.admin).send(valid()).expect(201);
    const res = await host.http.patch(`${host.admin}/${created.id}`).send({ url: 'http://example.com/' }).expect(400);
    expect(res.body.message).toEqual([expect.stringMatching(/^url must use HTTPS: Webhook URL must use HTTPS/)]);
    await host.http.patch(`${host.admin}/${created.id}`).send({ events: ['nope'] }).expect(400, /Invalid subscription event type/);
    await host.http.patch(`${host.admin}/${created.id}`).send({ ordering: 'strict' }).expect(400, /ordering must be one of none, conversation/);
    const { body: after } = await host.http.get(`${host.admin}/${created.id}`).expect(200);
    expect(after).toEqual(created);
  });

  it.each([
    ['GET', ''],
    ['PATCH', ''],
    ['DELETE', ''],
    ['GET', '/secret'],
    ['POST', '/test'],
    ['GET', '/deliveries'],
  ])('answers %s /:id%s for an unknown id with 404 Webhook not found', async (method, suffix) => {
    const path = `${host.admin}/00000000-0000-4000-8000-000000000000${suffix}`;
    const req = method === 'GET' ? host.http.get(path) : method === 'PATCH' ? host.http.patch(path).send({ name: 'x' }) : method === 'DELETE' ? host.http.delete(path) : host.http.post(path).send({});
    const res = await req.expect(404);
    expect(res.body).toEqual({ statusCode: 404, message: 'Webhook not found', error: 'Not Found' });
  });

  it('reveals the secret only on its own route', async () => {
    const { body } = await host.http.post(host.admin).send(valid()).expect(201);
    const res = await host.http.get(`${host.admin}/${body.id}/secret`).expect(200);
    expect(res.body).toEqual({ secret: 'top-secret-value' });
    const none = await host.http.post(host.admin).send({ ...valid(), secret: undefined }).expect(201);
    expect((await host.http.get(`${host.admin}/${none.body.id}/secret`).expect(200)).body).toEqual({ secret: null });
  });
});

describe('admin API with private networks refused (the default)', () => {
  let host: WebhooksHost;

  beforeAll(async () => {
    host = await bootWebhooksHost({ options: { allowPrivateNetworks: false } });
  });

  afterAll(async () => {
    await host?.close();
  });

  it.each(['https://127.0.0.1/hook', 'https://10.0.0.5/hook', 'https://169.254.169.254/latest/meta-data', 'https://localhost/hook', 'https://[::1]/hook'])(
    'refuses %s with 400 mentioning private',
    async (url) => {
      const res = await host.http.post(host.admin).send({ name: 'x', url, events: ['*'] }).expect(400);
      expect(res.body.message).toEqual([expect.stringMatching(/^url .*private/)]);
    },
  );
});
