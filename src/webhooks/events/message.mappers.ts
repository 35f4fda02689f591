import { conversationFields, eventObject, isoTime, messageFields } from './payload-fields.js';
import { WebhookEvent } from './webhook-event.js';
import type { WebhookPayloadMappers } from './webhook-payload.mapper.js';

/** The message's fields with its conversation's; `created_at` is the message's. */
function messageWithConversation(input: unknown, event: string) {
  const e = eventObject(input, event);
  const message = messageFields(e.message);
  const { created_at: _conversationCreatedAt, ...conversation } = conversationFields(e.conversation);
  return { message, conversation };
}

export const messageMappers: WebhookPayloadMappers = {
  // The section-3 shape, key for key: a visitor's message has no author but the visitor.
  [WebhookEvent.MessageReceived]: (input) => {
    const { message, conversation } = messageWithConversation(input, WebhookEvent.MessageReceived);
    return {
      message_id: message.message_id,
      content: message.content,
      is_from_admin: message.is_from_admin,
      admin_name: message.admin_name,
      ...conversation,
      created_at: message.created_at,
    };
  },

  [WebhookEvent.MessageSent]: (input) => {
    const { message, conversation } = messageWithConversation(input, WebhookEvent.MessageSent);
    const { created_at, ...rest } = message;
    return { ...rest, ...conversation, created_at };
  },

  [WebhookEvent.MessageUpdated]: (input) => {
    const { message, conversation } = messageWithConversation(input, WebhookEvent.MessageUpdated);
    const { created_at, ...rest } = message;
    const updatedAt = (eventObject(input, WebhookEvent.MessageUpdated).message as { updatedAt?: Date | string })
      .updatedAt;
    return { ...rest, ...conversation, created_at, updated_at: isoTime(updatedAt ?? new Date()) };
  },
};
