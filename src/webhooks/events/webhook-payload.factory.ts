import { Inject, Injectable } from '@nestjs/common';
import { WebhookPayloadMappingError } from '../errors/webhook-payload-mapping.error.js';
import { WEBHOOKS_RESOLVED_OPTIONS } from '../webhooks.constants.js';
import type { ResolvedWebhooksOptions } from '../webhooks.options.js';
import { builtInMappers } from './built-in.mappers.js';
import { WEBHOOK_EVENT_DESCRIPTIONS, WEBHOOK_SAMPLE_INPUTS } from './webhook-event.catalog.js';
import { WEBHOOK_EVENT_NAMES, isWebhookEventName } from './webhook-event.js';
import type { WebhookEventName } from './webhook-event.js';
import type { WebhookPayload, WebhookPayloadMapper } from './webhook-payload.mapper.js';

export interface WebhookCatalogEntry {
  name: WebhookEventName;
  description: string;
  samplePayload: WebhookPayload;
}

/** Builds payloads with the host's mapper for an event, else the built-in one. */
@Injectable()
export class WebhookPayloadFactory {
  private readonly mappers: Record<WebhookEventName, WebhookPayloadMapper>;

  constructor(@Inject(WEBHOOKS_RESOLVED_OPTIONS) options: ResolvedWebhooksOptions) {
    this.mappers = { ...builtInMappers, ...options.payloadMappers };
  }

  build(event: WebhookEventName, input: unknown, timestamp = new Date()): WebhookPayload {
    if (!isWebhookEventName(event)) {
      throw new TypeError(`Unknown webhook event "${String(event)}"; use one of WebhookEvent's values.`);
    }
    let data: Record<string, unknown>;
    try {
      data = this.mappers[event](input);
    } catch (err) {
      throw new WebhookPayloadMappingError(event, err);
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new WebhookPayloadMappingError(event, new TypeError('the mapper must return a plain object'));
    }
    return { event, timestamp: timestamp.toISOString(), data };
  }

  sample(event: WebhookEventName): WebhookPayload {
    return this.build(event, WEBHOOK_SAMPLE_INPUTS[event]);
  }

  catalog(): WebhookCatalogEntry[] {
    return WEBHOOK_EVENT_NAMES.map((name) => ({
      name,
      description: WEBHOOK_EVENT_DESCRIPTIONS[name],
      samplePayload: this.sample(name),
    }));
  }
}
