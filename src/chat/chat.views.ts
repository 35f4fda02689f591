import { NotFoundException } from '@nestjs/common';
import type { Contact } from './entities/contact.entity.js';
import type { Conversation } from './entities/conversation.entity.js';
import type { Message } from './entities/message.entity.js';
import type { OfflineMessage } from './entities/offline-message.entity.js';

/*
 * Two shapes per record: the object the chat code emits (exactly the fields of
 * CONTRACT section 2, which the module's built-in mappers and scopeOf read) and
 * the fuller one the demo's routes answer with.
 */

export function conversationEvent(c: Conversation) {
  return {
    id: c.id,
    accountId: c.accountId ?? null,
    inboxId: c.inboxId ?? null,
    visitorName: c.visitorName,
    visitorEmail: c.visitorEmail ?? null,
    visitorPhone: c.visitorPhone ?? null,
    visitorIp: c.visitorIp ?? null,
    currentUrl: c.currentUrl ?? null,
    status: c.status,
    createdAt: c.createdAt,
  };
}

export function conversationView(c: Conversation, tags: string[]) {
  return {
    ...conversationEvent(c),
    assignee: c.assignee ?? null,
    rating: c.rating ?? null,
    ratingComment: c.ratingComment ?? null,
    tags,
    takeoverRequestedAt: c.takeoverRequestedAt ?? null,
    resolvedAt: c.resolvedAt ?? null,
    updatedAt: c.updatedAt,
  };
}

export function messageEvent(m: Message) {
  return {
    id: m.id,
    accountId: m.accountId ?? null,
    inboxId: m.inboxId ?? null,
    content: m.content,
    isFromAdmin: m.isFromAdmin,
    adminName: m.adminName ?? null,
    authorType: m.authorType,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
  };
}

export function messageView(m: Message) {
  return { ...messageEvent(m), conversationId: m.conversationId };
}

export function contactEvent(c: Contact) {
  return {
    id: c.id,
    accountId: c.accountId ?? null,
    name: c.name,
    email: c.email ?? null,
    phone: c.phone ?? null,
    notes: c.notes ?? null,
    createdAt: c.createdAt,
  };
}

export function contactView(c: Contact) {
  return { ...contactEvent(c), banned: c.banned, bannedAt: c.bannedAt ?? null, updatedAt: c.updatedAt };
}

export function offlineMessageEvent(m: OfflineMessage) {
  return {
    id: m.id,
    accountId: m.accountId ?? null,
    inboxId: m.inboxId ?? null,
    name: m.name,
    email: m.email,
    message: m.message,
    createdAt: m.createdAt,
  };
}

const MAX_INT = 2_147_483_647;

/** A route's `:id` as the integer key; anything else names no record, so it is a 404 like an unknown id. */
export function parseId(raw: string, what: 'Conversation' | 'Message' | 'Contact'): number {
  const id = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(id) || id < 1 || id > MAX_INT) throw new NotFoundException(`${what} not found`);
  return id;
}

/** The visitor's address without the IPv4-mapped IPv6 prefix Node puts on IPv4 peers. */
export function visitorIp(ip: string | undefined): string | null {
  if (!ip) return null;
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice('::ffff:'.length) : ip;
}
