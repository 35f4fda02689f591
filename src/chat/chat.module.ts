import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { chatEntities } from './chat.entities.js';
import { ContactsController, OfflineMessagesController } from './contacts.controller.js';
import { ContactsService } from './contacts.service.js';
import { ConversationsController } from './conversations.controller.js';
import { ConversationsService } from './conversations.service.js';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { WebhookNoticesListener } from './webhook-notices.listener.js';

/** The demo host's own little live-chat domain. */
@Module({
  imports: [
    TypeOrmModule.forFeature(chatEntities),
    // The health check pings the Redis of the webhooks module's queue.
    BullModule.registerQueue({ name: 'webhooks' }),
  ],
  controllers: [ConversationsController, ContactsController, OfflineMessagesController, HealthController, MetricsController],
  providers: [ConversationsService, ContactsService, WebhookNoticesListener],
})
export class ChatModule {}
