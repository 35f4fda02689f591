import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { WebhooksValidationPipe } from './admin/webhooks-validation.pipe.js';
import { WebhookDeliveryQueue, jobForDelivery, jobToSendAgain } from './engine/webhook-delivery.queue.js';
import { WebhookDeliveryRunner } from './engine/webhook-delivery.runner.js';
import type { WebhookResumedEvent } from './engine/webhook-delivery.runner.js';
import { notSentWhileDisabled } from './engine/webhook-retry.policy.js';
import { WebhookDeliveryReplay } from './delivery-log/webhook-delivery.replay.js';
import { WebhookDeliveryStore } from './delivery-log/webhook-delivery.store.js';
import { WebhookDeliveryWriter } from './engine/webhook-delivery.writer.js';
import { WebhookEndpointGate } from './engine/webhook-endpoint.gate.js';
import type { WebhookDelivery } from './delivery-log/webhook-delivery.entity.js';
import { CreateWebhookDto } from './endpoints/dto/create-webhook.dto.js';
import { ListDeliveriesQuery } from './endpoints/dto/list-deliveries.query.js';
import { ReplayDeliveriesDto } from './endpoints/dto/replay-deliveries.dto.js';
import { UNTIL_BEFORE_SINCE } from './endpoints/dto/webhook-fields.js';
import { UpdateWebhookDto } from './endpoints/dto/update-webhook.dto.js';
import { WebhookEndpointsService } from './endpoints/webhook-endpoints.service.js';
import type { WebhookEndpoint } from './endpoints/webhook-endpoint.entity.js';
import { toWebhookView, webhookRef } from './endpoints/webhook.view.js';
import type { WebhookListItem, WebhookView } from './endpoints/webhook.view.js';
import { ALL_EVENTS, WEBHOOK_EVENT_NAMES, isWebhookEventName } from './events/webhook-event.js';
import type { WebhookEventName } from './events/webhook-event.js';
import { resolveEventScope } from './events/webhook-event.scope.js';
import { formatPayload, withEventScope } from './events/webhook-format.js';
import { WebhookPayloadFactory } from './events/webhook-payload.factory.js';
import type { WebhookCatalogEntry } from './events/webhook-payload.factory.js';
import { WebhookBreakerControl } from './stats/webhook-breaker.control.js';
import { WebhookStats } from './stats/webhook.stats.js';
import { WEBHOOK_RESUMED_EVENT, WEBHOOKS_RESOLVED_OPTIONS } from './webhooks.constants.js';
import type { ResolvedWebhooksOptions } from './webhooks.options.js';
import type { WebhookHealthStats, WebhooksOverviewStats } from './stats/webhook-stats.types.js';

export interface WebhookTestResult {
  deliveryId: string;
  success: boolean;
  statusCode: number | null;
  durationMs: number;
  responseBody: string | null;
  error: string | null;
}

/** A delivery in a list. */
export interface WebhookDeliverySummary {
  id: string;
  event: string;
  status: WebhookDelivery['status'];
  statusCode: number | null;
  attempts: number;
  durationMs: number | null;
  error: string | null;
  isTest: boolean;
  createdAt: Date;
  nextAttemptAt: Date | null;
}

/** One delivery with its payload, headers, last response and every attempt. */
export interface WebhookDeliveryDetail extends WebhookDeliverySummary {
  payload: Record<string, unknown>;
  requestHeaders: Record<string, string> | null;
  responseBody: string | null;
  attemptLog: WebhookAttemptLogEntry[];
}

/** One attempt of a delivery and the answer it got; `responseHeaders` and `responseBody` are null where not kept. */
export interface WebhookAttemptLogEntry {
  attempt: number;
  at: Date;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** The headers this attempt was sent with (its number, time and signatures); null where not kept. */
  requestHeaders: Record<string, string> | null;
  responseHeaders: Record<string, string> | null;
  /** Cut at `maxResponseBodyBytes`. */
  responseBody: string | null;
}

/**
 * Whose admin is calling, as `GET /scope` answers it: the account every route acts in (null for
 * every account), whether the caller is a platform admin (sees every account, may filter the list
 * by `?accountId=`), and whether the install has accounts at all (the `adminScope` option is set).
 */
