import { Inject, Injectable } from '@nestjs/common';
import type { WebhookEndpoint } from '../endpoints/webhook-endpoint.entity.js';
import { WebhookEndpointsService } from '../endpoints/webhook-endpoints.service.js';
import { WEBHOOKS_RESOLVED_OPTIONS } from '../webhooks.constants.js';
import type { ResolvedWebhooksOptions } from '../webhooks.options.js';
import { WebhookDeliveryQueue } from './webhook-delivery.queue.js';
import { WebhookDeliveryStore } from './webhook-delivery.store.js';
import type { WebhookHttpResult } from './webhook-http.sender.js';
import { buildWebhookHeaders } from './webhook-request.headers.js';
import { WEBHOOKS_TRANSPORT } from './webhook-transport.js';
import type { WebhookTransport } from './webhook-transport.js';
import { decideAttempt } from './webhook-retry.policy.js';
import type { WebhookAttemptDecision } from './webhook-retry.policy.js';

export interface WebhookAttemptOutcome {
  deliveryId: string;
  attempt: number;
  result: WebhookHttpResult;
  decision: WebhookAttemptDecision;
}

/**
 * How long past the request's time-out a worker keeps its hold on a delivery:
 * room to record the attempt. A worker that dies mid-attempt holds it this much
 * longer than the attempt could have lasted; then the reconciler queues it again.
 */
export const LEASE_MARGIN_MS = 5_000;

/** The least lease left, beyond the time-out, for an attempt to start. */
const LEASE_LEFT_TO_SEND_MS = 1_000;

/** The error of a delivery that was not sent because its webhook is disabled. */
export function notSentWhileDisabled(reason?: string | null): string {
  return (
    `Not sent: the webhook is disabled${reason ? ` (${reason.replace(/\.$/, '')})` : ''}. ` +
    'Re-enable it with PATCH {"enabled": true}, then redeliver this delivery.'
  );
}

/**
 * Makes one attempt of one delivery: claim, sign, send, record, then act on
 * the retry policy's decision. Used by the worker and by test deliveries.
 */
@Injectable()
export class WebhookDeliveryRunner {
  constructor(
    private readonly store: WebhookDeliveryStore,
    private readonly endpoints: WebhookEndpointsService,
    @Inject(WEBHOOKS_TRANSPORT) private readonly sender: WebhookTransport,
    private readonly queue: WebhookDeliveryQueue,
    @Inject(WEBHOOKS_RESOLVED_OPTIONS) private readonly options: ResolvedWebhooksOptions,
  ) {}

  /**
   * Undefined when there was nothing to send: ended, held by another worker, its
   * webhook disabled, or (with `attempt`, a queue job's) that attempt already made.
   */
  async run(deliveryId: string, attempt?: number): Promise<WebhookAttemptOutcome | undefined> {
    const leaseMs = this.options.requestTimeoutMs + LEASE_MARGIN_MS;
    const lockedUntil = await this.store.claim(deliveryId, leaseMs, attempt === undefined ? undefined : attempt - 1);
    if (!lockedUntil) return undefined;
    const delivery = await this.store.findWithWebhook(deliveryId);
    const endpoint = delivery?.webhook;
    if (!delivery || !endpoint) return undefined;
    if (!endpoint.enabled && !delivery.isTest) {
      await this.store.fail(deliveryId, notSentWhileDisabled(endpoint.disabledReason));
      return undefined;
    }
    // The send must end while the lease holds, or another worker could start beside it.
    if (Date.now() + this.options.requestTimeoutMs + LEASE_LEFT_TO_SEND_MS > lockedUntil.getTime()) {
      await this.store.release(deliveryId, lockedUntil);
      return undefined;
    }

    const thisAttempt = delivery.attempts + 1;
    const body = JSON.stringify(delivery.payload);
    const at = new Date();
    const { secret, previousSecret } = this.endpoints.signingSecrets(endpoint, at);
    const headers = buildWebhookHeaders({
      deliveryId,
      event: delivery.event,
      body,
      attempt: thisAttempt,
      isTest: delivery.isTest,
      userAgent: this.options.userAgent,
      secret,
      previousSecret,
      now: at,
    });
    const result = await this.sender.send({ url: endpoint.url, headers, body });
    const decision = decideAttempt(result, {
      attempt: thisAttempt,
      isTest: delivery.isTest,
      retryDelaysMs: this.options.retryDelaysMs,
    });
    const nextAttemptAt = decision.status === 'retrying' ? new Date(Date.now() + decision.delayMs) : null;

    const recorded = await this.store.recordAttempt(deliveryId, {
      attempt: thisAttempt,
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
    // Deleted with its webhook while the attempt ran: nothing is left to retry or count.
    if (!recorded) return { deliveryId, attempt: thisAttempt, result, decision };

    if (decision.status === 'retrying') {
      await this.queue.enqueue([{ deliveryId, attempt: thisAttempt + 1, delayMs: decision.delayMs }]);
    } else if (!delivery.isTest) {
      await this.settleEndpoint(endpoint, decision);
    }
    return { deliveryId, attempt: thisAttempt, result, decision };
  }

  /** A delivery ended: the endpoint's failure streak ends, grows, or disables it. */
  private async settleEndpoint(endpoint: WebhookEndpoint, decision: Exclude<WebhookAttemptDecision, { status: 'retrying' }>): Promise<void> {
    if (decision.status === 'success') return this.endpoints.recordSuccess(endpoint);
    let disabledReason: string | undefined;
    if (decision.disableReason) {
      await this.endpoints.disable(endpoint, decision.disableReason);
      disabledReason = decision.disableReason;
    } else {
      disabledReason = await this.endpoints.recordFinalFailure(endpoint);
    }
    // Whatever still waits for a disabled endpoint ends now, with a reason, rather than at its next retry.
    if (disabledReason) await this.store.failWaiting(endpoint.id, notSentWhileDisabled(disabledReason));
  }
}
