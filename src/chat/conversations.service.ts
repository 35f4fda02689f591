import { Injectable, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { WebhookEvent } from '../webhooks/index.js';
import { conversationEvent, conversationView, messageEvent, messageView, parseId } from './chat.views.js';
import type {
  AddTagDto,
  AssignConversationDto,
  CreateConversationDto,
  CreateMessageDto,
  RateConversationDto,
  UpdateMessageDto,
} from './dto/conversation.dto.js';
import { ConversationTag } from './entities/conversation-tag.entity.js';
import { Conversation } from './entities/conversation.entity.js';
import { Message } from './entities/message.entity.js';

/**
 * The demo's conversations. Every change is saved first and its event emitted
 * with `emitAsync` after, so that once a route has answered, the webhook
 * module has written its delivery rows.
 */
@Injectable()
export class ConversationsService {
  constructor(
    @InjectRepository(Conversation) private readonly conversations: Repository<Conversation>,
    @InjectRepository(Message) private readonly messages: Repository<Message>,
    @InjectRepository(ConversationTag) private readonly tags: Repository<ConversationTag>,
    private readonly events: EventEmitter2,
  ) {}

  async start(input: CreateConversationDto, ip: string | null) {
    const conversation = await this.conversations.save(
      this.conversations.create({
        visitorName: input.visitorName,
        visitorEmail: input.visitorEmail ?? null,
        visitorPhone: input.visitorPhone ?? null,
        currentUrl: input.currentUrl ?? null,
        accountId: input.accountId ?? null,
        inboxId: input.inboxId ?? null,
        visitorIp: ip,
        status: 'open',
      }),
    );
    await this.events.emitAsync(WebhookEvent.ConversationStarted, conversationEvent(conversation));
    return conversationView(conversation, []);
  }

  async get(rawId: string) {
    const conversation = await this.find(rawId);
    return conversationView(conversation, await this.tagNames(conversation.id));
  }

  async postMessage(rawId: string, input: CreateMessageDto) {
    const conversation = await this.find(rawId);
    const fromAdmin = input.fromAdmin === true;
    const message = await this.messages.save(
      this.messages.create({
        conversationId: conversation.id,
        accountId: conversation.accountId ?? null,
        inboxId: conversation.inboxId ?? null,
        content: input.content,
        isFromAdmin: fromAdmin,
        adminName: fromAdmin ? (input.adminName ?? null) : null,
        authorType: fromAdmin ? (input.authorType ?? 'agent') : 'visitor',
      }),
    );
    await this.events.emitAsync(fromAdmin ? WebhookEvent.MessageSent : WebhookEvent.MessageReceived, {
      message: messageEvent(message),
      conversation: conversationEvent(conversation),
    });
    return messageView(message);
  }

  async editMessage(rawId: string, rawMessageId: string, input: UpdateMessageDto) {
    const conversation = await this.find(rawId);
    const message = await this.messages.findOneBy({
      id: parseId(rawMessageId, 'Message'),
      conversationId: conversation.id,
    });
    if (!message) throw new NotFoundException('Message not found');
    message.content = input.content;
    await this.messages.save(message);
    await this.events.emitAsync(WebhookEvent.MessageUpdated, {
      message: messageEvent(message),
      conversation: conversationEvent(conversation),
    });
    return messageView(message);
  }

  async assign(rawId: string, input: AssignConversationDto) {
    const conversation = await this.find(rawId);
    const previous = conversation.assignee ?? null;
    conversation.assignee = input.assignee;
    await this.conversations.save(conversation);
    await this.events.emitAsync(WebhookEvent.ConversationAssigned, {
      conversation: conversationEvent(conversation),
      assignee: { name: input.assignee },
      previousAssignee: previous === null ? null : { name: previous },
    });
    return conversationView(conversation, await this.tagNames(conversation.id));
  }

  /** Closes the conversation; resolving a resolved one changes nothing and emits nothing. */
  async resolve(rawId: string) {
    const conversation = await this.find(rawId);
    const tags = await this.tagNames(conversation.id);
    if (conversation.status === 'resolved') return conversationView(conversation, tags);
    const previousStatus = conversation.status;
    conversation.status = 'resolved';
    conversation.resolvedAt = new Date();
    await this.conversations.save(conversation);
    const transcript = await this.messages.find({
      where: { conversationId: conversation.id },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    const emitted = conversationEvent(conversation);
    await this.events.emitAsync(WebhookEvent.ConversationStatusChanged, { conversation: emitted, previousStatus });
    // The stored time of closing, so the payload's resolved_at is the one the demo answers with.
    await this.events.emitAsync(WebhookEvent.ConversationResolved, {
      conversation: { ...emitted, resolvedAt: conversation.resolvedAt },
      messages: transcript.map(messageEvent),
      tags,
    });
    return conversationView(conversation, tags);
  }

  async rate(rawId: string, input: RateConversationDto) {
    const conversation = await this.find(rawId);
    conversation.rating = input.rating;
    conversation.ratingComment = input.comment ?? null;
    await this.conversations.save(conversation);
    await this.events.emitAsync(WebhookEvent.ConversationRated, {
      conversation: conversationEvent(conversation),
      rating: input.rating,
      comment: input.comment ?? null,
    });
    return conversationView(conversation, await this.tagNames(conversation.id));
  }

  /** Puts a tag on; a tag already there changes nothing and emits nothing. */
  async addTag(rawId: string, input: AddTagDto) {
    const conversation = await this.find(rawId);
    const existing = await this.tags.existsBy({ conversationId: conversation.id, tag: input.tag });
    if (!existing) {
      await this.tags.insert(
        this.tags.create({ conversationId: conversation.id, tag: input.tag, accountId: conversation.accountId ?? null, inboxId: conversation.inboxId ?? null }),
      );
      await this.events.emitAsync(WebhookEvent.TagAdded, { conversation: conversationEvent(conversation), tag: input.tag });
    }
    return conversationView(conversation, await this.tagNames(conversation.id));
  }

  async requestTakeover(rawId: string) {
    const conversation = await this.find(rawId);
    conversation.takeoverRequestedAt = new Date();
    await this.conversations.save(conversation);
    await this.events.emitAsync(WebhookEvent.TakeoverRequested, { conversation: conversationEvent(conversation) });
    return conversationView(conversation, await this.tagNames(conversation.id));
  }

  private async find(rawId: string): Promise<Conversation> {
    const conversation = await this.conversations.findOneBy({ id: parseId(rawId, 'Conversation') });
    if (!conversation) throw new NotFoundException('Conversation not found');
    return conversation;
  }

  private async tagNames(conversationId: number): Promise<string[]> {
    const rows = await this.tags.find({ where: { conversationId }, order: { createdAt: 'ASC', tag: 'ASC' } });
    return rows.map((row) => row.tag);
  }
}
