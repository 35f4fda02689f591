import { Body, Controller, Get, HttpCode, Ip, Param, Patch, Post, UsePipes } from '@nestjs/common';
import { chatValidationPipe } from './chat.validation.js';
import { visitorIp } from './chat.views.js';
import { ConversationsService } from './conversations.service.js';
import {
  AddTagDto,
  AssignConversationDto,
  CreateConversationDto,
  CreateMessageDto,
  RateConversationDto,
  UpdateMessageDto,
} from './dto/conversation.dto.js';

/** The visitor widget's and the agents' conversation routes; each one emits its webhook event. */
@Controller('conversations')
@UsePipes(chatValidationPipe)
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  @Post()
  start(@Body() body: CreateConversationDto, @Ip() ip: string) {
    return this.conversations.start(body, visitorIp(ip));
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.conversations.get(id);
  }

  @Post(':id/messages')
  postMessage(@Param('id') id: string, @Body() body: CreateMessageDto) {
    return this.conversations.postMessage(id, body);
  }

  @Patch(':id/messages/:messageId')
  editMessage(@Param('id') id: string, @Param('messageId') messageId: string, @Body() body: UpdateMessageDto) {
    return this.conversations.editMessage(id, messageId, body);
  }

  @Post(':id/assign')
  @HttpCode(200)
  assign(@Param('id') id: string, @Body() body: AssignConversationDto) {
    return this.conversations.assign(id, body);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  resolve(@Param('id') id: string) {
    return this.conversations.resolve(id);
  }

  @Post(':id/rating')
  @HttpCode(200)
  rate(@Param('id') id: string, @Body() body: RateConversationDto) {
    return this.conversations.rate(id, body);
  }

  @Post(':id/tags')
  @HttpCode(200)
  addTag(@Param('id') id: string, @Body() body: AddTagDto) {
    return this.conversations.addTag(id, body);
  }

  @Post(':id/takeover')
  @HttpCode(200)
  requestTakeover(@Param('id') id: string) {
    return this.conversations.requestTakeover(id);
  }
}
