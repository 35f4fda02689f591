/** A payload mapper threw: the event was not recorded for any webhook. */
export class WebhookPayloadMappingError extends Error {
  constructor(
    readonly event: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `Could not map the "${event}" event to a webhook payload: ${reason}. ` +
        `Emit the object the built-in mapper reads, or pass payloadMappers["${event}"] to WebhooksModule.forRoot().`,
      { cause },
    );
    this.name = 'WebhookPayloadMappingError';
  }
}
