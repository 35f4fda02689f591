/** A payload mapper (or `scopeOf`) threw: the event was not recorded for any webhook. */
export class WebhookPayloadMappingError extends Error {
  constructor(
    readonly event: string,
    cause: unknown,
    stage: 'mapper' | 'scopeOf' = 'mapper',
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      stage === 'scopeOf'
        ? `Could not read the account and inbox of the "${event}" event: ${reason}. ` +
            `Check the object emitted for "${event}", or fix scopeOf in WebhooksModule.forRoot().`
        : `Could not map the "${event}" event to a webhook payload: ${reason}. ` +
            `Check the object emitted for "${event}" against the fields its mapper reads, ` +
            `or pass (or fix) payloadMappers["${event}"] in WebhooksModule.forRoot().`,
      { cause },
    );
    this.name = 'WebhookPayloadMappingError';
  }
}
