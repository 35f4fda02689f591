import {
  assigneeFields,
  conversationFields,
  eventObject,
  firstTime,
  messageFields,
  orNull,
  tagName,
} from './payload-fields.js';
import type { TimeLike } from './payload-fields.js';
import { WebhookEvent } from './webhook-event.js';
import type { WebhookPayloadMappers } from './webhook-payload.mapper.js';

function rating(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`"rating" must be a number from 1 to 5; got ${value === undefined ? 'none' : JSON.stringify(value)}`);
  }
  return value;
}

export const conversationMappers: WebhookPayloadMappers = {
  [WebhookEvent.ConversationStarted]: (conversation) => conversationFields(conversation),

  [WebhookEvent.ConversationAssigned]: (input) => {
    const e = eventObject(input, WebhookEvent.ConversationAssigned);
    const assignee = assigneeFields(e.assignee);
    const previous = assigneeFields(e.previousAssignee);
    return {
      ...conversationFields(e.conversation),
      assignee_id: assignee.id,
      assignee_name: assignee.name,
      previous_assignee_id: previous.id,
      previous_assignee_name: previous.name,
    };
  },

  [WebhookEvent.ConversationStatusChanged]: (input) => {
    const e = eventObject(input, WebhookEvent.ConversationStatusChanged);
    return { ...conversationFields(e.conversation), previous_status: orNull(e.previousStatus as string | null | undefined) };
  },

  [WebhookEvent.ConversationResolved]: (input) => {
    const e = eventObject(input, WebhookEvent.ConversationResolved);
    const conversation = conversationFields(e.conversation);
    // The host's own time of closing; the mapping time only when it gave none.
    const resolvedAt = firstTime(
      [e.resolvedAt as TimeLike, (e.conversation as { resolvedAt?: TimeLike }).resolvedAt],
      new Date(),
    );
    const messages = Array.isArray(e.messages) ? e.messages.map(messageFields) : [];
    // The transcript reads oldest first whatever order the host loaded it in (a stable sort keeps ties as given).
    messages.sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? ''));
    const tags = Array.isArray(e.tags) ? e.tags.map(tagName) : [];
    return { ...conversation, resolved_at: resolvedAt, messages, tags };
  },

  [WebhookEvent.ConversationRated]: (input) => {
    const e = eventObject(input, WebhookEvent.ConversationRated);
    return {
      ...conversationFields(e.conversation),
      rating: rating(e.rating),
      comment: orNull(e.comment as string | null | undefined),
    };
  },

  [WebhookEvent.TagAdded]: (input) => {
    const e = eventObject(input, WebhookEvent.TagAdded);
    return { ...conversationFields(e.conversation), tag: tagName(e.tag) };
  },

  [WebhookEvent.TakeoverRequested]: (input) => {
    const e = eventObject(input, WebhookEvent.TakeoverRequested);
    return conversationFields(e.conversation);
  },
};
