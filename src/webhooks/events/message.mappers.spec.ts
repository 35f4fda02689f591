import { describe, expect, it } from '@jest/globals';
import { messageMappers } from './message.mappers.js';
import { WebhookEvent } from './webhook-event.js';
import type { WebhookPayloadMapper } from './webhook-payload.mapper.js';
import { hostConversation } from '../../../test/support/chat-fixtures.js';

const byName = messageMappers as Record<string, WebhookPayloadMapper>;
const map = (event: string, input: unknown) => byName[event](input);

const conversation = hostConversation;
const visitorMessage = { id: 901, content: 'Hello?', isFromAdmin: false, createdAt: '2025-01-15T10:31:00.000Z' };
const agentMessage = {
  id: 902,
  content: 'Hi Ada!',
  isFromAdmin: true,
  adminName: 'Grace Hopper',
  createdAt: new Date('2025-01-15T10:32:00.000Z'),
  updatedAt: new Date('2025-01-15T10:35:00.000Z'),
};
const conversationPart = {
  conversation_id: 17,
  visitor_name: 'Ada Lovelace',
  visitor_email: 'ada@example.com',
  visitor_phone: null,
  visitor_ip: '198.51.100.4',
  current_url: 'https://shop.example.com/',
  status: 'open',
};

describe('message mappers', () => {
  it('message.received: exactly the CONTRACT section-3 keys, in order, with the message\'s created_at', () => {
    const data = map(WebhookEvent.MessageReceived, { message: visitorMessage, conversation });
    expect(Object.keys(data)).toEqual([
      'message_id',
      'content',
      'is_from_admin',
      'admin_name',
      'conversation_id',
      'visitor_name',
      'visitor_email',
      'visitor_phone',
      'visitor_ip',
      'current_url',
      'status',
      'created_at',
    ]);
    expect(data).toStrictEqual({
      message_id: 901,
      content: 'Hello?',
      is_from_admin: false,
      admin_name: null,
      ...conversationPart,
      created_at: '2025-01-15T10:31:00.000Z',
    });
  });

  it('message.sent: the message with its author_type, the conversation, then the message time', () => {
    const data = map(WebhookEvent.MessageSent, { message: agentMessage, conversation });
    expect(data).toStrictEqual({
      message_id: 902,
      content: 'Hi Ada!',
      is_from_admin: true,
      admin_name: 'Grace Hopper',
      author_type: 'agent',
      ...conversationPart,
      created_at: '2025-01-15T10:32:00.000Z',
    });
    expect(Object.keys(data).slice(0, 5)).toEqual(['message_id', 'content', 'is_from_admin', 'admin_name', 'author_type']);
    expect(Object.keys(data).at(-1)).toBe('created_at');
  });

  it.each([
    ['ai', { isFromAdmin: true, authorType: 'ai' }],
    ['trigger', { isFromAdmin: true, authorType: 'trigger' }],
    ['agent', { isFromAdmin: true }],
    ['visitor', { isFromAdmin: false }],
    ['visitor', {}],
  ])('message.sent: author_type %s from %j', (expected, fields) => {
    const message = { id: 1, content: 'x', createdAt: '2025-01-15T10:32:00.000Z', ...fields };
    expect(map(WebhookEvent.MessageSent, { message, conversation }).author_type).toBe(expected);
  });

  it('refuses an author type outside visitor, agent, ai, trigger', () => {
    expect(() => map(WebhookEvent.MessageSent, { message: { ...agentMessage, authorType: 'bot' }, conversation })).toThrow(
      'must be one of visitor, agent, ai, trigger; got "bot"',
    );
  });

  it("message.updated: the new content, created_at and the host's updated_at", () => {
    const data = map(WebhookEvent.MessageUpdated, { message: { ...agentMessage, content: 'Hi Ada! (edited)' }, conversation });
    expect(data).toStrictEqual({
      message_id: 902,
      content: 'Hi Ada! (edited)',
      is_from_admin: true,
      admin_name: 'Grace Hopper',
      author_type: 'agent',
      ...conversationPart,
      created_at: '2025-01-15T10:32:00.000Z',
      updated_at: '2025-01-15T10:35:00.000Z',
    });
    // An updatedAt beside the message counts too; with none, the mapping time.
    const { updatedAt: _u, ...noUpdatedAt } = agentMessage;
    expect(map(WebhookEvent.MessageUpdated, { message: noUpdatedAt, conversation, updatedAt: '2025-01-15T10:36:00Z' }).updated_at).toBe(
      '2025-01-15T10:36:00.000Z',
    );
    const before = Date.now();
    expect(Date.parse(map(WebhookEvent.MessageUpdated, { message: noUpdatedAt, conversation }).updated_at as string)).toBeGreaterThanOrEqual(before);
  });

  it('refuses a message or conversation that is missing, saying which', () => {
    expect(() => map(WebhookEvent.MessageReceived, { conversation })).toThrow('expected a message object, got undefined');
    expect(() => map(WebhookEvent.MessageSent, { message: agentMessage })).toThrow('expected a conversation object');
    expect(() => map(WebhookEvent.MessageUpdated, { message: { content: 'x' }, conversation })).toThrow('a message needs an "id"');
    expect(() => map(WebhookEvent.MessageReceived, 'hello')).toThrow('expected the "message.received" event\'s object, got string');
  });
});
