/** Why a stored signing secret could not be opened. */
export type WebhookSecretKeyProblem =
  /** The secret is stored encrypted and this process has no `secretEncryptionKey`. */
  | 'missing_key'
  /** It was encrypted with another key than this process's `secretEncryptionKey` (or the row was altered). */
  | 'wrong_key'
  /** The stored value is not one this module wrote. */
  | 'unreadable';

const WHAT_TO_DO =
  'Give every process that runs WebhooksModule (API nodes and workers) the same secretEncryptionKey as the node that ' +
  'saved the webhook (WebhooksModule.forRoot({ secretEncryptionKey })), then restart it; the deliveries that failed ' +
  'for this can be sent again with redeliver or replay.';

/**
 * A webhook's signing secret is stored encrypted and this process cannot open
 * it: nothing can be signed, so nothing is sent to that webhook until the key
 * is fixed. Typically a worker started without the API node's `secretEncryptionKey`.
 */
export class WebhookSecretKeyError extends Error {
  readonly code = 'WEBHOOK_SECRET_KEY';

  constructor(
    readonly problem: WebhookSecretKeyProblem,
    readonly webhook?: { id: string; name: string },
    options?: { cause?: unknown },
  ) {
    const whose = webhook ? `of webhook "${webhook.name}" (${webhook.id}) ` : '';
    const why =
      problem === 'missing_key'
        ? 'it is stored encrypted but secretEncryptionKey is not set in this process'
        : problem === 'wrong_key'
          ? "it was encrypted with another secretEncryptionKey than this process's"
          : 'the stored value is damaged (not written by this module)';
    super(`Cannot open the signing secret ${whose}to sign its deliveries: ${why}. ${WHAT_TO_DO}`, options);
    this.name = 'WebhookSecretKeyError';
  }
}