export interface WebhookAdminScopeView {
  accountId: string | null;
  platform: boolean;
  multiAccount: boolean;
}

function toSummary(d: WebhookDelivery): WebhookDeliverySummary {
  return {
    id: d.id,
    event: d.event,
    status: d.status,
    statusCode: d.statusCode ?? null,
    attempts: d.attempts,
    durationMs: d.durationMs ?? null,
    error: d.error ?? null,
    isTest: Boolean(d.isTest),
    createdAt: d.createdAt,
    nextAttemptAt: d.nextAttemptAt ?? null,
  };
}

const validation = new WebhooksValidationPipe();

/** The most held deliveries turning `ordering` off queues at once; the reconciler queues any others within a pass. */
const WEBHOOK_RELEASE_MAX = 10_000;

/** The DTO as it is when the admin API's pipe made it; a plain object goes through the same pipe. */
async function validated<T extends object>(input: T, type: new () => T, from: 'body' | 'query' = 'body'): Promise<T> {
  if (input instanceof type) return input;
  return (await validation.transform(input, { type: from, metatype: type })) as T;
}

/** A range of creation times from validated ISO strings; 400 when it ends before it starts. */
function timeRange<S extends string | undefined, U extends string | undefined>(
  since: S,
  until: U,
): { since: S extends string ? Date : Date | undefined; until: U extends string ? Date : Date | undefined } {
  const from = since === undefined ? undefined : new Date(since);
  const to = until === undefined ? undefined : new Date(until);
  if (from && to && to.getTime() < from.getTime()) throw new BadRequestException([UNTIL_BEFORE_SINCE]);
  return { since: from, until: to } as never;
}

