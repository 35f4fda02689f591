import { HttpService } from '@nestjs/axios';
import { Inject, Injectable } from '@nestjs/common';
import type { OnModuleDestroy } from '@nestjs/common';
import { firstValueFrom } from 'rxjs';
import { Agent } from 'undici';
import { WebhookUrlPolicy } from '../security/webhook-url.policy.js';
import { WEBHOOKS_RESOLVED_OPTIONS } from '../webhooks.constants.js';
import type { ResolvedWebhooksOptions } from '../webhooks.options.js';
import { createUndiciAdapter } from './undici-axios.adapter.js';

export interface WebhookHttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface WebhookHttpResult {
  /** The HTTP status, or null when no response came. */
  statusCode: number | null;
  durationMs: number;
  /** The response body cut at `maxResponseBodyBytes`; null when no response came. */
  responseBody: string | null;
  responseHeaders: Record<string, string>;
  /** Why no response came (time-out, refused, TLS, DNS, blocked address). */
  error: string | null;
}

/**
 * Sends one webhook request and reports what happened. It never throws for a
 * failed request: every outcome is a result to record.
 */
@Injectable()
export class WebhookHttpSender implements OnModuleDestroy {
  private readonly agent: Agent;
  private readonly adapter;

  constructor(
    private readonly http: HttpService,
    private readonly urlPolicy: WebhookUrlPolicy,
    @Inject(WEBHOOKS_RESOLVED_OPTIONS) private readonly options: ResolvedWebhooksOptions,
  ) {
    this.agent = new Agent({
      connections: Math.max(8, options.concurrency),
      keepAliveTimeout: 30_000,
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
      connect: {
        timeout: options.requestTimeoutMs,
        lookup: urlPolicy.lookup,
        ...(options.tls.ca ? { ca: options.tls.ca } : {}),
      } as Agent.Options['connect'],
    });
    this.adapter = createUndiciAdapter({ dispatcher: this.agent, maxBodyBytes: options.maxResponseBodyBytes });
  }

  async send(request: WebhookHttpRequest): Promise<WebhookHttpResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      // Checked here too: a name is checked by the agent's lookup, an IP literal never reaches it.
      const url = this.urlPolicy.parse(request.url);
      this.urlPolicy.assertAddress(url.hostname, url.hostname.replace(/^\[|\]$/g, ''));
    } catch (err) {
      return this.failure(elapsed(), (err as Error).message);
    }
    try {
      const response = await firstValueFrom(
        this.http.request<string>({
          url: request.url,
          method: 'POST',
          headers: request.headers,
          data: request.body,
          timeout: this.options.requestTimeoutMs,
          maxRedirects: 0,
          responseType: 'text',
          transformRequest: [(data: unknown) => data],
          transformResponse: [(data: unknown) => data],
          validateStatus: () => true,
          adapter: this.adapter,
        }),
      );
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (typeof value === 'string') headers[name.toLowerCase()] = value;
      }
      return {
        statusCode: response.status,
        durationMs: elapsed(),
        responseBody: response.data ?? '',
        responseHeaders: headers,
        error: null,
      };
    } catch (err) {
      return this.failure(elapsed(), describeSendError(err, this.options.requestTimeoutMs));
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.agent.close();
  }

  private failure(durationMs: number, error: string): WebhookHttpResult {
    return { statusCode: null, durationMs, responseBody: null, responseHeaders: {}, error };
  }
}

const TLS_CODES = /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_SSL/;

/** A short, specific error text: what failed, so the admin knows what to fix. */
export function describeSendError(err: unknown, timeoutMs: number): string {
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException & { hostname?: string } };
  const inner = e.cause && typeof e.cause === 'object' ? e.cause : e;
  const code = inner.code ?? e.code ?? '';
  const message = inner.message ?? String(err);
  if (inner.name === 'WebhookBlockedAddressError' || e.name === 'WebhookBlockedAddressError') return message;
  if (code === 'ETIMEDOUT' || code.startsWith('UND_ERR_') && code.includes('TIMEOUT')) {
    return `Timed out after ${timeoutMs} ms (${code === 'UND_ERR_CONNECT_TIMEOUT' ? 'connecting' : 'waiting for the response'})`;
  }
  if (code === 'ECONNREFUSED') return `Connection refused: ${message}`;
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return `Connection reset by the receiver: ${message}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL') {
    return `DNS lookup failed: ${message}`;
  }
  if (TLS_CODES.test(code)) return `TLS error (${code}): ${message}`;
  return code ? `${code}: ${message}` : message;
}
