import { WebhookDeliveryAttempt } from './delivery-log/webhook-delivery-attempt.entity.js';
import { WebhookDelivery } from './delivery-log/webhook-delivery.entity.js';
import { WebhookEndpoint } from './endpoints/webhook-endpoint.entity.js';
import { CreateWebhookTables1737000000000 } from './migrations/1737000000000-create-webhook-tables.js';
import { AddWebhookRateLimit1738000000000 } from './migrations/1738000000000-add-webhook-rate-limit.js';
import { AddWebhookStatsIndexes1738100000000 } from './migrations/1738100000000-add-webhook-stats-indexes.js';
import { AddDeliveryTraceparent1738200000000 } from './migrations/1738200000000-add-delivery-traceparent.js';
import { AddAttemptResponses1739000000000 } from './migrations/1739000000000-add-attempt-responses.js';
import { AddWebhookAccounts1740000000000 } from './migrations/1740000000000-add-webhook-accounts.js';
import { AddAttemptRequestHeaders1740300000000 } from './migrations/1740300000000-add-attempt-request-headers.js';
import { AddWebhookOrdering1741000000000 } from './migrations/1741000000000-add-webhook-ordering.js';

/** The module's TypeORM entities, for a host that lists entities itself. */
export const webhookEntities = [WebhookEndpoint, WebhookDelivery, WebhookDeliveryAttempt];

/** The module's migrations, in order; add them to the host's `migrations`. */
export const webhookMigrations = [
  CreateWebhookTables1737000000000,
  AddWebhookRateLimit1738000000000,
  AddWebhookStatsIndexes1738100000000,
  AddDeliveryTraceparent1738200000000,
  AddAttemptResponses1739000000000,
  AddWebhookAccounts1740000000000,
  AddAttemptRequestHeaders1740300000000,
  AddWebhookOrdering1741000000000,
];
