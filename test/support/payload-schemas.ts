import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
// The same objects the package exports as `webhookEventSchemas`, imported without the rest of the module.
import { WEBHOOK_EVENT_NAMES } from '../../src/webhooks/events/webhook-event.js';
import type { WebhookEventName } from '../../src/webhooks/events/webhook-event.js';
import { webhookEventSchemas } from '../../src/webhooks/events/webhook-event.schemas.js';

// ajv-formats is CommonJS: under ESM its default export may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

/**
 * One validator per event, compiled once. Strict, so a keyword ajv does not
 * know is an error too; union types (`["string", "null"]`) are plain JSON Schema.
 */
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validators = new Map<string, ValidateFunction>(
  WEBHOOK_EVENT_NAMES.map((event) => [event, ajv.compile(webhookEventSchemas[event] as object)]),
);

/** Why `body` does not match the schema of its own `event` (or of `event` when given); empty when it does. */
export function payloadSchemaErrors(body: unknown, event?: WebhookEventName): string[] {
  const name = event ?? (body as { event?: unknown } | null)?.event;
  const validate = typeof name === 'string' ? validators.get(name) : undefined;
  if (!validate) return [`no schema for event ${JSON.stringify(name)}`];
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}

/** Throws, naming every mismatch, unless `body` is valid against its event's schema. */
export function expectValidPayload(body: unknown): void {
  const errors = payloadSchemaErrors(body);
  if (errors.length > 0) {
    throw new Error(`Payload does not match the schema of ${JSON.stringify((body as { event?: unknown })?.event)}:\n  ${errors.join('\n  ')}\n${JSON.stringify(body, null, 2)}`);
  }
}
