import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { WebhookEndpoint } from '../endpoints/webhook-endpoint.entity.js';
import { WebhookEndpointCache } from '../endpoints/webhook-endpoint.cache.js';
import { WebhookEndpointsService } from '../endpoints/webhook-endpoints.service.js';
import { WEBHOOK_PAUSED_EVENT, WEBHOOK_RESUMED_EVENT, WEBHOOKS_RESOLVED_OPTIONS } from '../webhooks.constants.js';
import type { ResolvedWebhooksOptions } from '../webhooks.options.js';
import { WebhookDeliveryQueue, WebhookDeliveryWait } from './webhook-delivery.queue.js';
import type { WebhookDeliveryJob } from './webhook-delivery.queue.js';
import { WebhookDeliveryStore } from './webhook-delivery.store.js';
import { WebhookDeliveryWriter } from './webhook-delivery.writer.js';
import { WebhookEndpointGate } from './webhook-endpoint.gate.js';
import type { WebhookBreakerChange, WebhookGateAnswer } from './webhook-endpoint.gate.js';
import type { WebhookHttpResult } from './webhook-http.sender.js';
import { buildWebhookHeaders } from './webhook-request.headers.js';
import { WEBHOOKS_TRANSPORT } from './webhook-transport.js';
import type { WebhookTransport } from './webhook-transport.js';
import { decideAttempt, giveUpWhilePaused } from './webhook-retry.policy.js';
import type { WebhookAttemptDecision } from './webhook-retry.policy.js';

export interface WebhookAttemptOutcome {
  deliveryId: string;
  attempt: number;
  result: WebhookHttpResult;
  decision: WebhookAttemptDecision;
}

/** Payload of the `webhook.paused` Nest event. */
export interface WebhookPausedEvent {
  webhook: { id: string; name: string; url: string };
  until: Date;
  reason: string;
}

/** Payload of the `webhook.resumed` Nest event. */
export interface WebhookResumedEvent {
  webhook: { id: string; name: string; url: string };
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

/** A job with everything an attempt needs. */
type Work = Required<Omit<WebhookDeliveryJob, 'isTest'>> & { isTest: boolean; leaseUntil?: Date };

/** How long a job waits before it asks again, spread so waiting jobs do not return in a herd. */
function waitFor(answer: Extract<WebhookGateAnswer, { kind: 'wait' }>): number {
  const r = Math.random();
  switch (answer.reason) {
    case 'rate': // a reserved turn: exact
      return answer.waitMs;
    case 'paused':
      return answer.waitMs + Math.round(r * Math.min(1_000, answer.waitMs * 0.1));
    default:
      return Math.max(5, Math.min(answer.waitMs, 2_000)) * (0.5 + r);
  }
}

function webhookRef(endpoint: WebhookEndpoint): { id: string; name: string; url: string } {
  return { id: endpoint.id, name: endpoint.name, url: endpoint.url };
}

/**
 * Makes one attempt of one delivery: asks the webhook's gate, signs, sends, records,
 * then acts on the retry policy's decision. Used by the worker and by test deliveries.
 */
@Injectable()
export class WebhookDeliveryRunner {
  private readonly logger = new Logger('WebhooksModule');

  constructor(
    private readonly store: WebhookDeliveryStore,
    private readonly writer: WebhookDeliveryWriter,
    private readonly cache: WebhookEndpointCache,
    private readonly endpoints: WebhookEndpointsService,
    private readonly gate: WebhookEndpointGate,
    @Inject(WEBHOOKS_TRANSPORT) private readonly sender: WebhookTransport,
    private readonly queue: WebhookDeliveryQueue,
    private readonly events: EventEmitter2,
    @Inject(WEBHOOKS_RESOLVED_OPTIONS) private readonly options: ResolvedWebhooksOptions,
  ) {}

  /**
   * One queue job. Throws `WebhookDeliveryWait` when the webhook cannot take it yet.
   * Undefined when there was nothing to send: ended, in flight elsewhere, its webhook
   * gone or disabled, or that attempt already made.
   */
  async process(job: WebhookDeliveryJob): Promise<WebhookAttemptOutcome | undefined> {
    const work = job.body === undefined ? await this.claimFromDatabase(job.deliveryId, job.attempt) : this.fromJob(job);
    if (!work) return undefined;
    const endpoint = await this.cache.get(work.webhookId);
    if (!endpoint) return this.releaseClaim(work);
    if (!endpoint.enabled && !work.isTest) {
      await this.store.fail(work.deliveryId, notSentWhileDisabled(endpoint.disabledReason), work.attempt - 1);
      return undefined;
    }
    let answer: WebhookGateAnswer;
    try {
      answer = await this.gate.acquire(endpoint.id, work.deliveryId, work.attempt, endpoint.rateLimit);
    } catch (err) {
      await this.releaseClaim(work);
      throw err;
    }
    if (answer.kind === 'skip') return this.releaseClaim(work);
    if (answer.kind === 'wait') {
      await this.releaseClaim(work);
      if (answer.reason === 'paused' || answer.reason === 'probing') {
        const pausedUntil = (await this.gate.pausedUntil([endpoint.id])).get(endpoint.id);
        const error = giveUpWhilePaused(work.since, pausedUntil, this.options.retryDelaysMs);
        if (error) {
          if (await this.store.fail(work.deliveryId, error, work.attempt - 1)) {
            await this.settleEndpoint(endpoint, { status: 'failed', error, transient: true });
          }
          return undefined;
        }
      }
      throw new WebhookDeliveryWait(waitFor(answer), answer.reason);
    }
    return this.attempt(work, endpoint, answer.at);
  }

