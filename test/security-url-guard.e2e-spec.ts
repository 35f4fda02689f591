import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookEvent } from '../src/webhooks/index.js';
import { FakeDns } from './support/fake-dns.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

/** Every private spelling of the issue; each must be refused on create and on update. */
const PRIVATE_URLS = [
  'https://127.0.0.1/hook',
  'https://127.1/hook',
  'https://0x7f000001/hook',
  'https://2130706433/hook',
  'https://0177.0.0.1/hook',
  'https://[::1]/hook',
  'https://[::ffff:127.0.0.1]/hook',
  'https://[::ffff:7f00:1]/hook',
  'https://[64:ff9b::127.0.0.1]/hook',
  'https://[64:ff9b::a9fe:a9fe]/latest/meta-data/',
  'https://[2002:7f00:1::]/hook',
  'https://[2002:a9fe:a9fe::]/latest/meta-data/',
  'https://0.0.0.0/hook',
  'https://10.0.0.5/hook',
  'https://172.16.0.1/hook',
  'https://192.168.1.1/hook',
  'https://100.64.0.1/hook',
  'https://169.254.169.254/latest/meta-data/',
  'https://[fd00:ec2::254]/latest/meta-data/',
  'https://[fe80::1]/hook',
  'https://224.0.0.1/hook',
  'https://255.255.255.255/hook',
  'https://192.0.2.10/hook',
  'https://localhost/hook',
  'https://metadata.google.internal/computeMetadata/v1/',
  'https://split.example/hook',
];

function plainHttpServer(): Promise<{ server: Server; port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200).end('ok');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port, hits })),
  );
}

