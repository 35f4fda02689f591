import { ValidateBy } from 'class-validator';
import type { ValidationOptions } from 'class-validator';
import { ALL_EVENTS, isWebhookEventName } from '../../events/webhook-event.js';

/** An offending entry as shown in a message: JSON (so control characters show escaped), cut short. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function invalidNames(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((v) => !(v === ALL_EVENTS || isWebhookEventName(v))).map(shown);
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
          const list = bad.slice(0, 5).join(', ') + (bad.length > 5 ? `, and ${bad.length - 5} more` : '');
          return `Invalid subscription event type in events: ${list || 'events must be an array of event names'}. ` +
            'See GET /events for the names, or use "*" for all.';
        },
      },
    },
    options,
  );
}
