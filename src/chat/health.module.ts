import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';

/** `GET /health`, for the API node and the worker alike. */
@Module({
  // The health check pings the Redis of the webhooks module's queue.
  imports: [BullModule.registerQueue({ name: 'webhooks' })],
  controllers: [HealthController],
})
export class HealthModule {}
