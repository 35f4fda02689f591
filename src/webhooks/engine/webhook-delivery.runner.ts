import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { WebhookEndpoint } from '../endpoints/webhook-endpoint.entity.js';
import { WebhookEndpointCache } from '../endpoints/webhook-endpoint.cache.js';
import { WebhookEndpointsService } from '../endpoints/webhook-endpoints.service.js';
import type { WebhookSigningSecrets } from '../endpoints/webhook-endpoints.service.js';
import { WebhookSecretKeyError } from '../errors/webhook-secret-key.error.js';
import { WebhookTelemetry } from '../telemetry/webhook.telemetry.js';
import { WEBHOOK_PAUSED_EVENT, WEBHOOK_RESUMED_EVENT, WEBHOOKS_RESOLVED_OPTIONS, WEBHOOKS_TRANSPORT } from '../webhooks.constants.js';
import type { ResolvedWebhooksOptions } from '../webhooks.options.js';
import { webhookRef } from '../endpoints/webhook.view.js';
import { WebhookDeliveryQueue, WebhookDeliveryWait, jobForDelivery } from './webhook-delivery.queue.js';
import type { WebhookDeliveryJob } from './webhook-delivery.queue.js';
import { WebhookDeliveryStore } from '../delivery-log/webhook-delivery.store.js';
import { WebhookDeliveryWriter } from './webhook-delivery.writer.js';
import { WebhookEndpointGate } from './webhook-endpoint.gate.js';
import type { WebhookBreakerChange, WebhookGateAnswer, WebhookGateOutcome, WebhookGateRelease } from './webhook-endpoint.gate.js';
import { buildWebhookHeaders } from './webhook-request.headers.js';
import type { WebhookHttpResult, WebhookTransport } from '../webhooks.types.js';
import { decideAttempt, giveUpWhilePaused, notSentWhileDisabled } from './webhook-retry.policy.js';
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

/** A slot of a webhook's gate this run holds: taken at `at`, under `token`. */
interface Slot {
  at: Date;
  token: string;
}

/** What one job came to: its attempt's outcome, and the job its freed slot was handed to (with that slot). */
interface Step {
  outcome?: WebhookAttemptOutcome;
  next?: { job: WebhookDeliveryJob; slot: Slot };
}

/**
 * How many attempts one queue job makes at most, its own and those its slot is handed on to:
 * then the next waiting job goes back to the queue, so a busy webhook's work spreads over
 * every worker process, and a worker slot turns over now and then.
 */
const HANDOFFS_PER_JOB = 16;

/** A job with everything an attempt needs. */
type Work = Required<Omit<WebhookDeliveryJob, 'isTest' | 'traceparent' | 'admitted' | 'orderingKey'>> & {
  isTest: boolean;
  traceparent?: string;
  orderingKey?: string;
  leaseUntil?: Date;
};

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

/**
 * Makes one attempt of one delivery: asks the webhook's gate, signs, sends, records,
 * then acts on the retry policy's decision. Used by the worker and by test deliveries.
 */
@Injectable()
export class WebhookDeliveryRunner {
  private readonly logger = new Logger('WebhooksModule');
  private stopping = false;
  private readonly unsignableWarned = new Map<string, number>();

  constructor(
    private readonly store: WebhookDeliveryStore,
    private readonly writer: WebhookDeliveryWriter,
    private readonly cache: WebhookEndpointCache,
    private readonly endpoints: WebhookEndpointsService,
    private readonly gate: WebhookEndpointGate,
    @Inject(WEBHOOKS_TRANSPORT) private readonly sender: WebhookTransport,
    private readonly queue: WebhookDeliveryQueue,
    private readonly events: EventEmitter2,
    private readonly telemetry: WebhookTelemetry,
    @Inject(WEBHOOKS_RESOLVED_OPTIONS) private readonly options: ResolvedWebhooksOptions,
  ) {}

  /**
   * One queue job, then every job of the same webhook its slot is handed on to. Throws
   * `WebhookDeliveryWait` when the webhook cannot take the job yet. Resolves to the
   * outcome of the job's own attempt; undefined when there was nothing to send (ended,
   * in flight elsewhere, waiting in the webhook's line, its webhook gone or disabled,
   * or that attempt already made).
   */
  async process(job: WebhookDeliveryJob): Promise<WebhookAttemptOutcome | undefined> {
    // A job that reaches a stopping worker goes back among the delayed ones, for another worker.
    if (this.stopping) throw new WebhookDeliveryWait(1_000, 'this worker is stopping');
    const first = await this.step(job, undefined, true);
    let next = first.next;
    for (let sent = 1; next; sent++) {
      // A stopping worker sends nothing more: the job handed to it goes back to the queue.
      if (this.stopping) {
        await this.handBack(next.job, next.slot);
        break;
      }
      next = (await this.step(next.job, next.slot, sent < HANDOFFS_PER_JOB)).next;
    }
    return first.outcome;
  }

