import { Injectable } from '@nestjs/common';

/**
 * What the circuit breaker knows about paused webhooks, for the stats and the
 * metrics. The breaker fills it in; until then no webhook is ever paused.
 */
@Injectable()
export class WebhookBreakerState {
  /** Ids of the webhooks paused right now (their `pausedUntil` lies ahead). */
  async pausedWebhookIds(): Promise<string[]> {
    return [];
  }
}
