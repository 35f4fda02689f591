import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { chatEntities } from './chat.entities.js';
import { ContactsController, OfflineMessagesController } from './contacts.controller.js';
import { ContactsService } from './contacts.service.js';
import { ConversationsController } from './conversations.controller.js';
import { ConversationsService } from './conversations.service.js';

/** The demo host's own little live-chat domain. */
@Module({
  imports: [TypeOrmModule.forFeature(chatEntities)],
  controllers: [ConversationsController, ContactsController, OfflineMessagesController],
  providers: [ConversationsService, ContactsService],
})
export class ChatModule {}
