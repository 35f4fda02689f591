import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebhookEvent } from '../src/webhooks/index.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

const LIMIT = 65_536;
/** 5 MB: one ASCII byte, then two-byte characters, so that the limit falls inside a character. */
const HUGE = Buffer.from('a' + 'é'.repeat((5 * 1024 * 1024) / 2));

describe('a receiver that answers with a 5 MB body', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  const hooks: Record<string, string> = {};

  beforeAll(async () => {
    receiver = await HttpsReceiver.start((req, res) => {
      const status = req.path === '/huge-error' && receiver.received(req.path).length === 1 ? 500 : 200;
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': HUGE.length });
      res.end(HUGE);
    });
    host = await bootWebhooksHost({ options: { retryDelaysMs: [50] } });
    for (const path of ['/huge', '/huge-error']) {
      const created = await host.http
        .post(host.admin)
        .send({ name: path, url: receiver.url(path), events: ['message.sent'] })
        .expect(201);
      hooks[path] = created.body.id;
    }
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  const emit = (id: number) =>
    host.emitter.emitAsync(WebhookEvent.MessageSent, {
      message: { id, content: 'Hi', isFromAdmin: true, adminName: 'Eve', createdAt: new Date() },
      conversation: { id: 3, visitorName: 'Max', status: 'open', createdAt: new Date() },
    });

  it(`stores the body cut at maxResponseBodyBytes (${LIMIT}), at a character boundary`, async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    await emit(1);
    for (const path of ['/huge', '/huge-error']) {
      const item = await eventually(async () => {
        const { items } = (await host.http.get(`${host.admin}/${hooks[path]}/deliveries`).expect(200)).body;
        return items[0]?.status === 'success' ? items[0] : undefined;
      }, 10_000, `${path} to succeed`);
      const detail = (await host.http.get(`${host.admin}/${hooks[path]}/deliveries/${item.id}`).expect(200)).body;
      expect(detail.statusCode).toBe(200);
      const body = detail.responseBody as string;
      // 1 + 65,535 bytes: the half character at the limit is dropped, not turned into U+FFFD.
      expect(Buffer.byteLength(body)).toBe(LIMIT - 1);
      expect(body).toBe(HUGE.subarray(0, LIMIT - 1).toString('utf8'));
      expect(body).not.toContain('\uFFFD');
      // The failed first attempt of /huge-error was stored cut as well.
      if (path === '/huge-error') expect(detail.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 200]);
      // Each attempt's own copy of the answer is cut the same way.
      for (const a of detail.attemptLog) expect(a.responseBody).toBe(body);
    }
    // The rows hold the cut body, not 5 MB.
    const [row] = await host.dataSource.query('SELECT MAX(LENGTH(responseBody)) AS size FROM webhook_deliveries');
    expect(Number(row.size)).toBeLessThan(LIMIT + 100);
    // Not a 5 MB buffer per response kept around (three were received).
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(40 * 1024 * 1024);
  });

  it('stays healthy: the next deliveries go through as usual', async () => {
    const before = receiver.requests.length;
    await Promise.all([emit(2), emit(3)]);
    await receiver.waitFor(before + 4);
    const { items } = await eventually(async () => {
      const page = (await host.http.get(`${host.admin}/${hooks['/huge']}/deliveries`).expect(200)).body;
      return page.items.length === 3 && page.items.every((d: { status: string }) => d.status === 'success') ? page : undefined;
    }, 10_000, 'the later deliveries to succeed');
    expect(items.map((d: { attempts: number }) => d.attempts)).toEqual([1, 1, 1]);
  });
});
