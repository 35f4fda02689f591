import { contactMappers } from './contact.mappers.js';
import { conversationMappers } from './conversation.mappers.js';
import { messageMappers } from './message.mappers.js';
import type { WebhookEventName } from './webhook-event.js';
import type { WebhookPayloadMapper } from './webhook-payload.mapper.js';

export const builtInMappers = {
  ...conversationMappers,
  ...messageMappers,
  ...contactMappers,
} as Record<WebhookEventName, WebhookPayloadMapper>;
