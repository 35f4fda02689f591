import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebhookEvent } from '../src/webhooks/index.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

/** A port on 127.0.0.1 where nothing listens: Redis is down for this host's Bull. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('an emit while Redis is down', () => {
  let host: WebhooksHost;

  beforeAll(async () => {
    host = await bootWebhooksHost({ redis: { host: '127.0.0.1', port: await closedPort() }, options: { processDeliveries: false } });
    await host.http.post(host.admin).send({ name: 'crm', url: 'https://127.0.0.1:9/hook', events: ['*'] }).expect(201);
  });

  afterAll(async () => {
    await Promise.race([host?.close(), new Promise((resolve) => setTimeout(resolve, 5000))]);
  });

  it('still returns, with the delivery row stored for the reconciler to queue later', async () => {
    const [ids] = (await host.emitter.emitAsync(WebhookEvent.ConversationStarted, { id: 1, visitorName: 'Ada' })) as string[][];
    expect(ids).toHaveLength(1);
    const rows = await host.dataSource.query('SELECT status, attempts FROM webhook_deliveries WHERE id = ?', [ids[0]]);
    expect(rows).toEqual([{ status: 'pending', attempts: 0 }]);
  }, 15_000);

  it('answers a resume with a 503 that says why, within a few seconds', async () => {
    const [webhook] = (await host.http.get(host.admin).expect(200)).body;
    const started = Date.now();
    const res = await host.http.post(`${host.admin}/${webhook.id}/resume`).expect(503);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(res.body.message).toEqual([expect.stringContaining('Redis did not answer')]);
  }, 15_000);
});
