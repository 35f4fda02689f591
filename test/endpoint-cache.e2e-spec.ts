import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebhookEndpointCache } from '../src/webhooks/endpoints/webhook-endpoint.cache.js';
import { resolveEventScope } from '../src/webhooks/events/webhook-event.scope.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

/** Two processes of one install (an API node and a worker): one database, one queue. */
describe("the webhooks' in-memory copy, across two processes", () => {
  let api: WebhooksHost;
  let worker: WebhooksHost;

  beforeAll(async () => {
    api = await bootWebhooksHost({ options: { processDeliveries: false } });
    worker = await bootWebhooksHost({ database: api.database, queuePrefix: api.queuePrefix });
  });

  afterAll(async () => {
    await worker?.app.close();
    await api?.close();
  });

  const create = async (name: string): Promise<string> =>
    (await api.http.post(api.admin).send({ name, url: `https://127.0.0.1:9/${name}`, events: ['*'] }).expect(201)).body.id;

  it("drops the other process's copy when an admin writes", async () => {
    const copy = worker.app.get(WebhookEndpointCache);
    const first = await create('first');
    expect(await copy.get(first)).toBeDefined(); // the worker's copy is loaded now, with `first`

    const second = await create('second');
    await api.endpointsSettled(); // the API node's announcement has gone out...
    await worker.endpointsSettled(); // ...and the worker has handled it
    // `second` comes in the load that follows the drop (not a reload on a miss: that waits a second).
    const loaded = await copy.subscribed('tag.added', resolveEventScope(null));
    expect(loaded.map((w) => w.id).sort()).toEqual([first, second].sort());
  });

  it("keeps the copy a process loaded after its own write when that write's message comes back", async () => {
    const copy = api.app.get(WebhookEndpointCache);
    const id = await create('own');
    await api.endpointsSettled(); // the create's message is handled: what follows is the only one
    // A write ends as every admin write does; the copy is loaded again at once, before its message can come back.
    copy.invalidate();
    const loaded = await copy.get(id);
    expect(loaded).toBeDefined();
    await api.endpointsSettled(); // its own message has come back now
    // Gone from the database, yet the copy still holds the same object: nothing dropped it.
    await api.dataSource.query('DELETE FROM webhook_endpoints WHERE id = ?', [id]);
    expect(await copy.get(id)).toBe(loaded);
  });
});
