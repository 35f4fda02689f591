import { createHash } from 'node:crypto';
import type { WebhookEventName } from './webhook-event.js';

/** The longest ordering key stored as it is; a longer one is stored as a hash (the column holds 200). */
const KEY_MAX_LENGTH = 190;

/**
 * The ordering key of an event for a webhook with `ordering: conversation`, read from the
 * payload's `data` as the receiver gets it: `c:<conversation_id>` for `conversation.*`,
 * `message.*`, `tag.added` and `takeover.requested`; `k:<contact_id>` for `contact.*`.
 * Undefined (never held back) for `offline_message.created`, and for a payload whose host
 * mapper left the id out.
 */
export function webhookOrderingKey(event: WebhookEventName | string, data: Record<string, unknown> | undefined): string | undefined {
  const family = event.slice(0, event.indexOf('.'));
  let key: string | undefined;
  if (family === 'conversation' || family === 'message' || event === 'tag.added' || event === 'takeover.requested') {
    key = idKey('c', data?.conversation_id);
  } else if (family === 'contact') {
    key = idKey('k', data?.contact_id);
  }
  if (key === undefined || key.length <= KEY_MAX_LENGTH) return key;
  return `${key.slice(0, 2)}#${createHash('sha256').update(key).digest('hex')}`;
}

function idKey(prefix: string, id: unknown): string | undefined {
  if ((typeof id === 'number' && Number.isFinite(id)) || (typeof id === 'string' && id !== '')) return `${prefix}:${id}`;
  return undefined;
}
