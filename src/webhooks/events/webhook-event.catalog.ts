import { WebhookEvent } from './webhook-event.js';
import type { WebhookEventName } from './webhook-event.js';

/** What each event means, in the words an admin reads in the catalog. */
export const WEBHOOK_EVENT_DESCRIPTIONS: Record<WebhookEventName, string> = {
  [WebhookEvent.ConversationStarted]: 'A visitor started a conversation.',
  [WebhookEvent.ConversationAssigned]:
    'An agent took a conversation, took over from a bot, or accepted a transfer.',
  [WebhookEvent.ConversationStatusChanged]: "A conversation's status moved (open, pending, resolved, ...).",
  [WebhookEvent.ConversationResolved]: 'A conversation was closed; carries the full transcript and its tags.',
  [WebhookEvent.ConversationRated]: 'A visitor rated a conversation (1 to 5).',
  [WebhookEvent.MessageReceived]: 'A visitor sent a message.',
  [WebhookEvent.MessageSent]: 'An agent, the AI bot or a trigger sent a message.',
  [WebhookEvent.MessageUpdated]: 'A message was edited.',
  [WebhookEvent.ContactCreated]: 'A contact (visitor) was created.',
  [WebhookEvent.ContactUpdated]: "A contact's name, email, phone or notes changed.",
  [WebhookEvent.ContactBanned]: 'An agent blocked a visitor.',
  [WebhookEvent.ContactUnbanned]: 'An agent unblocked a visitor.',
  [WebhookEvent.OfflineMessageCreated]: 'A visitor filled in the offline form.',
  [WebhookEvent.TagAdded]: 'A tag was put on a conversation.',
  [WebhookEvent.TakeoverRequested]: 'A visitor asked for a human.',
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
const agentMessage = {
  id: 58212,
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

/** The host objects the catalog's sample payloads are mapped from, one per event. */
export const WEBHOOK_SAMPLE_INPUTS: Record<WebhookEventName, unknown> = {
  [WebhookEvent.ConversationStarted]: conversation,
  [WebhookEvent.ConversationAssigned]: {
    conversation,
    assignee: { id: 7, name: 'Grace Hopper' },
    previousAssignee: { id: null, name: 'AI assistant' },
  },
  [WebhookEvent.ConversationStatusChanged]: {
    conversation: { ...conversation, status: 'resolved' },
    previousStatus: 'open',
  },
  [WebhookEvent.ConversationResolved]: {
    conversation: { ...conversation, status: 'resolved' },
    messages: [visitorMessage, agentMessage],
    tags: ['shipping', 'pre-sales'],
  },
  [WebhookEvent.ConversationRated]: { conversation, rating: 5, comment: 'Quick and helpful.' },
  [WebhookEvent.MessageReceived]: { message: visitorMessage, conversation },
  [WebhookEvent.MessageSent]: { message: agentMessage, conversation },
  [WebhookEvent.MessageUpdated]: {
    message: { ...agentMessage, content: 'Yes, in 2 to 4 working days.', updatedAt: at('2025-01-15T10:33:00.000Z') },
    conversation,
  },
  [WebhookEvent.ContactCreated]: contact,
  [WebhookEvent.ContactUpdated]: { ...contact, notes: 'Prefers phone calls.' },
  [WebhookEvent.ContactBanned]: contact,
  [WebhookEvent.ContactUnbanned]: contact,
  [WebhookEvent.OfflineMessageCreated]: {
    id: 311,
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    message: 'Please call me back about a bulk order.',
    createdAt: at('2025-01-15T22:05:00.000Z'),
  },
  [WebhookEvent.TagAdded]: { conversation, tag: 'shipping' },
  [WebhookEvent.TakeoverRequested]: { conversation },
};