  /** A test delivery (the admin's Test button): sent now, whatever the webhook's pace or pause. */
  async runNow(deliveryId: string): Promise<WebhookAttemptOutcome | undefined> {
    const work = await this.claimFromDatabase(deliveryId);
    if (!work) return undefined;
    const endpoint = await this.endpoints.get(work.webhookId).catch(() => undefined);
    if (!endpoint) return undefined;
    return this.attempt(work, endpoint);
  }

  /** `gatedAt`: when the webhook's gate let this attempt go (the attempt's time); absent for a test delivery, which is not gated. */
  private async attempt(work: Work, endpoint: WebhookEndpoint, gatedAt?: Date): Promise<WebhookAttemptOutcome> {
    const { deliveryId, attempt, isTest } = work;
    const gated = gatedAt !== undefined;
    const at = gatedAt ?? new Date();
    const { secret, previousSecret } = this.endpoints.signingSecrets(endpoint, at);
    const headers = buildWebhookHeaders({
      deliveryId,
      event: work.event,
      body: work.body,
      attempt,
      isTest,
      userAgent: this.options.userAgent,
      secret,
      previousSecret,
      now: at,
    });
    const result = await this.sender.send({ url: endpoint.url, headers, body: work.body });
    const decision = decideAttempt(result, { attempt, isTest, retryDelaysMs: this.options.retryDelaysMs });
    const nextAttemptAt = decision.status === 'retrying' ? new Date(Date.now() + decision.delayMs) : null;

    let recorded = false;
    try {
      recorded = await this.writer.record({
        deliveryId,
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
    } finally {
      // After the record: a stale job for this attempt, let in once the slot is free, finds it made.
      if (gated) {
        const outcome = decision.status === 'success' ? 'success' : decision.transient ? 'transient' : 'other';
        const change = await this.gate
          .release(endpoint.id, deliveryId, recorded ? attempt : 0, outcome, result.durationMs, decision.retryAfterMs)
          .catch((err: Error) => {
            this.logger.warn(`Could not free the slot of webhook ${endpoint.id} (${err.message}); its lease frees it.`);
            return undefined;
          });
        this.announce(endpoint, change, decision);
      }
    }
    const outcome = { deliveryId, attempt, result, decision };
    // Deleted with its webhook while the attempt ran, or recorded by another worker: nothing is left to do.
    if (!recorded) return outcome;
    if (decision.status === 'retrying') {
      await this.queue.enqueue([{ ...this.jobOf(work), attempt: attempt + 1, delayMs: decision.delayMs }]);
    } else if (!isTest) {
      await this.settleEndpoint(endpoint, decision);
    }
    return outcome;
  }

  /** The breaker paused or resumed the webhook: tell the host. */
  private announce(endpoint: WebhookEndpoint, change: WebhookBreakerChange, decision: WebhookAttemptDecision): void {
    if (!change) return;
    if (change.kind === 'resumed') {
      const event: WebhookResumedEvent = { webhook: webhookRef(endpoint) };
      this.events.emit(WEBHOOK_RESUMED_EVENT, event);
      return;
    }
    const error = decision.status === 'success' ? '' : decision.error;
    const event: WebhookPausedEvent = {
      webhook: webhookRef(endpoint),
      until: change.until,
      reason: `Paused after transient failures in a row (the last: ${error}); one probe delivery goes at ${change.until.toISOString()}.`,
    };
    this.events.emit(WEBHOOK_PAUSED_EVENT, event);
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

  private fromJob(job: WebhookDeliveryJob): Work {
    return {
      deliveryId: job.deliveryId,
      attempt: job.attempt,
      webhookId: job.webhookId!,
      event: job.event!,
      body: job.body!,
      isTest: Boolean(job.isTest),
      since: job.since ?? Date.now(),
    };
  }

  private jobOf(work: Work): WebhookDeliveryJob {
    const { leaseUntil: _lease, ...job } = work;
    return job;
  }

  /**
   * A job that names only the delivery: it is claimed in the database (so no other
   * worker's copy starts beside it) and loaded. With `attempt`, only while that
   * attempt is the next one: a stale job for an attempt already made takes nothing.
   */
  private async claimFromDatabase(deliveryId: string, attempt?: number): Promise<Work | undefined> {
    const leaseMs = this.options.requestTimeoutMs + LEASE_MARGIN_MS;
    const lockedUntil = await this.store.claim(deliveryId, leaseMs, attempt === undefined ? undefined : attempt - 1);
    if (!lockedUntil) return undefined;
    const delivery = await this.store.findOneById(deliveryId);
    if (!delivery) return undefined;
    // The send must end while the lease holds, or another worker could start beside it.
    if (Date.now() + this.options.requestTimeoutMs + LEASE_LEFT_TO_SEND_MS > lockedUntil.getTime()) {
      await this.store.release(deliveryId, lockedUntil);
      return undefined;
    }
    return {
      deliveryId,
      attempt: delivery.attempts + 1,
      webhookId: delivery.webhookId,
      event: delivery.event,
      body: JSON.stringify(delivery.payload),
      isTest: Boolean(delivery.isTest),
      since: delivery.createdAt.getTime(),
      leaseUntil: lockedUntil,
    };
  }

  /** Gives back a database claim taken for nothing: the delivery is due again at once. */
  private async releaseClaim(work: Work): Promise<undefined> {
    if (work.leaseUntil) await this.store.release(work.deliveryId, work.leaseUntil);
    return undefined;
  }
}
