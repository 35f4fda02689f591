/** Helpers for a host's own tests: `import { WebhookTestTransport } from 'nestjs-chat-webhooks/testing'`. */
export { WebhookTestTransport } from './testing/webhook-test.transport.js';
export type {
  WebhookTestRequest,
  WebhookTestResponse,
  WebhookTestResponder,
  WebhookTestWaitOptions,
} from './testing/webhook-test.transport.js';
export { waitForWebhooksIdle } from './testing/webhooks-idle.js';
export type { WaitForWebhooksIdleOptions } from './testing/webhooks-idle.js';
export type { WebhookHttpRequest, WebhookHttpResult, WebhookTransport } from './webhooks.types.js';
