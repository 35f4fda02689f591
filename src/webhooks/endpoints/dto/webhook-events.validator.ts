import { ValidateBy } from 'class-validator';
import type { ValidationOptions } from 'class-validator';
import { ALL_EVENTS, isWebhookEventName } from '../../events/webhook-event.js';

function invalidNames(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((v) => !(v === ALL_EVENTS || isWebhookEventName(v))).map((v) => JSON.stringify(v));
}

/** Every entry is an event name of the catalog or `*`. */
export function IsWebhookEventList(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isWebhookEventList',
      validator: {
        validate: (value) => Array.isArray(value) && invalidNames(value).length === 0,
        defaultMessage: (args) => {
          const bad = invalidNames(args?.value);
          const shown = bad.slice(0, 5).join(', ') + (bad.length > 5 ? `, and ${bad.length - 5} more` : '');
          return `Invalid subscription event type: ${shown || 'events must be an array of event names'}. ` +
            'See GET /events for the names, or use "*" for all.';
        },
      },
    },
    options,
  );
}
