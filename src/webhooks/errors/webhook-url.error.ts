/** A webhook URL was refused for its form (scheme, credentials, port, host); the admin API answers it with 400. */
export class WebhookUrlError extends Error {
  readonly code = 'WEBHOOK_INVALID_URL';

  /**
   * @param message what is wrong, as the delivery log and the admin API show it
   * @param summary what the URL must be, for a message that does not start with `url ` (e.g. `must use HTTPS`)
   */
  constructor(
    message: string,
    private readonly summary = 'is invalid',
  ) {
    super(message);
    this.name = 'WebhookUrlError';
  }

  /** The message naming the field it is about, as a 400 of the admin API gives it. */
  get fieldMessage(): string {
    return this.message.startsWith('url ') ? this.message : `url ${this.summary}: ${this.message}`;
  }
}
