import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HttpsReceiver } from './support/https-receiver.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

describe.each(['mariadb', 'postgres'] as const)('a receiver that answers JSON, on %s', (engine) => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  let answer = '';

  beforeAll(async () => {
    receiver = await HttpsReceiver.start((_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(answer));
    host = await bootWebhooksHost({ engine });
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  it.each(['{"received": true, "n": 1}', '"just a string"', '42', 'not json {'])('keeps the response body %s as the exact string it was', async (body) => {
    answer = body;
    const id = (await host.http.post(host.admin).send({ name: 'CRM', url: receiver.url(), events: ['*'] }).expect(201)).body.id;
    const test = await host.http.post(`${host.admin}/${id}/test`).send({}).expect(200);
    expect(test.body.responseBody).toBe(body);
    const detail = await host.http.get(`${host.admin}/${id}/deliveries/${test.body.deliveryId}`).expect(200);
    expect(detail.body.responseBody).toBe(body);
  });
});
