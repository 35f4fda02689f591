export { WebhooksModule } from './webhooks.module.js';
export { WebhooksService } from './webhooks.service.js';
export type { WebhookTestResult, WebhookDeliverySummary, WebhookDeliveryDetail, WebhookAttemptLogEntry, WebhookAdminScopeView } from './webhooks.service.js';
export { WebhookPublisher } from './events/webhook.publisher.js';
export type { PublishOptions } from './events/webhook.publisher.js';
export { WebhookEvent, WEBHOOK_EVENT_NAMES, ALL_EVENTS } from './events/webhook-event.js';
export type { WebhookEventName } from './events/webhook-event.js';
export type { WebhookPayload, WebhookPayloadMapper, WebhookPayloadMappers } from './events/webhook-payload.mapper.js';
export type {
  ConversationLike,
  MessageLike,
  MessageAuthorType,
  ContactLike,
  OfflineMessageLike,
  AssigneeLike,
} from './events/payload-fields.js';
export { webhookEventSchemas } from './events/webhook-event.schemas.js';
export type { WebhookEventSchema } from './events/webhook-event.schemas.js';
export type { WebhookCatalogEntry } from './events/webhook-payload.factory.js';
export type { WebhookListItem, WebhookView } from './endpoints/webhook.view.js';
export type { WebhookHealthStats, WebhookHealthSummary, WebhooksOverviewStats } from './stats/webhook-stats.types.js';
export type { WebhookDisabledEvent } from './endpoints/webhook-endpoints.service.js';
export type { WebhookFormat, WebhookOrdering } from './endpoints/webhook-endpoint.entity.js';
export type { WebhookDeliveryStatus } from './delivery-log/webhook-delivery.entity.js';
export { CreateWebhookDto } from './endpoints/dto/create-webhook.dto.js';
export { UpdateWebhookDto } from './endpoints/dto/update-webhook.dto.js';
export { ReplayDeliveriesDto } from './endpoints/dto/replay-deliveries.dto.js';
export { webhookEntities, webhookMigrations } from './webhooks.entities.js';
// By name too, so a host's own declarations (e.g. `export const migrations = [...webhookMigrations]`) can name their types.
export { WebhookEndpoint } from './endpoints/webhook-endpoint.entity.js';
export { WebhookDelivery } from './delivery-log/webhook-delivery.entity.js';
export { WebhookDeliveryAttempt } from './delivery-log/webhook-delivery-attempt.entity.js';
export { CreateWebhookTables1737000000000 } from './migrations/1737000000000-create-webhook-tables.js';
export { AddWebhookRateLimit1738000000000 } from './migrations/1738000000000-add-webhook-rate-limit.js';
export { AddWebhookStatsIndexes1738100000000 } from './migrations/1738100000000-add-webhook-stats-indexes.js';
export { AddDeliveryTraceparent1738200000000 } from './migrations/1738200000000-add-delivery-traceparent.js';
export { AddAttemptResponses1739000000000 } from './migrations/1739000000000-add-attempt-responses.js';
export { AddWebhookAccounts1740000000000 } from './migrations/1740000000000-add-webhook-accounts.js';
export { AddAttemptRequestHeaders1740300000000 } from './migrations/1740300000000-add-attempt-request-headers.js';
export { AddWebhookOrdering1741000000000 } from './migrations/1741000000000-add-webhook-ordering.js';
export { verifyWebhookSignature } from './security/webhook-signature.js';
export type { VerifyWebhookOptions, WebhookHeaders } from './security/webhook-signature.js';
export { WebhookVerificationError } from './errors/webhook-verification.error.js';
export type { WebhookVerificationFailure } from './errors/webhook-verification.error.js';
export { WebhookPayloadMappingError } from './errors/webhook-payload-mapping.error.js';
export { WebhookModuleOptionsError } from './errors/webhook-module-options.error.js';
export { WebhookSecretKeyError } from './errors/webhook-secret-key.error.js';
export { WebhookRedisClusterError } from './errors/webhook-redis-cluster.error.js';
export type { WebhookSecretKeyProblem } from './errors/webhook-secret-key.error.js';
export {
  WEBHOOK_DISABLED_EVENT,
  WEBHOOK_DELIVERED_EVENT,
  WEBHOOK_FAILED_EVENT,
  WEBHOOK_PAUSED_EVENT,
  WEBHOOK_RESUMED_EVENT,
} from './webhooks.constants.js';
export type { WebhookPausedEvent, WebhookResumedEvent } from './engine/webhook-delivery.runner.js';
export type { WebhookDeliveredEvent, WebhookFailedEvent } from './telemetry/webhook-telemetry.types.js';
export type {
  WebhooksModuleOptions,
  WebhooksModuleExtras,
  WebhookAdminScope,
  WebhookAdminScopeOption,
  WebhookAdminScopeResolver,
} from './webhooks.options.js';
export type { WebhookEventScope, WebhookScopeId, WebhookScopeOf } from './events/webhook-event.scope.js';
export type {
  WebhookDnsLookup, WebhookHttpRequest, WebhookHttpResult, WebhookResolvedAddress, WebhookTlsOptions, WebhookTransport,
} from './webhooks.types.js';
