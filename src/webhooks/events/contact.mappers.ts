import { contactFields, eventObject, isoTime, orNull } from './payload-fields.js';
import type { OfflineMessageLike } from './payload-fields.js';
import { WebhookEvent } from './webhook-event.js';
import type { WebhookPayloadMappers } from './webhook-payload.mapper.js';

export const contactMappers: WebhookPayloadMappers = {
  [WebhookEvent.ContactCreated]: (contact) => contactFields(contact),
  [WebhookEvent.ContactUpdated]: (contact) => contactFields(contact),
  [WebhookEvent.ContactBanned]: (contact) => contactFields(contact),
  [WebhookEvent.ContactUnbanned]: (contact) => contactFields(contact),

  [WebhookEvent.OfflineMessageCreated]: (input) => {
    const m = eventObject(input, WebhookEvent.OfflineMessageCreated) as unknown as OfflineMessageLike;
    return {
      offline_message_id: m.id,
      name: orNull(m.name),
      email: orNull(m.email),
      message: orNull(m.message),
      created_at: isoTime(m.createdAt),
    };
  },
};
