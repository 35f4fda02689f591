/** The endpoint's address is on a private network and `allowPrivateNetworks` is false. */
export class WebhookBlockedAddressError extends Error {
  readonly code = 'WEBHOOK_BLOCKED_ADDRESS';

  constructor(hostname: string, address: string, reason: string) {
    const target = hostname === address ? address : `${hostname} (${address})`;
    super(
      `Webhook URL points to a private or reserved address: ${target} is ${reason}. ` +
        'Use a public host, or set allowPrivateNetworks in the host app to allow it.',
    );
    this.name = 'WebhookBlockedAddressError';
  }

  /** The message naming the field it is about, as a 400 of the admin API gives it. */
  get fieldMessage(): string {
    return `url must not point to a private network: ${this.message}`;
  }
}
