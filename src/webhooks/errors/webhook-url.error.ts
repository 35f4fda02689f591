/** A webhook URL was refused for its form (scheme, credentials, port, host); the admin API answers it with 400. */
export class WebhookUrlError extends Error {
  readonly code = 'WEBHOOK_INVALID_URL';

  constructor(message: string) {
    super(message);
    this.name = 'WebhookUrlError';
  }
}
