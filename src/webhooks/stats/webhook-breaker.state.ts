import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { WebhookEndpointGate } from '../engine/webhook-endpoint.gate.js';
import { WebhookEndpoint } from '../endpoints/webhook-endpoint.entity.js';

/** What the circuit breaker knows about paused webhooks, for the stats and the metrics. */
@Injectable()
export class WebhookBreakerState {
  constructor(
    @InjectRepository(WebhookEndpoint) private readonly endpoints: Repository<WebhookEndpoint>,
    private readonly gate: WebhookEndpointGate,
  ) {}

  /** Ids of the enabled webhooks the breaker holds paused (a `pausedUntil` in their view). */
  async pausedWebhookIds(): Promise<string[]> {
    const enabled = await this.endpoints.find({ select: { id: true }, where: { enabled: true } });
    const paused = await this.gate.pausedUntil(enabled.map((e) => e.id));
    return [...paused.keys()];
  }
}