  /** The worker is stopping: no job is taken from a webhook's line any more, and its own closing is not a receiver's failure. */
  stop(): void {
    this.stopping = true;
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /** A test delivery (the admin's Test button): sent now, whatever the webhook's pace or pause. */
  async runNow(deliveryId: string): Promise<WebhookAttemptOutcome | undefined> {
    const work = await this.claimFromDatabase(deliveryId);
    if (!work) return undefined;
    const endpoint = await this.endpoints.get(work.webhookId).catch(() => undefined);
    if (!endpoint) return undefined;
    return (await this.attempt(work, endpoint)).outcome;
  }

  /**
   * One job; `held`: the slot it was handed by the attempt before it. `takeNext`: this worker
   * sends the job its slot is handed to next (else that job is queued).
   */
  private async step(job: WebhookDeliveryJob, held: Slot | undefined, takeNext: boolean): Promise<Step> {
    const work = job.body === undefined ? await this.claimFromDatabase(job.deliveryId, job.attempt) : this.fromJob(job);
    // A slot it holds (handed on, or taken as it was queued) is given back, or on to the next in line.
    const holding = held?.token ?? job.admitted;
    if (!work) return holding && job.webhookId ? this.handOn(job.webhookId, job.deliveryId, undefined, takeNext, holding) : {};
    const endpoint = await this.cache.get(work.webhookId);
    if (!endpoint || (!endpoint.enabled && !work.isTest)) {
      if (endpoint) await this.store.fail(work.deliveryId, notSentWhileDisabled(endpoint.disabledReason), work.attempt - 1);
      else await this.releaseClaim(work);
      return holding ? this.handOn(work.webhookId, work.deliveryId, endpoint?.rateLimit, takeNext, holding) : {};
    }
    if (held) return this.attempt(work, endpoint, held, takeNext);

    // Every run asks, an admitted one too: the gate hands it the slot its admission took only once,
    // and not while the webhook is paused.
    const token = WebhookEndpointGate.token();
    let answer: WebhookGateAnswer;
    try {
      answer = await this.gate.acquire(endpoint.id, work.deliveryId, work.attempt, endpoint.rateLimit, JSON.stringify(this.jobOf(work)), token, job.admitted);
    } catch (err) {
      await this.releaseClaim(work);
      throw err;
    }
    if (answer.kind === 'skip' || answer.kind === 'parked') {
      await this.releaseClaim(work);
      return {};
    }
    if (answer.kind === 'wait') {
      await this.releaseClaim(work);
      if (answer.reason === 'paused' || answer.reason === 'probing') {
        const pausedUntil = (await this.gate.pausedUntil([endpoint.id])).get(endpoint.id);
        const error = giveUpWhilePaused(work.since, pausedUntil, this.options.retryDelaysMs);
        if (error) {
          if (await this.store.fail(work.deliveryId, error, work.attempt - 1)) {
            if (!work.isTest) {
              this.telemetry.deliveryEnded({
                webhook: endpoint, deliveryId: work.deliveryId, event: work.event, attempts: work.attempt - 1, status: 'failed',
                statusCode: null, durationMs: null, error,
              });
            }
            await this.settleEndpoint(endpoint, { status: 'failed', error, transient: true });
            await this.nextInOrder(work, endpoint, false);
          }
          return {};
        }
      }
      throw new WebhookDeliveryWait(waitFor(answer), answer.reason);
    }
    return this.attempt(work, endpoint, { at: answer.at, token }, takeNext);
  }

  /** `slot`: the webhook's slot this attempt holds (its time is the attempt's); absent for a test delivery, which is not gated. */
  private async attempt(work: Work, endpoint: WebhookEndpoint, slot?: Slot, takeNext = false): Promise<Step> {
    const { deliveryId, attempt, isTest } = work;
    const at = slot?.at ?? new Date();
    // A secret this process cannot open (a worker without the API node's key): nothing goes out unsigned.
    let secrets: WebhookSigningSecrets | undefined;
    let unsignable: WebhookSecretKeyError | undefined;
    try {
      secrets = this.endpoints.signingSecrets(endpoint, at);
    } catch (err) {
      if (!(err instanceof WebhookSecretKeyError)) throw err;
      unsignable = err;
      this.warnUnsignable(err, endpoint.id);
    }
    const { secret, previousSecret } = secrets ?? { secret: null, previousSecret: null };
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
    const traced = this.telemetry.startAttempt({ webhook: endpoint, deliveryId, event: work.event, attempt, isTest, traceparent: work.traceparent });
    Object.assign(headers, traced.headers);
    // While it runs (the send, then the record), its slot's lease is renewed: nothing in flight is ever taken for lost.
    const lease = slot ? this.keepLease(endpoint.id, deliveryId, slot.token) : undefined;
    const result: WebhookHttpResult = unsignable
      ? { statusCode: null, durationMs: 0, responseBody: null, responseHeaders: {}, error: unsignable.message, transient: false }
      : await this.sender.send({ url: endpoint.url, headers, body: work.body });
    const decision = decideAttempt(result, { attempt, isTest, retryDelaysMs: this.options.retryDelaysMs });
    const error = decision.status === 'success' ? null : decision.error;
    traced.end({ statusCode: result.statusCode, durationMs: result.durationMs, success: decision.status === 'success', error });
    const nextAttemptAt = decision.status === 'retrying' ? new Date(Date.now() + decision.delayMs) : null;

    let recorded = false;
    let recordFailed = true;
    let next: Step['next'];
    try {
      recorded = await this.writer.record({
        deliveryId,
        attempt,
        at,
        success: decision.status === 'success',
        statusCode: result.statusCode,
        durationMs: result.durationMs,
        error,
        responseBody: result.responseBody,
        responseHeaders: result.responseHeaders,
        requestHeaders: headers,
        status: decision.status,
        nextAttemptAt,
      });
      recordFailed = false;
    } finally {
      lease?.stop();
      // After the record: a stale job for this attempt, let in once the slot is free, finds it made.
      if (slot) {
        // This process' configuration, not the receiver: the breaker counts nothing.
        const outcome = unsignable ? 'none' : this.gateOutcome(result, decision);
        // A record that threw ends this run: what waits in line goes back to the queue rather than to it.
        const nextToken = takeNext && !this.stopping && !recordFailed ? WebhookEndpointGate.token() : undefined;
        const released = await this.gate
          .release(endpoint.id, deliveryId, recorded ? attempt : 0, outcome, result.durationMs, endpoint.rateLimit, decision.retryAfterMs ?? 0, slot.token, nextToken)
          .catch((err: Error) => {
            this.logger.warn(`Could not free the slot of webhook ${endpoint.id} (${err.message}); its lease frees it.`);
            return undefined;
          });
        if (released) {
          this.announce(endpoint, released.change, decision);
          next = await this.handed(released, nextToken);
        }
      }
    }
    const outcome = { deliveryId, attempt, result, decision };
    // Deleted with its webhook while the attempt ran, or recorded by another worker: nothing is left to do.
    if (!recorded) return { outcome, next };
    if (decision.status !== 'retrying') {
      this.telemetry.deliveryEnded({
        webhook: endpoint, deliveryId, event: work.event, attempts: attempt, status: decision.status,
        statusCode: result.statusCode, durationMs: result.durationMs, error, isTest,
      });
    }
    // An ordered delivery that ended hands its key on before anything else; this worker sends the
    // next one itself when its slot was handed nothing else.
    const inOrder = decision.status === 'retrying' ? undefined : await this.nextInOrder(work, endpoint, Boolean(slot) && takeNext && !next);
    if (decision.status === 'retrying') {
      await this.queue.enqueue([{ ...this.jobOf(work), attempt: attempt + 1, delayMs: decision.delayMs }]);
    } else if (!isTest && !unsignable) {
      await this.settleEndpoint(endpoint, decision);
    }
    return { outcome, next: next ?? inOrder };
  }

  /**
   * An ordered delivery ended (2xx, or failed for good): its key's next delivery, which got no
   * job while it waited, goes now. The database says which one is next; the webhook's gate says
   * when: with `inline` and a free slot, this worker sends it (it resolves to the job with the
   * slot); otherwise it is queued as a fresh delivery is, its gate asked as it goes (a free slot
   * taken for it, else a place in the webhook's line). Should this fail (or this worker die
   * first), the reconciler queues it on its next pass.
   */
  private async nextInOrder(work: Work, endpoint: WebhookEndpoint, inline: boolean): Promise<Step['next']> {
    if (!work.orderingKey) return undefined;
    try {
      // Undefined too when the key's turn is a retrying one: it has its own job for its next attempt.
      const next = await this.store.nextInOrder(work.webhookId, work.orderingKey);
      if (!next) return undefined;
      // Its schedule (for a paused webhook's give-up) starts now that its turn has come.
      const job = jobForDelivery(next, Date.now());
      if (inline && !this.stopping) {
        const token = WebhookEndpointGate.token();
        const answer = await this.gate.acquire(endpoint.id, job.deliveryId, job.attempt, endpoint.rateLimit, JSON.stringify(job), token);
        if (answer.kind === 'go' || answer.kind === 'probe') return { job, slot: { at: answer.at, token } };
        if (answer.kind === 'wait') await this.queue.enqueue([{ ...job, delayMs: waitFor(answer) }]);
        // 'parked': in the webhook's line; 'skip': in flight, or in line, already.
        return undefined;
      }
      await this.queue.enqueue([{ ...job, admit: { rateLimit: endpoint.rateLimit } }]);
    } catch (err) {
      this.logger.warn(
        `Could not queue the next delivery of ordering key ${work.orderingKey} of webhook ${work.webhookId} (${(err as Error).message}); the reconciler queues it.`,
      );
    }
    return undefined;
  }

  /** Says, once a minute per webhook at most, that this process cannot sign for it. */
  private warnUnsignable(err: WebhookSecretKeyError, webhookId: string): void {
    const now = Date.now();
    if ((this.unsignableWarned.get(webhookId) ?? 0) > now - 60_000) return;
    this.unsignableWarned.set(webhookId, now);
    this.logger.error(err.message);
  }

  /** What the breaker counts of an attempt: nothing when it was cut short by this worker's own stop. */
  private gateOutcome(result: WebhookHttpResult, decision: WebhookAttemptDecision): WebhookGateOutcome {
    if (decision.status === 'success') return 'success';
    if (this.stopping && result.statusCode === null) return 'none';
    return decision.transient ? 'transient' : 'other';
  }

  /** Renews a slot's lease every third of it until stopped; an attempt of a few ms never renews. */
  private keepLease(webhookId: string, deliveryId: string, token: string): { stop(): void } {
    const timer = setInterval(() => {
      this.gate.renew(webhookId, deliveryId, token).catch((err: Error) => {
        this.logger.warn(`Could not renew the slot of webhook delivery ${deliveryId} (${err.message}).`);
      });
    }, Math.max(1_000, Math.floor(this.gate.leaseMs / 3)));
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  /** Gives back a slot held by a job with nothing to send, handing it on again. */
  private async handOn(webhookId: string, deliveryId: string, rateLimit: number | null | undefined, takeNext: boolean, token: string): Promise<Step> {
    const nextToken = takeNext && !this.stopping ? WebhookEndpointGate.token() : undefined;
    const released = await this.gate.release(webhookId, deliveryId, 0, 'none', 0, rateLimit, 0, token, nextToken);
    return { next: await this.handed(released, nextToken) };
  }

  /** A job handed to a stopping worker: its slot is given back (handed on, to the queue) and the job queued again. */
  private async handBack(job: WebhookDeliveryJob, slot: Slot): Promise<void> {
    const released = await this.gate.release(job.webhookId!, job.deliveryId, 0, 'none', 0, undefined, 0, slot.token).catch(() => undefined);
    await Promise.all([this.queue.enqueue([job]), released && this.handed(released, undefined)]);
  }

  /**
   * The jobs a freed slot was handed to: the first is sent next by this worker, under `nextToken`;
   * the others are queued again, each with the slot the gate holds for it (its admission).
   */
  private async handed(released: WebhookGateRelease, nextToken: string | undefined): Promise<Step['next']> {
    const jobs = released.handed.map((raw, i) => {
      const job = JSON.parse(raw) as WebhookDeliveryJob;
      const admission = released.admissions[i];
      return admission ? { ...job, admitted: admission } : job;
    });
    const inline = released.inline && nextToken ? jobs.shift() : undefined;
    if (jobs.length > 0) await this.queue.enqueue(jobs);
    return inline ? { job: inline, slot: { at: released.at, token: nextToken! } } : undefined;
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
      traceparent: job.traceparent,
      ...(job.orderingKey ? { orderingKey: job.orderingKey } : {}),
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
    const started = performance.now();
    // The lease runs on the database's clock: a worker whose own clock is off cannot take a delivery another holds.
    if (!(await this.store.claim(deliveryId, leaseMs, attempt === undefined ? undefined : attempt - 1))) return undefined;
    const delivery = await this.store.findOneById(deliveryId);
    if (!delivery?.lockedUntil) return undefined;
    // The send must end while the lease holds, or another worker could start beside it (measured on this process' own monotonic clock).
    if (performance.now() - started + this.options.requestTimeoutMs + LEASE_LEFT_TO_SEND_MS > leaseMs) {
      await this.store.release(deliveryId, delivery.lockedUntil);
      return undefined;
    }
    return { ...jobForDelivery(delivery, delivery.createdAt.getTime()), leaseUntil: delivery.lockedUntil };
  }

  /** Gives back a database claim taken for nothing: the delivery is due again at once. */
  private async releaseClaim(work: Work): Promise<undefined> {
    if (work.leaseUntil) await this.store.release(work.deliveryId, work.leaseUntil);
    return undefined;
  }
}
