import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebhookEvent } from '../src/webhooks/index.js';
import { header } from './support/delivery-support.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

const TIMEOUT_MS = 400;

describe('a receiver too slow for requestTimeoutMs', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  const hooks: Record<string, string> = {};
  let fastAfter = Infinity;

  beforeAll(async () => {
    receiver = await HttpsReceiver.start(async (req, res) => {
      const late = receiver.received(req.path).length <= fastAfter;
      if (req.path === '/slow-headers') {
        // Answers, but only after three times the time-out.
        await new Promise((r) => setTimeout(r, late ? TIMEOUT_MS * 3 : 0));
        if (!res.destroyed) res.writeHead(200).end('too late');
      } else {
        // Sends its status at once, then dribbles the body past the time-out.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial ');
        await new Promise((r) => setTimeout(r, late ? TIMEOUT_MS * 3 : 0));
        if (!res.destroyed) res.end('body');
      }
    });
    host = await bootWebhooksHost({ options: { requestTimeoutMs: TIMEOUT_MS, retryDelaysMs: [100] } });
    for (const path of ['/slow-headers', '/slow-body']) {
      const created = await host.http
        .post(host.admin)
        .send({ name: path, url: receiver.url(path), events: ['takeover.requested'] })
        .expect(201);
      hooks[path] = created.body.id;
    }
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  it('fails each attempt at the time-out with an error that says so, retries, then gives up', async () => {
    await host.emitter.emitAsync(WebhookEvent.TakeoverRequested, { conversation: { id: 5, visitorName: 'Lin', status: 'open', createdAt: new Date() } });

    for (const [path, phase] of [
      ['/slow-headers', 'waiting for the response'],
      ['/slow-body', 'reading the response body'],
    ]) {
      const sent = await receiver.waitFor(2, { path });
      expect(sent.map((r) => header(r, 'x-webhook-attempt'))).toEqual(['1', '2']);
      const [item] = await eventually(async () => {
        const { items } = (await host.http.get(`${host.admin}/${hooks[path]}/deliveries`).expect(200)).body;
        return items[0]?.status === 'failed' ? items : undefined;
      }, 10_000, `the ${path} delivery to fail`);
      const detail = (await host.http.get(`${host.admin}/${hooks[path]}/deliveries/${item.id}`).expect(200)).body;
      expect(detail).toMatchObject({ status: 'failed', attempts: 2, statusCode: null, responseBody: null });
      expect(detail.error).toBe(`Timed out after ${TIMEOUT_MS} ms (${phase})`);
      for (const attempt of detail.attemptLog) {
        expect(attempt).toMatchObject({ statusCode: null, error: `Timed out after ${TIMEOUT_MS} ms (${phase})` });
        // Cut at the time-out, not when the receiver finally answered (3 × the time-out).
        expect(attempt.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
        expect(attempt.durationMs).toBeLessThan(TIMEOUT_MS * 2.5);
      }
    }
  });

  it('keeps working: the same receivers, answering in time, get their deliveries', async () => {
    fastAfter = 0;
    const before = receiver.requests.length;
    await host.emitter.emitAsync(WebhookEvent.TakeoverRequested, { conversation: { id: 6, visitorName: 'Lin', status: 'open', createdAt: new Date() } });
    await receiver.waitFor(before + 2);
    for (const path of ['/slow-headers', '/slow-body']) {
      const item = await eventually(async () => {
        const { items } = (await host.http.get(`${host.admin}/${hooks[path]}/deliveries`).expect(200)).body;
        return items[0]?.status === 'success' ? items[0] : undefined;
      }, 5_000, `the ${path} delivery to succeed`);
      expect(item).toMatchObject({ attempts: 1, statusCode: 200, error: null });
    }
  });
});
