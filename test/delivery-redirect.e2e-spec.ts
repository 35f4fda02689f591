import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebhookEvent } from '../src/webhooks/index.js';
import { header, sleep } from './support/delivery-support.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

const STATUSES = [301, 302, 307, 308];

describe('a receiver that redirects', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  const hooks = new Map<number, string>();

  beforeAll(async () => {
    receiver = await HttpsReceiver.start((req, res) => {
      const status = Number(/^\/moved-(\d+)$/.exec(req.path)?.[1]);
      if (status) res.writeHead(status, { location: receiver.url('/target') }).end();
      else res.writeHead(200).end('target reached');
    });
    host = await bootWebhooksHost({ options: { retryDelaysMs: [50, 50] } });
    for (const status of STATUSES) {
      const created = await host.http
        .post(host.admin)
        .send({ name: `moved ${status}`, url: receiver.url(`/moved-${status}`), events: ['contact.banned'] })
        .expect(201);
      hooks.set(status, created.body.id);
    }
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  it('counts a 3xx as a failure, never follows it, and the target receives nothing', async () => {
    await host.emitter.emitAsync(WebhookEvent.ContactBanned, { id: 'c-1', name: 'Spammer', createdAt: new Date() });

    for (const status of STATUSES) {
      const sent = await receiver.waitFor(3, { path: `/moved-${status}` });
      expect(sent.map((r) => header(r, 'x-webhook-attempt'))).toEqual(['1', '2', '3']);
      const [item] = await eventually(async () => {
        const { items } = (await host.http.get(`${host.admin}/${hooks.get(status)}/deliveries`).expect(200)).body;
        return items[0]?.status === 'failed' ? items : undefined;
      }, 5_000, `the ${status} delivery to fail`);
      expect(item).toMatchObject({ attempts: 3, statusCode: status });
      expect(item.error).toBe(`HTTP ${status}: redirects are not followed; point the webhook at the final URL`);
      const detail = (await host.http.get(`${host.admin}/${hooks.get(status)}/deliveries/${item.id}`).expect(200)).body;
      expect(detail.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([status, status, status]);
    }
    await sleep(200);
    expect(receiver.received('/target')).toHaveLength(0);
    expect(receiver.requests).toHaveLength(STATUSES.length * 3);
  });
});
