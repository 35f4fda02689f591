import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConsoleLogger } from '@nestjs/common';
import { WebhookEvent } from '../src/webhooks/index.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

class ErrorLog extends ConsoleLogger {
  readonly errors: string[] = [];
  override error(message: unknown, ...rest: unknown[]): void {
    this.errors.push([message, ...rest].map(String).join(' '));
  }
}

describe('a webhook deleted while one of its attempts is in flight', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  const log = new ErrorLog();
  let release: () => void = () => undefined;

  beforeAll(async () => {
    receiver = await HttpsReceiver.start(async (req, res) => {
      if (req.path === '/slow') await new Promise<void>((resolve) => (release = resolve));
      res.writeHead(200).end('ok');
    });
    host = await bootWebhooksHost({ logger: log });
  });

  afterAll(async () => {
    release();
    await host?.close();
    await receiver?.close();
  });

  it('drops the attempt quietly and goes on with other deliveries', async () => {
    const slow = await host.http.post(host.admin).send({ name: 'slow', url: receiver.url('/slow'), events: ['tag.added'] }).expect(201);
    await host.http.post(host.admin).send({ name: 'other', url: receiver.url('/other'), events: ['takeover.requested'] }).expect(201);

    const [[deliveryId]] = (await host.emitter.emitAsync(WebhookEvent.TagAdded, { conversation: { id: 1 }, tag: 'vip' })) as string[][];
    await receiver.waitFor(1, { path: '/slow' });
    await host.http.delete(`${host.admin}/${slow.body.id}`).expect(204);
    release();

    await host.emitter.emitAsync(WebhookEvent.TakeoverRequested, { conversation: { id: 2 } });
    await receiver.waitFor(1, { path: '/other' });
    await eventually(async () => {
      const [row] = await host.dataSource.query("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'success'");
      return Number(row.n) === 1 ? true : undefined;
    }, 10_000, 'the other delivery to be recorded');
    const attempts = await host.dataSource.query('SELECT * FROM webhook_delivery_attempts WHERE deliveryId = ?', [deliveryId]);
    expect(attempts).toEqual([]);
    expect(log.errors).toEqual([]);
  });
});