describe('URL guard with private networks refused (the default)', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  const dns = new FakeDns({
    'public.example': ['93.184.216.34'],
    'localhost': ['127.0.0.1', '::1'],
    'metadata.google.internal': ['169.254.169.254'],
    'split.example': ['93.184.216.34', '10.0.0.7'],
  });
  let publicId: string;

  const count = async () => Number((await host.dataSource.query('SELECT COUNT(*) AS n FROM webhook_endpoints'))[0].n);

  beforeAll(async () => {
    receiver = await HttpsReceiver.start();
    host = await bootWebhooksHost({ options: { allowPrivateNetworks: false, dnsLookup: dns.lookup } });
    // Disabled: it is only there to be changed, never sent to.
    const created = await host.http
      .post(host.admin)
      .send({ name: 'Public', url: 'https://public.example/hook', events: ['*'], enabled: false })
      .expect(201);
    publicId = created.body.id;
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  it.each(PRIVATE_URLS)('refuses to create a webhook to %s: 400 mentioning private, nothing stored', async (url) => {
    const before = await count();
    const res = await host.http.post(host.admin).send({ name: 'Probe', url, events: ['*'] }).expect(400);
    expect(res.body).toEqual({ statusCode: 400, message: [expect.stringMatching(/^url .*private/)], error: 'Bad Request' });
    expect(await count()).toBe(before);
  });

  it.each(PRIVATE_URLS)('refuses to move a webhook to %s: 400 mentioning private, the webhook unchanged', async (url) => {
    const res = await host.http.patch(`${host.admin}/${publicId}`).send({ url }).expect(400);
    expect(res.body.message).toEqual([expect.stringMatching(/^url .*private/)]);
    const { body } = await host.http.get(`${host.admin}/${publicId}`).expect(200);
    expect(body.url).toBe('https://public.example/hook');
  });

  it('blocks a name that resolved to a public address on create and to loopback at delivery (DNS rebinding)', async () => {
    dns.set('localhost', ['93.184.216.34']);
    const created = await host.http
      .post(host.admin)
      .send({ name: 'Rebinding', url: `https://localhost:${receiver.port}/rebind`, events: ['conversation.started'] })
      .expect(201);
    dns.set('localhost', ['127.0.0.1']);
    const asked = dns.count('localhost');

    const test = await host.http.post(`${host.admin}/${created.body.id}/test`).send({}).expect(200);
    expect(test.body.success).toBe(false);
    expect(test.body.statusCode).toBeNull();
    expect(test.body.error).toContain('private');
    expect(test.body.error).toContain('localhost (127.0.0.1) is loopback');
    expect(dns.count('localhost')).toBeGreaterThan(asked); // resolved again at connect time

    await host.emitter.emitAsync(WebhookEvent.ConversationStarted, {
      id: 1, visitorName: 'Eve', status: 'open', createdAt: new Date(),
    });
    const failed = await eventually(async () => {
      const { body } = await host.http.get(`${host.admin}/${created.body.id}/deliveries?event=conversation.started`).expect(200);
      return body.items[0]?.attempts >= 1 ? body.items[0] : undefined;
    }, 10_000, 'the event delivery to be attempted');
    expect(failed.status).toBe('retrying');
    expect(failed.error).toContain('private');
    expect(receiver.received('/rebind')).toHaveLength(0);
  });

  it('blocks an IP literal put into a stored row behind the API, before connecting', async () => {
    dns.set('localhost', ['93.184.216.34']);
    const created = await host.http
      .post(host.admin)
      .send({ name: 'Literal', url: `https://localhost:${receiver.port}/literal`, events: ['tag.added'] })
      .expect(201);
    for (const literal of ['127.0.0.1', '[::ffff:127.0.0.1]', '2130706433']) {
      await host.dataSource.query('UPDATE webhook_endpoints SET url = ? WHERE id = ?', [
        `https://${literal}:${receiver.port}/literal`,
        created.body.id,
      ]);
      host.forgetEndpoints();
      const test = await host.http.post(`${host.admin}/${created.body.id}/test`).send({}).expect(200);
      expect(test.body.success).toBe(false);
      expect(test.body.error).toContain('private');
    }
    expect(receiver.received('/literal')).toHaveLength(0);
  });
});

describe('URL guard with an allow-list of trusted internal hosts', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  const dns = new FakeDns({ localhost: ['127.0.0.1'], 'other.internal': ['10.0.0.9'] });

  beforeAll(async () => {
    receiver = await HttpsReceiver.start();
    host = await bootWebhooksHost({
      options: { allowPrivateNetworks: false, allowedHosts: ['localhost', '127.0.0.0/8'], dnsLookup: dns.lookup },
    });
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  it('delivers to an allowed host name, resolving it through dnsLookup at connect time', async () => {
    const created = await host.http
      .post(host.admin)
      .send({ name: 'n8n', url: `https://localhost:${receiver.port}/named`, events: ['*'] })
      .expect(201);
    const test = await host.http.post(`${host.admin}/${created.body.id}/test`).send({}).expect(200);
    expect(test.body).toMatchObject({ success: true, statusCode: 200, error: null });
    expect(receiver.received('/named')).toHaveLength(1);
    expect(dns.count('localhost')).toBeGreaterThanOrEqual(1);
  });

  it('delivers to an address in an allowed network', async () => {
    const created = await host.http
      .post(host.admin)
      .send({ name: 'sidecar', url: `${receiver.url('/cidr')}`, events: ['*'] })
      .expect(201);
    const test = await host.http.post(`${host.admin}/${created.body.id}/test`).send({}).expect(200);
    expect(test.body).toMatchObject({ success: true, statusCode: 200 });
    expect(receiver.received('/cidr')).toHaveLength(1);
  });

  it('still refuses private addresses outside the list', async () => {
    for (const url of ['https://10.0.0.5/x', 'https://other.internal/x', 'https://169.254.169.254/', 'https://[::1]/x']) {
      const res = await host.http.post(host.admin).send({ name: 'x', url, events: ['*'] }).expect(400);
      expect(res.body.message).toEqual([expect.stringMatching(/^url .*private/)]);
    }
  });
});

describe('requireHttps and the URL form at delivery', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  let plain: Awaited<ReturnType<typeof plainHttpServer>>;

  beforeAll(async () => {
    receiver = await HttpsReceiver.start();
    plain = await plainHttpServer();
    host = await bootWebhooksHost(); // private networks allowed, requireHttps by default
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
    await new Promise((resolve) => plain?.server.close(resolve));
  });

  it('does not send to a stored URL that became http, nor one that gained credentials', async () => {
    const created = await host.http
      .post(host.admin)
      .send({ name: 'Downgraded', url: receiver.url('/https'), secret: 'downgrade-secret', events: ['*'] })
      .expect(201);
    const id = created.body.id;

    await host.dataSource.query('UPDATE webhook_endpoints SET url = ? WHERE id = ?', [`http://127.0.0.1:${plain.port}/plain`, id]);
    host.forgetEndpoints();
    const http = await host.http.post(`${host.admin}/${id}/test`).send({}).expect(200);
    expect(http.body).toMatchObject({ success: false, statusCode: null, error: 'Webhook URL must use HTTPS' });

    await host.dataSource.query('UPDATE webhook_endpoints SET url = ? WHERE id = ?', [`https://user:pw@127.0.0.1:${receiver.port}/creds`, id]);
    host.forgetEndpoints();
    const creds = await host.http.post(`${host.admin}/${id}/test`).send({}).expect(200);
    expect(creds.body.success).toBe(false);
    expect(creds.body.error).toContain('credentials');

    expect(plain.hits).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
    const { body } = await host.http.get(`${host.admin}/${id}/deliveries`).expect(200);
    expect(body.items.map((d: { error: string }) => d.error)).toEqual([expect.stringContaining('credentials'), 'Webhook URL must use HTTPS']);
  });

  it('sends over http only when requireHttps is false', async () => {
    const lax = await bootWebhooksHost({ options: { requireHttps: false } });
    try {
      const created = await lax.http
        .post(lax.admin)
        .send({ name: 'Plain', url: `http://127.0.0.1:${plain.port}/allowed`, events: ['*'] })
        .expect(201);
      const test = await lax.http.post(`${lax.admin}/${created.body.id}/test`).send({}).expect(200);
      expect(test.body).toMatchObject({ success: true, statusCode: 200 });
      expect(plain.hits).toEqual(['/allowed']);
    } finally {
      await lax.close();
    }
  });
});
