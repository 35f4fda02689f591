import { WebhookEvent } from './webhook-event.js';
import type { WebhookEventName } from './webhook-event.js';

/** What each event means, in the words an admin reads in the catalog. */
export const WEBHOOK_EVENT_DESCRIPTIONS: Record<WebhookEventName, string> = {
  [WebhookEvent.ConversationStarted]: 'A visitor started a conversation.',
  [WebhookEvent.ConversationAssigned]:
    'An agent took a conversation: picked it up, took over from the bot, or accepted a transfer. Carries the assignee and the previous one.',
  [WebhookEvent.ConversationStatusChanged]:
    "A conversation's status moved (open, pending, resolved, ...). Carries the previous status.",
  [WebhookEvent.ConversationResolved]:
    'A conversation was closed. Carries the full transcript, oldest message first, and its tags.',
  [WebhookEvent.ConversationRated]: 'A visitor rated a conversation (1 to 5), with an optional comment.',
  [WebhookEvent.MessageReceived]: 'A visitor sent a message.',
  [WebhookEvent.MessageSent]: 'An agent, the AI bot or a trigger sent a message; author_type says which.',
  [WebhookEvent.MessageUpdated]: 'A message was edited.',
  [WebhookEvent.ContactCreated]: 'A contact (a known visitor) was created.',
  [WebhookEvent.ContactUpdated]: "A contact's name, email, phone or notes changed.",
  [WebhookEvent.ContactBanned]: 'An agent blocked a visitor.',
  [WebhookEvent.ContactUnbanned]: 'An agent unblocked a visitor.',
  [WebhookEvent.OfflineMessageCreated]: 'A visitor filled in the offline form (left a message while no agent was online).',
  [WebhookEvent.TagAdded]: 'A tag (label) was put on a conversation.',
  [WebhookEvent.TakeoverRequested]: 'A visitor asked to talk to a human instead of the bot.',
};

const at = (iso: string) => new Date(iso);

const conversation = {
  id: 1042,
  visitorName: 'Ada Lovelace',
  visitorEmail: 'ada@example.com',
  visitorPhone: '+44 20 7946 0958',
  visitorIp: '203.0.113.7',
  currentUrl: 'https://shop.example.com/pricing',
  status: 'open',
  createdAt: at('2025-01-15T10:30:00.000Z'),
};
const visitorMessage = {
  id: 58211,
  content: 'Hi! Do you ship to Norway?',
  isFromAdmin: false,
  adminName: null,
  createdAt: at('2025-01-15T10:31:00.000Z'),
};
const botMessage = {
  id: 58212,
  content: 'We do! Shall I get someone from the team to confirm the delivery time?',
  isFromAdmin: true,
  adminName: null,
  authorType: 'ai' as const,
  createdAt: at('2025-01-15T10:31:05.000Z'),
};
const agentMessage = {
  id: 58213,
  content: 'Yes, in 3 to 5 working days.',
  isFromAdmin: true,
  adminName: 'Grace Hopper',
  authorType: 'agent' as const,
  createdAt: at('2025-01-15T10:32:10.000Z'),
};
const contact = {
  id: 733,
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  phone: '+44 20 7946 0958',
  notes: 'Prefers email.',
  createdAt: at('2025-01-15T10:30:00.000Z'),
};

export interface WebhookEventSample {
  /** The object a host emits for the event, as the built-in mapper reads it. */
  input: unknown;
  /** The sample payload's `timestamp`, so that the catalog and the docs stay the same from run to run. */
  at: Date;
}

/** The host objects the catalog's sample payloads are mapped from, one per event. */
export const WEBHOOK_EVENT_SAMPLES: Record<WebhookEventName, WebhookEventSample> = {
  [WebhookEvent.ConversationStarted]: { input: conversation, at: at('2025-01-15T10:30:00.120Z') },
  [WebhookEvent.ConversationAssigned]: {
    input: {
      conversation,
      assignee: { id: 7, name: 'Grace Hopper' },
      previousAssignee: { id: null, name: 'AI assistant' },
    },
    at: at('2025-01-15T10:31:40.000Z'),
  },
  [WebhookEvent.ConversationStatusChanged]: {
    input: { conversation: { ...conversation, status: 'resolved' }, previousStatus: 'open' },
    at: at('2025-01-15T10:40:00.050Z'),
  },
  [WebhookEvent.ConversationResolved]: {
    input: {
      conversation: { ...conversation, status: 'resolved', resolvedAt: at('2025-01-15T10:40:00.000Z') },
      messages: [visitorMessage, botMessage, agentMessage],
      tags: ['shipping', 'pre-sales'],
    },
    at: at('2025-01-15T10:40:00.060Z'),
  },
  [WebhookEvent.ConversationRated]: {
    input: { conversation: { ...conversation, status: 'resolved' }, rating: 5, comment: 'Quick and helpful.' },
    at: at('2025-01-15T10:41:00.000Z'),
  },
  [WebhookEvent.MessageReceived]: { input: { message: visitorMessage, conversation }, at: at('2025-01-15T10:31:00.040Z') },
  [WebhookEvent.MessageSent]: { input: { message: agentMessage, conversation }, at: at('2025-01-15T10:32:10.040Z') },
  [WebhookEvent.MessageUpdated]: {
    input: {
      message: { ...agentMessage, content: 'Yes, in 2 to 4 working days.', updatedAt: at('2025-01-15T10:33:00.000Z') },
      conversation,
    },
    at: at('2025-01-15T10:33:00.040Z'),
  },
  [WebhookEvent.ContactCreated]: { input: { ...contact, notes: null }, at: at('2025-01-15T10:30:00.200Z') },
  [WebhookEvent.ContactUpdated]: { input: contact, at: at('2025-01-15T10:35:00.000Z') },
  [WebhookEvent.ContactBanned]: { input: contact, at: at('2025-01-16T08:00:00.000Z') },
  [WebhookEvent.ContactUnbanned]: { input: contact, at: at('2025-01-17T08:00:00.000Z') },
  [WebhookEvent.OfflineMessageCreated]: {
    input: {
      id: 311,
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      message: 'Please call me back about a bulk order.',
      createdAt: at('2025-01-15T22:05:00.000Z'),
    },
    at: at('2025-01-15T22:05:00.040Z'),
  },
  [WebhookEvent.TagAdded]: { input: { conversation, tag: 'shipping' }, at: at('2025-01-15T10:32:30.000Z') },
  [WebhookEvent.TakeoverRequested]: { input: { conversation }, at: at('2025-01-15T10:31:20.000Z') },
};
