/** Receiver-side entry point: loads no NestJS code. */
export { verifyWebhookSignature } from './security/webhook-signature.js';
export type { VerifyWebhookOptions, WebhookHeaders } from './security/webhook-signature.js';
export { WebhookVerificationError } from './errors/webhook-verification.error.js';
export type { WebhookVerificationFailure } from './errors/webhook-verification.error.js';
