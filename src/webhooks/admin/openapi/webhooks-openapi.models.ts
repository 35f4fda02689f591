/**
 * The admin API's answers as classes, only so that OpenAPI can name their
 * schemas; their properties are described in `webhooks-openapi.description.ts`.
 */
export class WebhookViewModel {}
export class WebhookListItemModel {}
export class WebhookHealthSummaryModel {}
export class WebhookEventModel {}
export class WebhookScopeModel {}
export class WebhookSecretModel {}
export class WebhookTestResultModel {}
export class WebhookDeliverySummaryModel {}
export class WebhookDeliveryPageModel {}
export class WebhookDeliveryAttemptModel {}
export class WebhookDeliveryDetailModel {}
export class WebhookRedeliveryModel {}
export class WebhookErrorModel {}
export class WebhooksOverviewStatsModel {}
export class WebhookHealthStatsModel {}
export class WebhookHourStatsModel {}
export class WebhookReplayModel {}
