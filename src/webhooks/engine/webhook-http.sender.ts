import { HttpService } from '@nestjs/axios';
import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { createSecureContext } from 'node:tls';
import { Agent } from 'undici';
import { WebhookUrlPolicy } from '../security/webhook-url.policy.js';
import { WEBHOOKS_RESOLVED_OPTIONS } from '../webhooks.constants.js';
import type { ResolvedWebhooksOptions } from '../webhooks.options.js';
import type { WebhookHttpRequest, WebhookHttpResult, WebhookTransport } from '../webhooks.types.js';
import { createUndiciAdapter } from './undici-axios.adapter.js';

/**
 * Sends one webhook request and reports what happened. It never throws for a
 * failed request: every outcome is a result to record.
 */
@Injectable()
export class WebhookHttpSender implements WebhookTransport, OnApplicationShutdown {
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
        // One context for every connection: the CAs (Node's own and the given ones, some 140) are parsed once, not per connection.
        ...(options.tls.ca ? { secureContext: createSecureContext({ ca: options.tls.ca }) } : {}),
      } as Agent.Options['connect'],
    });
    this.adapter = createUndiciAdapter({ dispatcher: this.agent, maxBodyBytes: options.maxResponseBodyBytes });
  }

  async send(request: WebhookHttpRequest): Promise<WebhookHttpResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      // The form and requireHttps again (the stored row may have changed) and an IP literal's
      // address, which never reaches the agent's lookup; names are checked there as they connect.
      this.urlPolicy.checkBeforeConnect(request.url);
    } catch (err) {
      return { ...this.failure(elapsed(), (err as Error).message), transient: false };
    }
    try {
      // `axiosRef` directly: HttpService's Observable wrapper adds nothing to one request but cost.
      // The module's own instance (createWebhookHttpService): text out, any status an answer, no redirects.
      const response = await this.http.axiosRef.request<string>({
        url: request.url,
        method: 'POST',
        headers: request.headers,
        data: request.body,
        timeout: this.options.requestTimeoutMs,
        adapter: this.adapter,
      });
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
      const blocked = (err as { name?: string; cause?: { name?: string } })?.name === 'WebhookBlockedAddressError' ||
        (err as { cause?: { name?: string } })?.cause?.name === 'WebhookBlockedAddressError';
      return { ...this.failure(elapsed(), describeSendError(err, this.options.requestTimeoutMs)), ...(blocked ? { transient: false } : {}) };
    }
  }

  /** Last, after the worker has let its attempts in flight finish (`beforeApplicationShutdown`). */
  async onApplicationShutdown(): Promise<void> {
    if (!this.agent.closed && !this.agent.destroyed) await this.agent.close();
  }

  private failure(durationMs: number, error: string): WebhookHttpResult {
    return { statusCode: null, durationMs, responseBody: null, responseHeaders: {}, error };
  }
}

const TLS_CODES = /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|EPROTO/;
const CERTIFICATE_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/;
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ENODATA', 'ESERVFAIL', 'ETIMEOUT']);
const TIMEOUT_PHASES: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'connecting',
  UND_ERR_HEADERS_TIMEOUT: 'waiting for the response',
  UND_ERR_BODY_TIMEOUT: 'reading the response body',
};

type SendError = NodeJS.ErrnoException & { hostname?: string; address?: string; port?: number; phase?: string };

/**
 * A short, specific error text for a request that got no response: what failed
 * (time-out, refused, reset, DNS, TLS, blocked address), so the admin knows what to fix.
 */
export function describeSendError(err: unknown, timeoutMs: number): string {
  const e = (err ?? {}) as SendError & { cause?: SendError };
  const inner: SendError = e.cause && typeof e.cause === 'object' && e.cause.code ? e.cause : e;
  const code = String(inner.code ?? e.code ?? '');
  const message = String(inner.message ?? err);
  if (inner.name === 'WebhookBlockedAddressError' || e.name === 'WebhookBlockedAddressError') return message;
  if (code === 'ETIMEDOUT' || code in TIMEOUT_PHASES) {
    return `Timed out after ${timeoutMs} ms (${TIMEOUT_PHASES[code] ?? inner.phase ?? 'waiting for the response'})`;
  }
  const target = inner.address ? `${inner.address}${inner.port ? `:${inner.port}` : ''}` : 'the receiver';
  if (code === 'ECONNREFUSED') return `Connection refused by ${target}: nothing accepts connections there`;
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED') {
    return `Connection closed by ${target} before it answered (${code})`;
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `No route to ${target} (${code})`;
  if (DNS_CODES.has(code)) {
    const host = inner.hostname ?? /\b(?:ENOTFOUND|EAI_AGAIN|EAI_FAIL)\s+(\S+)/.exec(message)?.[1];
    return `DNS lookup failed${host ? ` for ${host}` : ''} (${code}): the host name does not resolve`;
  }
  if (TLS_CODES.test(code)) {
    // OpenSSL messages carry their reason between colons: "...:SSL routines:ssl3_get_record:wrong version number:...".
    const reason = /SSL routines:[^:]*:([^:]+)/.exec(message)?.[1] ?? message;
    const hint = code.includes('ALTNAME')
      ? "; the receiver's certificate is not for this host name"
      : CERTIFICATE_CODES.test(code)
        ? "; the receiver's certificate is not trusted (use one from a public CA, or add its CA to the tls.ca option)"
        : '';
    return `TLS handshake failed (${code}): ${reason}${hint}`;
  }
  return code ? `${code}: ${message}` : message;
}
