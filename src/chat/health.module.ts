import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { WebhookNoticesListener } from './webhook-notices.listener.js';

/**
 * What the people who run the demo use, on the API node and the worker alike:
 * `GET /health`, `GET /metrics`, and the webhooks' notices in the log.
 */
@Module({
  // The health check pings the Redis of the webhooks module's queue.
  imports: [BullModule.registerQueue({ name: 'webhooks' })],
  controllers: [HealthController, MetricsController],
  providers: [WebhookNoticesListener],
})
export class HealthModule {}
