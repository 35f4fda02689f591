import { conversationFields, eventObject, isoTime, messageFields, orNull } from './payload-fields.js';
import type { AssigneeLike } from './payload-fields.js';
import { WebhookEvent } from './webhook-event.js';
import type { WebhookPayloadMappers } from './webhook-payload.mapper.js';

function assigneeFields(value: unknown, prefix: string) {
  if (value === null || value === undefined) {
    return { [`${prefix}_id`]: null, [`${prefix}_name`]: null };
  }
  const a = (typeof value === 'string' ? { name: value } : value) as AssigneeLike;
  return { [`${prefix}_id`]: orNull(a.id ?? undefined), [`${prefix}_name`]: orNull(a.name) };
}

function tagName(tag: unknown): string {
  if (typeof tag === 'string') return tag;
  if (tag && typeof tag === 'object' && typeof (tag as { name?: unknown }).name === 'string') {
    return (tag as { name: string }).name;
  }
  throw new TypeError('a tag must be a string or an object with a string "name"');
}

export const conversationMappers: WebhookPayloadMappers = {
  [WebhookEvent.ConversationStarted]: (conversation) => conversationFields(conversation),

  [WebhookEvent.ConversationAssigned]: (input) => {
    const e = eventObject(input, WebhookEvent.ConversationAssigned);
    return {
      ...conversationFields(e.conversation),
      ...assigneeFields(e.assignee, 'assignee'),
      ...assigneeFields(e.previousAssignee, 'previous_assignee'),
    };
  },

  [WebhookEvent.ConversationStatusChanged]: (input) => {
    const e = eventObject(input, WebhookEvent.ConversationStatusChanged);
    return { ...conversationFields(e.conversation), previous_status: orNull(e.previousStatus as string | undefined) };
  },

  [WebhookEvent.ConversationResolved]: (input) => {
    const e = eventObject(input, WebhookEvent.ConversationResolved);
    const messages = Array.isArray(e.messages) ? e.messages.map(messageFields) : [];
    // The transcript reads oldest first whatever order the host loaded it in.
    messages.sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? ''));
    const tags = Array.isArray(e.tags) ? e.tags.map(tagName) : [];
    return { ...conversationFields(e.conversation), resolved_at: isoTime(new Date()), messages, tags };
  },

  [WebhookEvent.ConversationRated]: (input) => {
    const e = eventObject(input, WebhookEvent.ConversationRated);
    return {
      ...conversationFields(e.conversation),
      rating: orNull(e.rating as number | undefined),
      comment: orNull(e.comment as string | undefined),
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
