/** Injection token of the options as the host gave them. */
export const WEBHOOKS_MODULE_OPTIONS = Symbol('WEBHOOKS_MODULE_OPTIONS');
/** Injection token of the options merged with their defaults. */
export const WEBHOOKS_RESOLVED_OPTIONS = Symbol('WEBHOOKS_RESOLVED_OPTIONS');
/** The Bull queue that carries deliveries. */
export const WEBHOOKS_QUEUE = 'webhooks';
/** Job name of one delivery attempt. */
export const WEBHOOKS_DELIVER_JOB = 'deliver';
/** Nest event the module emits when it disables an endpoint. */
export const WEBHOOK_DISABLED_EVENT = 'webhook.disabled';
/** Nest event the module emits when the breaker pauses a webhook after transient failures in a row. */
export const WEBHOOK_PAUSED_EVENT = 'webhook.paused';
/** Nest event the module emits when a paused webhook's probe succeeded and sending resumes. */
export const WEBHOOK_RESUMED_EVENT = 'webhook.resumed';
export const DEFAULT_ADMIN_PATH = 'admin/live-chat/webhooks';
/** Nest event the module emits when a delivery succeeded. */
export const WEBHOOK_DELIVERED_EVENT = 'webhook.delivered';
/** Nest event the module emits when a delivery failed its last retry. */
export const WEBHOOK_FAILED_EVENT = 'webhook.failed';
/** Injection token of the transport in use (the `transport` option, or the HTTPS sender). */
export const WEBHOOKS_TRANSPORT = Symbol('WEBHOOKS_TRANSPORT');
