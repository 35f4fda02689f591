import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebhookEvent } from '../src/webhooks/index.js';
import { header } from './support/delivery-support.js';
import { HttpsReceiver } from './support/https-receiver.js';
import type { ReceivedRequest } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

/** The schedule says 100 ms; Retry-After may stretch that up to the next-but-one delay, 3 s. */
const DELAYS = [100, 3_000, 3_000];

/** First answer per path, then 200. */
const FIRST_ANSWER: Record<string, (now: number) => { status: number; headers: Record<string, string> }> = {
  '/busy': () => ({ status: 429, headers: { 'retry-after': '1' } }),
  '/maintenance': (now) => ({
    status: 503,
    // An HTTP date on a whole second, 1 to 2 s from now.
    headers: { 'retry-after': new Date(Math.ceil((now + 1_000) / 1_000) * 1_000).toUTCString() },
  }),
  '/forever': () => ({ status: 429, headers: { 'retry-after': '3600' } }),
  '/plain-429': () => ({ status: 429, headers: {} }),
  '/500-with-retry-after': () => ({ status: 500, headers: { 'retry-after': '2' } }),
};

describe('429 and 503 with Retry-After', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  const hooks: Record<string, string> = {};
  const firstAnswers: Record<string, { status: number; headers: Record<string, string> }> = {};

  beforeAll(async () => {
    receiver = await HttpsReceiver.start((req, res) => {
      if (receiver.received(req.path).length === 1) {
        const answer = FIRST_ANSWER[req.path](Date.now());
        firstAnswers[req.path] = answer;
        return void res.writeHead(answer.status, answer.headers).end('come back later');
      }
      res.writeHead(200).end('ok');
    });
    host = await bootWebhooksHost({ options: { retryDelaysMs: DELAYS } });
    for (const path of Object.keys(FIRST_ANSWER)) {
      const created = await host.http
        .post(host.admin)
        .send({ name: path, url: receiver.url(path), events: ['conversation.rated'] })
        .expect(201);
      hooks[path] = created.body.id;
    }
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  const gap = (sent: ReceivedRequest[]) => sent[1].at - sent[0].at;

  it('waits as long as Retry-After says, instead of the schedule, with nextAttemptAt showing it', async () => {
    await host.emitter.emitAsync(WebhookEvent.ConversationRated, {
      conversation: { id: 9, visitorName: 'Bo', status: 'resolved', createdAt: new Date() },
      rating: 5,
    });

    // While /busy waits its second, the log says why and until when.
    await receiver.waitFor(1, { path: '/busy' });
    const waiting = await eventually(async () => {
      const { items } = (await host.http.get(`${host.admin}/${hooks['/busy']}/deliveries`).expect(200)).body;
      return items[0]?.attempts === 1 ? items[0] : undefined;
    }, 3_000, 'the 429 to be recorded');
    expect(waiting).toMatchObject({ status: 'retrying', statusCode: 429, error: 'HTTP 429 (Retry-After: 1; retrying in 1 s)' });
    const firstAt = receiver.received('/busy')[0].at;
    expect(Date.parse(waiting.nextAttemptAt) - firstAt).toBeGreaterThanOrEqual(1_000 - 20);
    expect(Date.parse(waiting.nextAttemptAt) - firstAt).toBeLessThan(1_100 + 500);

    // Retry-After in seconds: 1 s, not the scheduled 100 ms.
    const busy = await receiver.waitFor(2, { path: '/busy' });
    expect(gap(busy)).toBeGreaterThanOrEqual(1_000 - 20);
    expect(gap(busy)).toBeLessThan(1_100 + 700);
    expect(busy.map((r) => header(r, 'x-webhook-attempt'))).toEqual(['1', '2']);
    expect(header(busy[1], 'x-webhook-id')).toBe(header(busy[0], 'x-webhook-id'));

    // Retry-After as an HTTP date.
    const maintenance = await receiver.waitFor(2, { path: '/maintenance' });
    const asked = Date.parse(firstAnswers['/maintenance'].headers['retry-after']);
    expect(maintenance[1].at).toBeGreaterThanOrEqual(asked - 20);
    expect(gap(maintenance)).toBeGreaterThanOrEqual(1_000 - 20);
    expect(gap(maintenance)).toBeLessThan(2_200 + 700);

    // Without Retry-After, or on a status other than 429/503, the schedule holds.
    for (const path of ['/plain-429', '/500-with-retry-after']) {
      const sent = await receiver.waitFor(2, { path });
      expect(gap(sent)).toBeGreaterThanOrEqual(100 - 20);
      expect(gap(sent)).toBeLessThan(900);
    }
  });

  it('caps a long Retry-After at the next-but-one delay of the schedule', async () => {
    const forever = await receiver.waitFor(2, { path: '/forever', timeoutMs: 8_000 });
    expect(gap(forever)).toBeGreaterThanOrEqual(3_000 - 20);
    // 3 s plus its jitter, and room for a busy machine: an uncapped wait would be an hour.
    expect(gap(forever)).toBeLessThan(3_300 + 1_700);

    for (const path of Object.keys(FIRST_ANSWER)) {
      const item = await eventually(async () => {
        const { items } = (await host.http.get(`${host.admin}/${hooks[path]}/deliveries`).expect(200)).body;
        return items[0]?.status === 'success' ? items[0] : undefined;
      }, 5_000, `${path} to succeed`);
      expect(item).toMatchObject({ attempts: 2, statusCode: 200 });
    }
  });
});
