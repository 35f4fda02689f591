import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { WebhookEvent } from '../webhooks/index.js';
import { contactEvent, contactView, offlineMessageEvent, parseId } from './chat.views.js';
import type { CreateContactDto, CreateOfflineMessageDto, UpdateContactDto } from './dto/contact.dto.js';
import { Contact } from './entities/contact.entity.js';
import { OfflineMessage } from './entities/offline-message.entity.js';

const EDITABLE = ['name', 'email', 'phone', 'notes'] as const;

/** The demo's contacts and offline messages: saved first, event emitted after. */
@Injectable()
export class ContactsService {
  constructor(
    @InjectRepository(Contact) private readonly contacts: Repository<Contact>,
    @InjectRepository(OfflineMessage) private readonly offlineMessages: Repository<OfflineMessage>,
    private readonly events: EventEmitter2,
  ) {}

  async create(input: CreateContactDto) {
    const contact = await this.contacts.save(
      this.contacts.create({ name: input.name, email: input.email ?? null, phone: input.phone ?? null, accountId: input.accountId ?? null, banned: false }),
    );
    await this.events.emitAsync(WebhookEvent.ContactCreated, contactEvent(contact));
    return contactView(contact);
  }

  /** Changes the given fields; `contact.updated` goes out only when one of them really changed. */
  async update(rawId: string, input: UpdateContactDto) {
    const given = EDITABLE.filter((field) => input[field] !== undefined);
    if (given.length === 0) {
      throw new BadRequestException([`Give at least one of ${EDITABLE.join(', ')}`]);
    }
    const contact = await this.find(rawId);
    const changed = given.filter((field) => (contact[field] ?? null) !== input[field]);
    if (changed.length > 0) {
      for (const field of changed) (contact as unknown as Record<string, unknown>)[field] = input[field];
      await this.contacts.save(contact);
      await this.events.emitAsync(WebhookEvent.ContactUpdated, contactEvent(contact));
    }
    return contactView(contact);
  }

  /** Blocks the visitor; banning a banned contact changes nothing and emits nothing. */
  async ban(rawId: string) {
    const contact = await this.find(rawId);
    if (!contact.banned) {
      contact.banned = true;
      contact.bannedAt = new Date();
      await this.contacts.save(contact);
      await this.events.emitAsync(WebhookEvent.ContactBanned, contactEvent(contact));
    }
    return contactView(contact);
  }

  /** Unblocks the visitor; unbanning a contact that is not banned changes nothing and emits nothing. */
  async unban(rawId: string) {
    const contact = await this.find(rawId);
    if (contact.banned) {
      contact.banned = false;
      contact.bannedAt = null;
      await this.contacts.save(contact);
      await this.events.emitAsync(WebhookEvent.ContactUnbanned, contactEvent(contact));
    }
    return contactView(contact);
  }

  async createOfflineMessage(input: CreateOfflineMessageDto) {
    const message = await this.offlineMessages.save(
      this.offlineMessages.create({
        name: input.name,
        email: input.email,
        message: input.message,
        accountId: input.accountId ?? null,
        inboxId: input.inboxId ?? null,
      }),
    );
    const emitted = offlineMessageEvent(message);
    await this.events.emitAsync(WebhookEvent.OfflineMessageCreated, emitted);
    return emitted;
  }

  private async find(rawId: string): Promise<Contact> {
    const contact = await this.contacts.findOneBy({ id: parseId(rawId, 'Contact') });
    if (!contact) throw new NotFoundException('Contact not found');
    return contact;
  }
}
