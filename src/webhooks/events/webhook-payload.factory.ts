import { Inject, Injectable, Logger } from '@nestjs/common';
import { WebhookPayloadMappingError } from '../errors/webhook-payload-mapping.error.js';
import { WEBHOOKS_RESOLVED_OPTIONS } from '../webhooks.constants.js';
import type { ResolvedWebhooksOptions } from '../webhooks.options.js';
import { builtInMappers } from './built-in.mappers.js';
import { WEBHOOK_EVENT_DESCRIPTIONS, WEBHOOK_EVENT_SAMPLES } from './webhook-event.catalog.js';
import { webhookEventSchemas } from './webhook-event.schemas.js';
import type { WebhookEventSchema } from './webhook-event.schemas.js';
import { WEBHOOK_EVENT_NAMES, isWebhookEventName } from './webhook-event.js';
import type { WebhookEventName } from './webhook-event.js';
import type { WebhookPayload, WebhookPayloadMapper } from './webhook-payload.mapper.js';
import { resolveEventScope } from './webhook-event.scope.js';
import type { ResolvedEventScope, WebhookScopeOf } from './webhook-event.scope.js';

/** One event of `GET /events`. */
export interface WebhookCatalogEntry {
  name: WebhookEventName;
  description: string;
  /** The catalog sample, mapped by the mapper the module uses for this event. */
  samplePayload: WebhookPayload;
  /** JSON Schema (draft 2020-12) of the payload as the built-in mapper makes it. */
  schema: WebhookEventSchema;
}

/**
 * Maps `input` with `mapper` into a payload. Any failure, a throw or something
 * other than a plain object, becomes a `WebhookPayloadMappingError` naming the event.
 */
export function buildWebhookPayload(
  event: WebhookEventName,
  input: unknown,
  mapper: WebhookPayloadMapper,
  timestamp: Date = new Date(),
): WebhookPayload {
  if (!isWebhookEventName(event)) {
    throw new TypeError(`Unknown webhook event "${String(event)}"; use one of WebhookEvent's values.`);
  }
  let data: Record<string, unknown>;
  try {
    data = mapper(input);
  } catch (err) {
    throw new WebhookPayloadMappingError(event, err);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new WebhookPayloadMappingError(event, new TypeError('the mapper must return a plain object'));
  }
  return { event, timestamp: timestamp.toISOString(), data };
}

/** The catalog of the built-in mappers: what `GET /events` answers when the host overrides none. */
export function builtInWebhookCatalog(): WebhookCatalogEntry[] {
  return WEBHOOK_EVENT_NAMES.map((name) => catalogEntry(name, builtInSample(name)));
}

function builtInSample(event: WebhookEventName, timestamp = WEBHOOK_EVENT_SAMPLES[event].at): WebhookPayload {
  return buildWebhookPayload(event, WEBHOOK_EVENT_SAMPLES[event].input, builtInMappers[event], timestamp);
}

function catalogEntry(name: WebhookEventName, samplePayload: WebhookPayload): WebhookCatalogEntry {
  return { name, description: WEBHOOK_EVENT_DESCRIPTIONS[name], samplePayload, schema: webhookEventSchemas[name] };
}

/** Builds payloads with the host's mapper for an event, else the built-in one. */
@Injectable()
export class WebhookPayloadFactory {
  private readonly logger = new Logger(WebhookPayloadFactory.name);
  private readonly mappers: Record<WebhookEventName, WebhookPayloadMapper>;
  private readonly hostMapped: ReadonlySet<string>;
  private readonly scopeOf: WebhookScopeOf;

  constructor(@Inject(WEBHOOKS_RESOLVED_OPTIONS) options: ResolvedWebhooksOptions) {
    this.scopeOf = options.scopeOf;
    const given = Object.entries(options.payloadMappers).filter(([, mapper]) => typeof mapper === 'function');
    this.mappers = { ...builtInMappers, ...Object.fromEntries(given) };
    this.hostMapped = new Set(given.map(([event]) => event));
  }

  build(event: WebhookEventName, input: unknown, timestamp = new Date()): WebhookPayload {
    return buildWebhookPayload(event, input, this.mappers[event], timestamp);
  }

  /**
   * The account and inbox of an emitted event, by `scopeOf`. A `scopeOf` that throws fails the
   * event like a mapper that throws: nothing is recorded rather than sent to the wrong webhooks.
   */
  scope(event: WebhookEventName, input: unknown): ResolvedEventScope {
    try {
      return resolveEventScope(this.scopeOf(event, input));
    } catch (err) {
      throw new WebhookPayloadMappingError(event, err, 'scopeOf');
    }
  }

  /**
   * The catalog sample of `event`, through the mapper in use. A host mapper
   * written for the host's own objects may not read the built-in sample
   * objects; then the built-in mapper's sample stands in, rather than the
   * catalog (or a test delivery) failing.
   */
  sample(event: WebhookEventName, timestamp = WEBHOOK_EVENT_SAMPLES[event].at): WebhookPayload {
    try {
      return this.build(event, WEBHOOK_EVENT_SAMPLES[event].input, timestamp);
    } catch (err) {
      if (!this.hostMapped.has(event)) throw err;
      this.logger.warn(
        `payloadMappers["${event}"] could not map the catalog's sample object, so the catalog shows the built-in sample: ${(err as Error).message}`,
      );
      return builtInSample(event, timestamp);
    }
  }

  catalog(): WebhookCatalogEntry[] {
    return WEBHOOK_EVENT_NAMES.map((name) => catalogEntry(name, this.sample(name)));
  }
}
