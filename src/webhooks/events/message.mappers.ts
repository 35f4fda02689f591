import { conversationFields, eventObject, firstTime, messageFields } from './payload-fields.js';
import type { TimeLike } from './payload-fields.js';
import { WebhookEvent } from './webhook-event.js';
import type { WebhookPayloadMappers } from './webhook-payload.mapper.js';

/**
 * The message's fields, then its conversation's, then `created_at` (the
 * message's: the conversation's own start time is left out).
 */
function messageWithConversation(e: Record<string, unknown>) {
  const { created_at, ...message } = messageFields(e.message);
  const { created_at: _conversationStartedAt, ...conversation } = conversationFields(e.conversation);
  return { ...message, ...conversation, created_at };
}

export const messageMappers: WebhookPayloadMappers = {
  // CONTRACT section 3, key for key: no author_type, as a received message is always the visitor's.
  [WebhookEvent.MessageReceived]: (input) => {
    const { author_type: _visitor, ...data } = messageWithConversation(eventObject(input, WebhookEvent.MessageReceived));
    return data;
  },

  [WebhookEvent.MessageSent]: (input) => messageWithConversation(eventObject(input, WebhookEvent.MessageSent)),

  [WebhookEvent.MessageUpdated]: (input) => {
    const e = eventObject(input, WebhookEvent.MessageUpdated);
    const data = messageWithConversation(e);
    // The host's own edit time; the mapping time only when it gave none.
    const updatedAt = firstTime([(e.message as { updatedAt?: TimeLike }).updatedAt, e.updatedAt as TimeLike], new Date());
    return { ...data, updated_at: updatedAt };
  },
};
