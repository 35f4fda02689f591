import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { WebhookEndpointCache } from '../endpoints/webhook-endpoint.cache.js';
import type { WebhookFormat } from '../endpoints/webhook-endpoint.entity.js';
import { formatPayload, withEventScope } from './webhook-format.js';
import { WebhookPayloadFactory } from './webhook-payload.factory.js';
import { WebhookTelemetry } from '../telemetry/webhook.telemetry.js';
import type { WebhookEventName } from './webhook-event.js';
import { WebhookAfterCommit } from './webhook-after-commit.js';
import { webhookOrderingKey } from './webhook-ordering.key.js';
import { WebhookDeliveryQueue } from '../engine/webhook-delivery.queue.js';
import { WebhookDeliveryWriter } from '../engine/webhook-delivery.writer.js';
import type { NewWebhookDelivery } from '../engine/webhook-delivery.writer.js';

export interface PublishOptions {
  /**
   * A TypeORM `EntityManager` inside the host's transaction: the delivery rows are
   * written in it, nothing is sent if it rolls back, and they are sent after it commits.
   */
  manager?: EntityManager;
}

/**
 * Records an event for every enabled, subscribed webhook of its scope: platform-wide ones
 * and those of the event's account whose `inboxIds` are empty or hold the event's inbox. When `publish` (or the
 * host's `emitAsync`) resolves, the delivery rows are in the database.
 */
@Injectable()
export class WebhookPublisher {
  constructor(
    private readonly payloads: WebhookPayloadFactory,
    private readonly endpoints: WebhookEndpointCache,
    private readonly writer: WebhookDeliveryWriter,
    private readonly queue: WebhookDeliveryQueue,
    private readonly afterCommit: WebhookAfterCommit,
    private readonly telemetry: WebhookTelemetry,
  ) {}

  /**
   * Maps `input` (the object the host would emit for `event`) and records one
   * delivery per subscribed webhook. Resolves to the delivery ids (none for a webhook
   * deleted while this ran).
   * Rejects, recording nothing, when the event's mapper throws.
   */
  publish(event: WebhookEventName, input: unknown, options: PublishOptions = {}): Promise<string[]> {
    return this.telemetry.publish(event, (traceparent) => this.record(event, input, options, traceparent));
  }

  private async record(event: WebhookEventName, input: unknown, options: PublishOptions, traceparent: string | undefined): Promise<string[]> {
    const scope = this.payloads.scope(event, input);
    const payload = withEventScope(this.payloads.build(event, input), scope);
    const endpoints = await this.endpoints.subscribed(event, scope);
    if (endpoints.length === 0) return [];
    const now = new Date();
    // Each format's body is made once, however many webhooks share it.
    const bodies = new Map<WebhookFormat, { payload: Record<string, unknown>; json: string }>();
    const bodyFor = (format: WebhookFormat) => {
      let body = bodies.get(format);
      if (!body) {
        const formatted = formatPayload(payload, format);
        body = { payload: formatted, json: JSON.stringify(formatted) };
        bodies.set(format, body);
      }
      return body;
    };
    const endpointOf = new Map(endpoints.map((e) => [e.id, e]));
    // The event's ordering key, read only when some webhook orders its deliveries.
    const orderingKey = endpoints.some((e) => e.ordering === 'conversation') ? webhookOrderingKey(event, payload.data) : undefined;
    const rows: NewWebhookDelivery[] = endpoints.map((endpoint) => ({
      id: randomUUID(),
      webhookId: endpoint.id,
      accountId: endpoint.accountId ?? null,
      event,
      payload: bodyFor(endpoint.format).payload,
      payloadJson: bodyFor(endpoint.format).json,
      status: 'pending',
      attempts: 0,
      isTest: false,
      traceparent: traceparent ?? null,
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
      ...(orderingKey && endpoint.ordering === 'conversation' ? { orderingKey } : {}),
    }));
    // A row whose webhook was deleted meanwhile is dropped; the others are stored and sent.
    const written = await this.writer.insert(rows, options.manager);
    const stored = rows.filter((_, i) => written[i]);
    const since = now.getTime();
    const jobs = stored.map((row) => ({
      deliveryId: row.id,
      attempt: 1,
      webhookId: row.webhookId,
      event,
      body: row.payloadJson!,
      since,
      ...(traceparent ? { traceparent } : {}),
      // Its webhook's gate is asked as it is queued: a job that would only wait in line needs no queue job.
      admit: { rateLimit: endpointOf.get(row.webhookId)!.rateLimit },
      // An ordered delivery is queued only in its turn; until then it has no job at all.
      ...(row.orderingKey ? { orderingKey: row.orderingKey, inOrder: true } : {}),
    }));
    const runner = options.manager?.queryRunner;
    if (runner?.isTransactionActive) this.afterCommit.defer(runner, jobs);
    // Not awaited: the rows are stored, and a Redis that is slow or down must not hold up the chat request.
    else void this.queue.enqueue(jobs);
    return stored.map((row) => row.id);
  }
}
