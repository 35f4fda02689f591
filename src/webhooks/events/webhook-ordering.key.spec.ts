import { describe, expect, it } from '@jest/globals';
import { WEBHOOK_EVENT_SAMPLES } from './webhook-event.catalog.js';
import { WEBHOOK_EVENT_NAMES } from './webhook-event.js';
import type { WebhookEventName } from './webhook-event.js';
import { builtInMappers } from './built-in.mappers.js';
import { webhookOrderingKey } from './webhook-ordering.key.js';

describe('webhookOrderingKey', () => {
  const keyOf = (event: WebhookEventName) => webhookOrderingKey(event, builtInMappers[event](WEBHOOK_EVENT_SAMPLES[event].input));

  it('keys every event by its conversation, its contact, or nothing, as the contract lists them', () => {
    const byEvent = Object.fromEntries(WEBHOOK_EVENT_NAMES.map((e) => [e, keyOf(e)?.slice(0, 2)]));
    expect(byEvent).toEqual({
      'conversation.started': 'c:',
      'conversation.assigned': 'c:',
      'conversation.status_changed': 'c:',
      'conversation.resolved': 'c:',
      'conversation.rated': 'c:',
      'message.received': 'c:',
      'message.sent': 'c:',
      'message.updated': 'c:',
      'tag.added': 'c:',
      'takeover.requested': 'c:',
      'contact.created': 'k:',
      'contact.updated': 'k:',
      'contact.banned': 'k:',
      'contact.unbanned': 'k:',
      'offline_message.created': undefined,
    });
  });

  it("puts a conversation's messages and its own events under one key, and another conversation under another", () => {
    expect(webhookOrderingKey('conversation.started', { conversation_id: 17 })).toBe('c:17');
    expect(webhookOrderingKey('message.received', { conversation_id: 17, message_id: 3 })).toBe('c:17');
    expect(webhookOrderingKey('tag.added', { conversation_id: 17, tag: 'vip' })).toBe('c:17');
    expect(webhookOrderingKey('takeover.requested', { conversation_id: 'a-b' })).toBe('c:a-b');
    expect(webhookOrderingKey('message.sent', { conversation_id: 18 })).toBe('c:18');
    expect(webhookOrderingKey('contact.updated', { contact_id: 17 })).toBe('k:17');
  });

  it('gives no key when the id is missing (a host mapper that leaves it out): such a delivery is never held back', () => {
    expect(webhookOrderingKey('message.received', { message_id: 3 })).toBeUndefined();
    expect(webhookOrderingKey('contact.created', { contact_id: '' })).toBeUndefined();
    expect(webhookOrderingKey('offline_message.created', { offline_message_id: 1, conversation_id: 4 })).toBeUndefined();
  });

  it('hashes an id too long for the column, the same way every time', () => {
    const long = 'x'.repeat(500);
    const key = webhookOrderingKey('message.sent', { conversation_id: long })!;
    expect(key.length).toBeLessThanOrEqual(200);
    expect(key.startsWith('c:#')).toBe(true);
    expect(webhookOrderingKey('conversation.resolved', { conversation_id: long })).toBe(key);
    expect(webhookOrderingKey('conversation.resolved', { conversation_id: `${long}y` })).not.toBe(key);
  });
});
