import { describe, expect, it } from '@jest/globals';
import { contactMappers } from './contact.mappers.js';
import { WebhookEvent } from './webhook-event.js';
import type { WebhookPayloadMapper } from './webhook-payload.mapper.js';

const byName = contactMappers as Record<string, WebhookPayloadMapper>;

describe('contact and offline-message mappers', () => {
  const contact = { id: 733, name: 'Ada Lovelace', email: 'ada@example.com', createdAt: new Date('2025-01-15T10:30:00.000Z') };

  it.each([WebhookEvent.ContactCreated, WebhookEvent.ContactUpdated, WebhookEvent.ContactBanned, WebhookEvent.ContactUnbanned])(
    '%s: the contact, every key present',
    (event) => {
      const data = byName[event](contact);
      expect(data).toStrictEqual({
        contact_id: 733,
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        phone: null,
        notes: null,
        created_at: '2025-01-15T10:30:00.000Z',
      });
      expect(Object.keys(data)).toEqual(['contact_id', 'name', 'email', 'phone', 'notes', 'created_at']);
    },
  );

  it('keeps a string id a string, and refuses a contact without one', () => {
    expect(byName[WebhookEvent.ContactUpdated]({ ...contact, id: 'ct_1', notes: 'VIP' })).toMatchObject({ contact_id: 'ct_1', notes: 'VIP' });
    expect(() => byName[WebhookEvent.ContactCreated]({ name: 'x' })).toThrow('a contact needs an "id"');
  });

  it('offline_message.created: the form as filled in', () => {
    const data = byName[WebhookEvent.OfflineMessageCreated]({
      id: 311,
      name: 'Ada',
      email: 'ada@example.com',
      message: 'Call me back',
      createdAt: '2025-01-15T22:05:00.000Z',
    });
    expect(data).toStrictEqual({
      offline_message_id: 311,
      name: 'Ada',
      email: 'ada@example.com',
      message: 'Call me back',
      created_at: '2025-01-15T22:05:00.000Z',
    });
    expect(() => byName[WebhookEvent.OfflineMessageCreated](undefined)).toThrow('expected an offline message object, got undefined');
  });
});
