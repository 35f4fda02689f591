import type { WebhookHttpRequest, WebhookHttpResult, WebhookTransport } from '../webhooks.types.js';

/** One request the module would have sent. */
export interface WebhookTestRequest {
  url: string;
  /** Header names in lower case, as a receiver's `req.headers` has them. */
  headers: Record<string, string>;
  /** The raw body, exactly the bytes that are signed. */
  body: string;
  /** The body parsed: `{ event, timestamp, data }` (or the Slack/Discord shape). */
  json: any;
}

/** How the transport answers: a status code, or a fuller answer, or a failure with no answer. */
export type WebhookTestResponse =
  | number
  | {
      /** Default 200. */
      status?: number;
      body?: string;
      headers?: Record<string, string>;
      /** A request that got no answer (time-out, refused, ...): recorded as this error. */
      error?: string;
    };

export type WebhookTestResponder = (request: WebhookTestRequest) => WebhookTestResponse | Promise<WebhookTestResponse>;

export interface WebhookTestWaitOptions {
  /** How long to wait. Default 5000 ms. */
  timeoutMs?: number;
}

/**
 * A `transport` for a host's tests: records every request the module would send
 * instead of sending it, and answers 200 (or what `respondWith` says).
 *
 * ```ts
 * const transport = new WebhookTestTransport();
 * WebhooksModule.forRoot({ transport });
 * // ... the code under test emits events ...
 * const [request] = await transport.waitFor(1);
 * expect(request.json.event).toBe('conversation.started');
 * ```
 */
export class WebhookTestTransport implements WebhookTransport {
  /** Every request since the last `clear()`, oldest first. */
  readonly sent: WebhookTestRequest[] = [];
  private responder: WebhookTestResponder = () => 200;
  private waiters: Array<{ count: number; resolve: (sent: WebhookTestRequest[]) => void }> = [];

  /** Answer every following request with this status or answer, or with what `fn` returns for it. */
  respondWith(response: WebhookTestResponse | WebhookTestResponder): this {
    this.responder = typeof response === 'function' ? response : () => response;
    return this;
  }

  /**
   * Resolves with the first `count` requests once that many were sent (since the
   * last `clear()`); rejects after `timeoutMs`, saying how many came.
   */
  waitFor(count: number, { timeoutMs = 5_000 }: WebhookTestWaitOptions = {}): Promise<WebhookTestRequest[]> {
    if (this.sent.length >= count) return Promise.resolve(this.sent.slice(0, count));
    return new Promise((resolve, reject) => {
      const waiter = {
        count,
        resolve: (sent: WebhookTestRequest[]) => {
          clearTimeout(timer);
          resolve(sent);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const events = this.sent.map((r) => r.headers['x-webhook-event']).join(', ');
        reject(
          new Error(
            `WebhookTestTransport: waited ${timeoutMs} ms for ${count} webhook request(s), ${this.sent.length} came` +
              `${events ? ` (${events})` : ''}. Did the code under test await emitAsync, and does a webhook subscribe to the event?`,
          ),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Forgets the requests recorded so far (the answer set by `respondWith` stays). */
  clear(): void {
    this.sent.length = 0;
  }

  async send(request: WebhookHttpRequest): Promise<WebhookHttpResult> {
    const started = performance.now();
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
    let json: unknown;
    try {
      json = JSON.parse(request.body);
    } catch {
      json = undefined;
    }
    const recorded: WebhookTestRequest = { url: request.url, headers, body: request.body, json };
    this.sent.push(recorded);
    this.notify();

    let answer: WebhookTestResponse;
    try {
      answer = await this.responder(recorded);
    } catch (err) {
      answer = { error: `WebhookTestTransport responder threw: ${(err as Error)?.message ?? String(err)}` };
    }
    const durationMs = Math.round(performance.now() - started);
    const a = typeof answer === 'number' ? { status: answer } : answer;
    if (a.error !== undefined) {
      return { statusCode: null, durationMs, responseBody: null, responseHeaders: {}, error: a.error };
    }
    const responseHeaders = Object.fromEntries(Object.entries(a.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    return { statusCode: a.status ?? 200, durationMs, responseBody: a.body ?? '', responseHeaders, error: null };
  }

  private notify(): void {
    const ready = this.waiters.filter((w) => this.sent.length >= w.count);
    this.waiters = this.waiters.filter((w) => this.sent.length < w.count);
    for (const w of ready) w.resolve(this.sent.slice(0, w.count));
  }
}
