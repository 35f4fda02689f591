import { describe, expect, it } from '@jest/globals';
import { ALL_EVENTS, WEBHOOK_EVENT_NAMES, isWebhookEventName } from './webhook-event.js';

describe('event names and subscriptions', () => {
  it('has the 15 names of CONTRACT section 2', () => {
    expect(WEBHOOK_EVENT_NAMES).toEqual([
      'conversation.started',
      'conversation.assigned',
      'conversation.status_changed',
      'conversation.resolved',
      'conversation.rated',
      'message.received',
      'message.sent',
      'message.updated',
      'contact.created',
      'contact.updated',
      'contact.banned',
      'contact.unbanned',
      'offline_message.created',
      'tag.added',
      'takeover.requested',
    ]);
    expect(isWebhookEventName('chat.exploded')).toBe(false);
    expect(isWebhookEventName(ALL_EVENTS)).toBe(false);
  });
});
