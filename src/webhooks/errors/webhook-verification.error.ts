/** Thrown by `verifyWebhookSignature` when a request is not authentic or is too old. */
export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}
