import { contactFields, offlineMessageFields } from './payload-fields.js';
import { WebhookEvent } from './webhook-event.js';
import type { WebhookPayloadMappers } from './webhook-payload.mapper.js';

export const contactMappers: WebhookPayloadMappers = {
  [WebhookEvent.ContactCreated]: (contact) => contactFields(contact),
  [WebhookEvent.ContactUpdated]: (contact) => contactFields(contact),
  [WebhookEvent.ContactBanned]: (contact) => contactFields(contact),
  [WebhookEvent.ContactUnbanned]: (contact) => contactFields(contact),
  [WebhookEvent.OfflineMessageCreated]: (message) => offlineMessageFields(message),
};
