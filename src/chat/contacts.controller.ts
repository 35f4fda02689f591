import { Body, Controller, HttpCode, Param, Patch, Post, UsePipes } from '@nestjs/common';
import { chatValidationPipe } from './chat.validation.js';
import { ContactsService } from './contacts.service.js';
import { CreateContactDto, CreateOfflineMessageDto, UpdateContactDto } from './dto/contact.dto.js';

/** Contacts (known visitors); each route emits its webhook event. */
@Controller('contacts')
@UsePipes(chatValidationPipe)
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Post()
  create(@Body() body: CreateContactDto) {
    return this.contacts.create(body);
  }

  @Patch(':id')
  update(@Param('id') id: string, @Body() body: UpdateContactDto) {
    return this.contacts.update(id, body);
  }

  @Post(':id/ban')
  @HttpCode(200)
  ban(@Param('id') id: string) {
    return this.contacts.ban(id);
  }

  @Post(':id/unban')
  @HttpCode(200)
  unban(@Param('id') id: string) {
    return this.contacts.unban(id);
  }
}

/** The offline form, used when no agent is online. */
@Controller('offline-messages')
@UsePipes(chatValidationPipe)
export class OfflineMessagesController {
  constructor(private readonly contacts: ContactsService) {}

  @Post()
  create(@Body() body: CreateOfflineMessageDto) {
    return this.contacts.createOfflineMessage(body);
  }
}
