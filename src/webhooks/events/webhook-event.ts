/** The event names the module listens for and sends; a webhook subscribes to some of them or to `*`. */
export const WebhookEvent = {
  ConversationStarted: 'conversation.started',
  ConversationAssigned: 'conversation.assigned',
  ConversationStatusChanged: 'conversation.status_changed',
  ConversationResolved: 'conversation.resolved',
  ConversationRated: 'conversation.rated',
  MessageReceived: 'message.received',
  MessageSent: 'message.sent',
  MessageUpdated: 'message.updated',
  ContactCreated: 'contact.created',
  ContactUpdated: 'contact.updated',
  ContactBanned: 'contact.banned',
  ContactUnbanned: 'contact.unbanned',
  OfflineMessageCreated: 'offline_message.created',
  TagAdded: 'tag.added',
  TakeoverRequested: 'takeover.requested',
} as const;

export type WebhookEventName = (typeof WebhookEvent)[keyof typeof WebhookEvent];

/** Subscribing to this means every event, including ones added later. */
export const ALL_EVENTS = '*';

export const WEBHOOK_EVENT_NAMES: readonly WebhookEventName[] = Object.values(WebhookEvent);

const names = new Set<string>(WEBHOOK_EVENT_NAMES);

export function isWebhookEventName(value: unknown): value is WebhookEventName {
  return typeof value === 'string' && names.has(value);
}
