import { Inject, Injectable } from '@nestjs/common';
import { WebhookEndpointsService } from '../endpoints/webhook-endpoints.service.js';
import { WEBHOOKS_RESOLVED_OPTIONS } from '../webhooks.constants.js';
import type { ResolvedWebhooksOptions } from '../webhooks.options.js';
import { WebhookDeliveryQueue } from './webhook-delivery.queue.js';
import { WebhookDeliveryStore } from './webhook-delivery.store.js';
import { WebhookHttpSender } from './webhook-http.sender.js';
import type { WebhookHttpResult } from './webhook-http.sender.js';
import { buildWebhookHeaders } from './webhook-request.headers.js';
import { decideAttempt } from './webhook-retry.policy.js';
import type { WebhookAttemptDecision } from './webhook-retry.policy.js';

export interface WebhookAttemptOutcome {
  deliveryId: string;
  attempt: number;
  result: WebhookHttpResult;
  decision: WebhookAttemptDecision;
}

/** How long past the request's time-out a worker keeps its hold on a delivery. */
const LEASE_MARGIN_MS = 30_000;

/**
 * Makes one attempt of one delivery: claim, sign, send, record, then act on
 * the retry policy's decision. Used by the worker and by test deliveries.
 */
@Injectable()
export class WebhookDeliveryRunner {
  constructor(
    private readonly store: WebhookDeliveryStore,
    private readonly endpoints: WebhookEndpointsService,
    private readonly sender: WebhookHttpSender,
    private readonly queue: WebhookDeliveryQueue,
    @Inject(WEBHOOKS_RESOLVED_OPTIONS) private readonly options: ResolvedWebhooksOptions,
  ) {}

  /** Undefined when there was nothing to send: ended, held by another worker, or its webhook is disabled. */
  async run(deliveryId: string): Promise<WebhookAttemptOutcome | undefined> {
    if (!(await this.store.claim(deliveryId, this.options.requestTimeoutMs + LEASE_MARGIN_MS))) return undefined;
    const delivery = await this.store.findWithWebhook(deliveryId);
    const endpoint = delivery?.webhook;
    if (!delivery || !endpoint) return undefined;
    if (!endpoint.enabled && !delivery.isTest) {
      await this.store.fail(deliveryId, 'Not sent: the webhook is disabled. Re-enable it and redeliver.');
      return undefined;
    }

    const attempt = delivery.attempts + 1;
    const body = JSON.stringify(delivery.payload);
    const at = new Date();
    const { secret, previousSecret } = this.endpoints.signingSecrets(endpoint, at);
    const headers = buildWebhookHeaders({
      deliveryId,
      event: delivery.event,
      body,
      attempt,
      isTest: delivery.isTest,
      userAgent: this.options.userAgent,
      secret,
      previousSecret,
      now: at,
    });
    const result = await this.sender.send({ url: endpoint.url, headers, body });
    const decision = decideAttempt(result, { attempt, isTest: delivery.isTest, retryDelaysMs: this.options.retryDelaysMs });
    const nextAttemptAt = decision.status === 'retrying' ? new Date(Date.now() + decision.delayMs) : null;

    await this.store.recordAttempt(deliveryId, {
      attempt,
      at,
      success: decision.status === 'success',
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      error: decision.status === 'success' ? null : decision.error,
      responseBody: result.responseBody,
      requestHeaders: headers,
      status: decision.status,
      nextAttemptAt,
    });

    if (decision.status === 'retrying') {
      await this.queue.enqueue([{ deliveryId, attempt: attempt + 1, delayMs: decision.delayMs }]);
    } else if (!delivery.isTest) {
      if (decision.status === 'success') await this.endpoints.recordSuccess(endpoint);
      else if (decision.disableReason) await this.endpoints.disable(endpoint, decision.disableReason);
      else await this.endpoints.recordFinalFailure(endpoint);
    }
    return { deliveryId, attempt, result, decision };
  }
}