/** What the admin API does, for hosts that want it in their own code: CRUD, test delivery, delivery log, redeliver. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly endpoints: WebhookEndpointsService,
    private readonly store: WebhookDeliveryStore,
    private readonly writer: WebhookDeliveryWriter,
    private readonly gate: WebhookEndpointGate,
    private readonly runner: WebhookDeliveryRunner,
    private readonly queue: WebhookDeliveryQueue,
    private readonly payloads: WebhookPayloadFactory,
    private readonly statistics: WebhookStats,
    private readonly replays: WebhookDeliveryReplay,
    private readonly breaker: WebhookBreakerControl,
    private readonly events: EventEmitter2,
    @Inject(WEBHOOKS_RESOLVED_OPTIONS) private readonly options: ResolvedWebhooksOptions,
  ) {}

  /** Whose admin `accountId` (an account admin's scope, as every method's last argument) is: see WebhookAdminScopeView. */
  scope(accountId?: string): WebhookAdminScopeView {
    return { accountId: accountId ?? null, platform: accountId === undefined, multiAccount: this.options.adminScope !== undefined };
  }

  /**
   * Every webhook, each with its `health` over the last 24 hours (a few queries for all of them,
   * none per webhook). `filter.accountId`: that account's only. `accountId` (an account admin's
   * scope, as every method's last argument): only that account's, whatever the filter says.
   */
  async list(filter: { accountId?: string } = {}, accountId?: string): Promise<WebhookListItem[]> {
    if (accountId !== undefined && filter.accountId !== undefined && filter.accountId !== accountId) return [];
    const endpoints = await this.endpoints.list(accountId ?? filter.accountId);
    const ids = endpoints.map((e) => e.id);
    const [paused, health] = await Promise.all([this.gate.pausedUntil(ids), this.statistics.summaries(ids)]);
    return endpoints.map((e) => ({ ...toWebhookView(e, paused.get(e.id)), health: health.get(e.id)! }));
  }

  /** One webhook; with `accountId`, a webhook of another account is "Webhook not found" (404), as every method below answers. */
  async get(id: string, accountId?: string): Promise<WebhookView> {
    return this.view(await this.endpoints.get(id, accountId));
  }

  /** A webhook as answered, with its breaker's `pausedUntil`. */
  private async view(endpoint: WebhookEndpoint): Promise<WebhookView> {
    return toWebhookView(endpoint, (await this.gate.pausedUntil([endpoint.id])).get(endpoint.id));
  }

  /**
   * Creates a webhook; a plain object from the host's code is validated as the admin API
   * validates its body. With `accountId` it is put in that account whatever the body says.
   */
  async create(input: CreateWebhookDto, accountId?: string): Promise<WebhookView> {
    const dto = await validated(input, CreateWebhookDto);
    return this.view(await this.endpoints.create(dto, accountId));
  }

  /** Changes a webhook; validated like `create`. */
  async update(id: string, input: UpdateWebhookDto, accountId?: string): Promise<WebhookView> {
    const dto = await validated(input, UpdateWebhookDto);
    const endpoint = await this.endpoints.update(id, dto, accountId);
    // A disabled webhook sends nothing: what still waits ends now, with a reason, and can be redelivered later.
    if (dto.enabled === false) await this.store.failWaiting(endpoint.id, notSentWhileDisabled('by an admin'));
    // No order any more: every delivery that waited for an older one of its key goes now.
    else if (dto.ordering === 'none') await this.releaseOrder(endpoint);
    return this.view(endpoint);
  }

  /**
   * Ends the breaker's pause of a webhook now: its held deliveries go at once (as first
   * attempts, not one probe), and `webhook.resumed` is emitted when it was paused. A webhook
   * that was not paused is answered as it is.
   */
  async resume(id: string, accountId?: string): Promise<WebhookView> {
    const endpoint = await this.endpoints.get(id, accountId);
    if (await this.breaker.resume(endpoint.id)) {
      await this.breaker.sendHeld(endpoint.id);
      const event: WebhookResumedEvent = { webhook: webhookRef(endpoint) };
      this.events.emit(WEBHOOK_RESUMED_EVENT, event);
    }
    return this.view(endpoint);
  }

  private async releaseOrder(endpoint: WebhookEndpoint): Promise<void> {
    const held = await this.store.releaseOrder(endpoint.id, WEBHOOK_RELEASE_MAX);
    await this.queue.enqueue(held.map((d) => ({ ...jobForDelivery(d, Date.now()), admit: { rateLimit: endpoint.rateLimit } })));
  }

  async remove(id: string, accountId?: string): Promise<void> {
    await this.endpoints.remove(id, accountId);
    await this.gate.forget(id);
  }

  async revealSecret(id: string, accountId?: string): Promise<{ secret: string | null }> {
    return { secret: await this.endpoints.revealSecret(id, accountId) };
  }

  /** A new generated `whsec_` secret; the old one keeps signing beside it for 24 h. */
  async rotateSecret(id: string, accountId?: string): Promise<{ secret: string }> {
    return { secret: await this.endpoints.rotateSecret(id, accountId) };
  }

  /**
   * The whole module at a glance: waiting, retrying, failed in the last 24 h, how late, paused
   * and disabled webhooks; with `accountId`, that account's only.
   */
  stats(accountId?: string): Promise<WebhooksOverviewStats> {
    return this.statistics.overview(new Date(), accountId);
  }

  /** One webhook's health over the last `hours` clock hours (1 to 720). */
  async webhookStats(id: string, hours = 24, accountId?: string): Promise<WebhookHealthStats> {
    await this.endpoints.get(id, accountId);
    return this.statistics.health(id, hours);
  }

  catalog(): WebhookCatalogEntry[] {
    return this.payloads.catalog();
  }

  /**
   * Sends the catalog sample of `event` (default: the first subscribed; the
   * first event of the catalog for `*`) now and waits for the answer. The
   * payload is the catalog's `samplePayload`, stamped with the time of sending; for a webhook of
   * an account, with `account_id` (and the first of its `inboxIds` as `inbox_id`), as its real
   * events will have them.
   */
  async test(id: string, event?: WebhookEventName, accountId?: string): Promise<WebhookTestResult> {
    const endpoint = await this.endpoints.get(id, accountId);
    const chosen = event ?? (endpoint.events.find((e) => e !== ALL_EVENTS && isWebhookEventName(e)) as WebhookEventName | undefined) ?? WEBHOOK_EVENT_NAMES[0];
    const now = new Date();
    const deliveryId = randomUUID();
    const [stored] = await this.writer.insert([
      {
        id: deliveryId,
        webhookId: endpoint.id,
        accountId: endpoint.accountId ?? null,
        event: chosen,
        payload: formatPayload(
          withEventScope(this.payloads.sample(chosen, now), resolveEventScope({ accountId: endpoint.accountId, inboxId: endpoint.inboxIds?.[0] })),
          endpoint.format,
        ),
        status: 'pending',
        attempts: 0,
        isTest: true,
        nextAttemptAt: null,
        createdAt: now,
        updatedAt: now,
      },
    ]);
    if (!stored) throw new NotFoundException('Webhook not found');
    const outcome = await this.runner.runNow(deliveryId);
    if (!outcome) throw new Error(`Test delivery ${deliveryId} was not sent: it was taken by another worker.`);
    return {
      deliveryId,
      success: outcome.decision.status === 'success',
      statusCode: outcome.result.statusCode,
      durationMs: outcome.result.durationMs,
      responseBody: outcome.result.responseBody,
      error: outcome.decision.status === 'success' ? null : outcome.decision.error,
    };
  }

  /**
   * One page of a webhook's delivery log, newest first: by `status`, `event`, time of creation
   * (`since` inclusive, `until` exclusive) and delivery id (`q`); validated as the admin API's query.
   */
  async listDeliveries(id: string, input: ListDeliveriesQuery, accountId?: string): Promise<{ items: WebhookDeliverySummary[]; nextCursor: string | null }> {
    const query = await validated(input, ListDeliveriesQuery, 'query');
    const range = timeRange(query.since, query.until);
    await this.endpoints.get(id, accountId);
    const page = await this.store.list(id, {
      status: query.status,
      event: query.event,
      before: query.before,
      limit: query.limit ?? 50,
      ...range,
      id: query.q,
    });
    return { items: page.items.map(toSummary), nextCursor: page.nextCursor };
  }

  async getDelivery(id: string, deliveryId: string, accountId?: string): Promise<WebhookDeliveryDetail> {
    await this.endpoints.get(id, accountId);
    const found = await this.store.findOne(id, deliveryId);
    if (!found) throw new NotFoundException('Delivery not found');
    const { delivery, attempts } = found;
    return {
      ...toSummary(delivery),
      payload: delivery.payload,
      // The last attempt's, from its own row (older rows kept a copy on the delivery).
      requestHeaders: attempts.at(-1)?.requestHeaders ?? delivery.requestHeaders ?? null,
      responseBody: delivery.responseBody ?? null,
      attemptLog: attempts.map((a) => ({
        attempt: a.attempt,
        at: a.at,
        statusCode: a.statusCode ?? null,
        durationMs: a.durationMs,
        error: a.error ?? null,
        requestHeaders: a.requestHeaders ?? null,
        responseHeaders: a.responseHeaders ?? null,
        responseBody: a.responseBody ?? null,
      })),
    };
  }

  /**
   * Sends a delivery again now, whatever its status: same id, attempt numbers
   * going on (a retry it was waiting for is brought forward). An attempt in
   * flight finishes first. Sent at most once more: no retries after it fails,
   * unless retries of its schedule are left.
   */
  async redeliver(id: string, deliveryId: string, accountId?: string): Promise<{ deliveryId: string; status: 'pending' }> {
    await this.endpoints.get(id, accountId);
    const found = await this.store.findOne(id, deliveryId);
    if (!found) throw new NotFoundException('Delivery not found');
    const { delivery } = found;
    await this.store.requeue(deliveryId);
    // Everything the attempt needs goes in the job; the schedule (for a paused webhook's give-up) starts now.
    await this.queue.enqueueNow(jobToSendAgain(delivery, Date.now()));
    return { deliveryId, status: 'pending' };
  }

  /**
   * Sends again every delivery of the webhook created from `since` (inclusive) to
   * `until` (exclusive, default now) that has `status` and `event` when given:
   * oldest first, at most 10,000 a call, each as `redeliver` would. Test
   * deliveries are left out. Resolves to how many go again; with `dryRun`, to how many
   * would, sending nothing.
   */
  async replay(id: string, input: ReplayDeliveriesDto, accountId?: string): Promise<{ count: number }> {
    const dto = await validated(input, ReplayDeliveriesDto);
    const { since, until } = timeRange(dto.since, dto.until ?? new Date().toISOString());
    await this.endpoints.get(id, accountId);
    const filter = { since, until, status: dto.status, event: dto.event };
    const count = dto.dryRun ? await this.replays.count(id, filter) : await this.replays.replay(id, filter);
    return { count };
  }
}
