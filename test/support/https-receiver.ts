import { createServer } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { selfSignedCertificate } from './tls.js';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  body: unknown;
  at: number;
}

export type ReceiverReply = (req: ReceivedRequest, res: ServerResponse) => void | Promise<void>;

/** A real HTTPS server on 127.0.0.1 that records every request, byte for byte. */
export class HttpsReceiver {
  readonly requests: ReceivedRequest[] = [];
  private server?: Server;
  private waiters: Array<() => void> = [];
  reply: ReceiverReply = (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  };

  static async start(reply?: ReceiverReply): Promise<HttpsReceiver> {
    const receiver = new HttpsReceiver();
    if (reply) receiver.reply = reply;
    await receiver.listen();
    return receiver;
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  url(path = '/hook'): string {
    return `https://127.0.0.1:${this.port}${path}`;
  }

  /** Requests whose path is `path` (all when omitted). */
  received(path?: string): ReceivedRequest[] {
    return path ? this.requests.filter((r) => r.path === path) : this.requests;
  }

  /** Resolves once `count` requests (to `path`, if given) have arrived; rejects after `timeoutMs`. */
  async waitFor(count: number, { path, timeoutMs = 10_000 }: { path?: string; timeoutMs?: number } = {}): Promise<ReceivedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received(path).length < count) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`Expected ${count} requests${path ? ` to ${path}` : ''} within ${timeoutMs} ms, got ${this.received(path).length}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received(path).slice(0, count);
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private listen(): Promise<void> {
    const { key, cert } = selfSignedCertificate();
    this.server = createServer({ key, cert }, (req, res) => void this.handle(req, res));
    return new Promise((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      body = undefined;
    }
    const record: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, rawBody, body, at: Date.now() };
    this.requests.push(record);
    try {
      await this.reply(record, res);
    } catch {
      if (!res.headersSent) res.writeHead(500).end();
    }
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
  }
}
