import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebhookEvent } from '../src/webhooks/index.js';
import { eventually } from './support/receiver-checks.js';
import { selfSignedCertificate } from './support/tls.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

/** A certificate the module does not trust (only the receivers' own test certificate is in `tls.ca`). */
function untrustedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'webhooks-untrusted-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'key.pem'),
      '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    ], { stdio: 'pipe' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function listen<T extends TcpServer | HttpsServer>(server: T, host = '127.0.0.1'): Promise<T> {
  return new Promise((resolve) => server.listen(0, host, () => resolve(server)));
}
const portOf = (server: TcpServer | HttpsServer) => (server.address() as AddressInfo).port;

describe('failed connections: each error says what went wrong', () => {
  let host: WebhooksHost;
  const servers: Array<TcpServer | HttpsServer> = [];
  let refusedPort: number;

  beforeAll(async () => {
    host = await bootWebhooksHost({ options: { requestTimeoutMs: 2_000, retryDelaysMs: [60_000] } });
    // A port that was just free: nothing listens there.
    const closed = await listen(createTcpServer());
    refusedPort = portOf(closed);
    await new Promise((r) => closed.close(r));
  });

  afterAll(async () => {
    await host?.close();
    for (const server of servers) {
      (server as HttpsServer).closeAllConnections?.();
      await new Promise((r) => server.close(r));
    }
  });

  async function testDelivery(url: string) {
    const created = await host.http.post(host.admin).send({ name: url.slice(0, 100), url, events: ['tag.added'] }).expect(201);
    const res = await host.http.post(`${host.admin}/${created.body.id}/test`).send({}).expect(200);
    expect(res.body).toMatchObject({ success: false, statusCode: null, responseBody: null });
    const logged = (await host.http.get(`${host.admin}/${created.body.id}/deliveries/${res.body.deliveryId}`).expect(200)).body;
    expect(logged).toMatchObject({ status: 'failed', isTest: true, error: res.body.error, attempts: 1 });
    return { webhookId: created.body.id as string, error: res.body.error as string };
  }

  it('connection refused', async () => {
    const { error } = await testDelivery(`https://127.0.0.1:${refusedPort}/hook`);
    expect(error).toBe(`Connection refused by 127.0.0.1:${refusedPort}: nothing accepts connections there`);
  });

  it('DNS: a name that does not resolve', async () => {
    const { error } = await testDelivery('https://no-such-receiver.invalid/hook');
    expect(error).toMatch(/^DNS lookup failed for no-such-receiver\.invalid \((ENOTFOUND|EAI_AGAIN|EAI_NONAME)\): the host name does not resolve$/);
  });

  it('TLS: a certificate nobody vouches for', async () => {
    const server = await listen(createHttpsServer(untrustedCertificate(), (_req, res) => res.end('ok')));
    servers.push(server);
    const { error } = await testDelivery(`https://127.0.0.1:${portOf(server)}/hook`);
    expect(error).toMatch(
      /^TLS handshake failed \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\): self[- ]signed certificate; the receiver's certificate is not trusted \(use one from a public CA, or add its CA to the tls\.ca option\)$/,
    );
  });

  it('TLS: a certificate for another name', async () => {
    // The trusted test certificate names 127.0.0.1 and localhost; this server answers on 127.0.0.2.
    const server = await listen(createHttpsServer(selfSignedCertificate(), (_req, res) => res.end('ok')), '127.0.0.2');
    servers.push(server);
    const { error } = await testDelivery(`https://127.0.0.2:${portOf(server)}/hook`);
    expect(error).toMatch(/^TLS handshake failed \(ERR_TLS_CERT_ALTNAME_INVALID\): .*127\.0\.0\.2.*; the receiver's certificate is not for this host name$/);
  });

  it('TLS: a server that does not speak TLS', async () => {
    const server = await listen(createTcpServer((socket) => socket.on('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'))));
    servers.push(server);
    const { error } = await testDelivery(`https://127.0.0.1:${portOf(server)}/hook`);
    expect(error).toMatch(/^TLS handshake failed \((ERR_SSL_WRONG_VERSION_NUMBER|ERR_SSL_PACKET_LENGTH_TOO_LONG|EPROTO)\): (wrong version number|packet length too long)/);
  });

  it('a receiver that hangs up without answering', async () => {
    const server = await listen(createHttpsServer(selfSignedCertificate(), (req) => req.socket.destroy()));
    servers.push(server);
    const { error } = await testDelivery(`https://127.0.0.1:${portOf(server)}/hook`);
    expect(error).toMatch(new RegExp(`^Connection closed by (127\\.0\\.0\\.1:${portOf(server)}|the receiver) before it answered \\((UND_ERR_SOCKET|ECONNRESET)\\)$`));
  });

  it('the worker logs the same errors and schedules a retry', async () => {
    const created = await host.http
      .post(host.admin)
      .send({ name: 'refused', url: `https://127.0.0.1:${refusedPort}/hook`, events: ['tag.added'] })
      .expect(201);
    await host.emitter.emitAsync(WebhookEvent.TagAdded, {
      conversation: { id: 1, visitorName: 'Ann', status: 'open', createdAt: new Date() },
      tag: 'vip',
    });
    const item = await eventually(async () => {
      const { items } = (await host.http.get(`${host.admin}/${created.body.id}/deliveries`).expect(200)).body;
      return items[0]?.attempts === 1 ? items[0] : undefined;
    }, 5_000, 'the first attempt');
    expect(item).toMatchObject({ status: 'retrying', statusCode: null, isTest: false });
    expect(item.error).toBe(`Connection refused by 127.0.0.1:${refusedPort}: nothing accepts connections there`);
    expect(Date.parse(item.nextAttemptAt) - Date.now()).toBeGreaterThan(50_000);
  });
});
