/** Why `verifyWebhookSignature` refused a request. */
export type WebhookVerificationFailure =
  /** No secret was given to check with. */
  | 'missing_secret'
  /** A `whsec_` secret whose base64 is damaged (mis-copied). */
  | 'invalid_secret'
  /** `rawBody` or `headers` is not what the function takes (e.g. a parsed JSON body). */
  | 'invalid_input'
  /** No signature header, or a Standard Webhooks signature without its id or timestamp. */
  | 'missing_header'
  /** The timestamp header is not a time. */
  | 'invalid_timestamp'
  /** Older than the tolerance: a replay, or a clock far behind. */
  | 'timestamp_too_old'
  /** Newer than the tolerance: a clock far ahead. */
  | 'timestamp_too_new'
  /** No signature matches: another secret, or the body was changed (or parsed and re-serialised). */
  | 'signature_mismatch';

/** Thrown by `verifyWebhookSignature` when a request is not authentic or is too old; `reason` says which check failed. */
export class WebhookVerificationError extends Error {
  constructor(
    message: string,
    readonly reason: WebhookVerificationFailure = 'signature_mismatch',
  ) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}
