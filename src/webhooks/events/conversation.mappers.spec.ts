import { describe, expect, it } from '@jest/globals';
import { conversationMappers } from './conversation.mappers.js';
import { WebhookEvent } from './webhook-event.js';
import type { WebhookPayloadMapper } from './webhook-payload.mapper.js';
import { hostConversation } from '../../../test/support/chat-fixtures.js';

const map = (event: keyof typeof byName, input: unknown) => (byName[event] as WebhookPayloadMapper)(input);
const byName = conversationMappers as Record<string, WebhookPayloadMapper>;

const conversation = hostConversation;
const conversationData = {
  conversation_id: 17,
  visitor_name: 'Ada Lovelace',
  visitor_email: 'ada@example.com',
  visitor_phone: null,
  visitor_ip: '198.51.100.4',
  current_url: 'https://shop.example.com/',
  status: 'open',
  created_at: '2025-01-15T10:30:00.000Z',
};
const CONVERSATION_KEYS = Object.keys(conversationData);

describe('conversation mappers', () => {
  it('conversation.started: the section-3 keys, in order, nulls for what is missing, ids of the host type', () => {
    expect(map(WebhookEvent.ConversationStarted, conversation)).toStrictEqual(conversationData);
    expect(Object.keys(map(WebhookEvent.ConversationStarted, conversation))).toEqual(CONVERSATION_KEYS);
    expect(map(WebhookEvent.ConversationStarted, { id: 'c_9f2', visitorName: 'Bo', createdAt: '2025-01-15T10:30:00Z' })).toStrictEqual({
      conversation_id: 'c_9f2',
      visitor_name: 'Bo',
      visitor_email: null,
      visitor_phone: null,
      visitor_ip: null,
      current_url: null,
      status: null,
      created_at: '2025-01-15T10:30:00.000Z',
    });
    // Epoch milliseconds are times too.
    expect(map(WebhookEvent.ConversationStarted, { ...conversation, createdAt: Date.UTC(2025, 0, 15) }).created_at).toBe(
      '2025-01-15T00:00:00.000Z',
    );
  });

  it('conversation.started: refuses what cannot be a conversation, saying why', () => {
    expect(() => map(WebhookEvent.ConversationStarted, null)).toThrow('expected a conversation object, got null');
    expect(() => map(WebhookEvent.ConversationStarted, [conversation])).toThrow('got an array');
    expect(() => map(WebhookEvent.ConversationStarted, { visitorName: 'x' })).toThrow('a conversation needs an "id"');
    expect(() => map(WebhookEvent.ConversationStarted, { ...conversation, createdAt: 'soon' })).toThrow('"soon" is not a valid date');
  });

  it('conversation.assigned: assignee and previous assignee, as objects or bare names', () => {
    const first = map(WebhookEvent.ConversationAssigned, { conversation, assignee: { id: 7, name: 'Grace Hopper' } });
    expect(first).toStrictEqual({
      ...conversationData,
      assignee_id: 7,
      assignee_name: 'Grace Hopper',
      previous_assignee_id: null,
      previous_assignee_name: null,
    });
    expect(Object.keys(first)).toEqual([
      ...CONVERSATION_KEYS,
      'assignee_id',
      'assignee_name',
      'previous_assignee_id',
      'previous_assignee_name',
    ]);
    // A transfer, with names only; and a takeover from the bot.
    expect(map(WebhookEvent.ConversationAssigned, { conversation, assignee: 'Alan Turing', previousAssignee: { name: 'Grace Hopper' } })).toMatchObject({
      assignee_id: null,
      assignee_name: 'Alan Turing',
      previous_assignee_id: null,
      previous_assignee_name: 'Grace Hopper',
    });
    expect(
      map(WebhookEvent.ConversationAssigned, { conversation, assignee: { id: 'u_7', name: 'Grace' }, previousAssignee: { id: null, name: 'AI assistant' } }),
    ).toMatchObject({ assignee_id: 'u_7', previous_assignee_id: null, previous_assignee_name: 'AI assistant' });
  });

  it('conversation.status_changed: the new status and previous_status', () => {
    const data = map(WebhookEvent.ConversationStatusChanged, { conversation: { ...conversation, status: 'pending' }, previousStatus: 'open' });
    expect(data).toStrictEqual({ ...conversationData, status: 'pending', previous_status: 'open' });
    expect(map(WebhookEvent.ConversationStatusChanged, { conversation }).previous_status).toBeNull();
  });

  describe('conversation.resolved', () => {
    const messages = [
      { id: 3, content: 'Anything else?', isFromAdmin: true, adminName: 'Grace', createdAt: '2025-01-15T10:33:00.000Z' },
      { id: 1, content: 'Hi', isFromAdmin: false, createdAt: '2025-01-15T10:31:00.000Z' },
      { id: 2, content: 'Hello! I am the bot.', isFromAdmin: true, authorType: 'ai', createdAt: '2025-01-15T10:32:00.000Z' },
    ];

    it('carries the transcript oldest first with author types, the tags, and the resolved time the host gave', () => {
      const data = map(WebhookEvent.ConversationResolved, {
        conversation: { ...conversation, status: 'resolved', resolvedAt: new Date('2025-01-15T10:40:00.000Z') },
        messages,
        tags: ['vip', { name: 'shipping' }],
      });
      expect(data).toStrictEqual({
        ...conversationData,
        status: 'resolved',
        resolved_at: '2025-01-15T10:40:00.000Z',
        messages: [
          { message_id: 1, content: 'Hi', is_from_admin: false, admin_name: null, author_type: 'visitor', created_at: '2025-01-15T10:31:00.000Z' },
          { message_id: 2, content: 'Hello! I am the bot.', is_from_admin: true, admin_name: null, author_type: 'ai', created_at: '2025-01-15T10:32:00.000Z' },
          { message_id: 3, content: 'Anything else?', is_from_admin: true, admin_name: 'Grace', author_type: 'agent', created_at: '2025-01-15T10:33:00.000Z' },
        ],
        tags: ['vip', 'shipping'],
      });
    });

    it("takes resolvedAt from the event before the conversation's, and stamps the mapping time only when neither has one", () => {
      const fromEvent = map(WebhookEvent.ConversationResolved, {
        conversation: { ...conversation, resolvedAt: '2025-01-15T10:40:00.000Z' },
        resolvedAt: '2025-01-15T10:45:00.000Z',
        messages: [],
        tags: [],
      });
      expect(fromEvent.resolved_at).toBe('2025-01-15T10:45:00.000Z');
      const before = Date.now();
      const stamped = map(WebhookEvent.ConversationResolved, { conversation, messages: [], tags: [] });
      expect(Date.parse(stamped.resolved_at as string)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(stamped.resolved_at as string)).toBeLessThanOrEqual(Date.now());
    });

    it('keeps messages of the same time in the order given, and sends empty lists rather than nothing', () => {
      const same = '2025-01-15T10:31:00.000Z';
      const data = map(WebhookEvent.ConversationResolved, {
        conversation,
        messages: [
          { id: 'b', content: 'first', createdAt: same },
          { id: 'a', content: 'second', createdAt: same },
        ],
      });
      expect((data.messages as Array<{ message_id: string }>).map((m) => m.message_id)).toEqual(['b', 'a']);
      expect(map(WebhookEvent.ConversationResolved, { conversation })).toMatchObject({ messages: [], tags: [] });
    });

    it('refuses a tag that is neither a string nor { name }', () => {
      expect(() => map(WebhookEvent.ConversationResolved, { conversation, messages: [], tags: [42] })).toThrow('a tag must be a string');
    });
  });

  it('conversation.rated: rating and comment (null when none); a rating that is not a number is refused', () => {
    expect(map(WebhookEvent.ConversationRated, { conversation, rating: 4, comment: 'Good' })).toStrictEqual({
      ...conversationData,
      rating: 4,
      comment: 'Good',
    });
    expect(map(WebhookEvent.ConversationRated, { conversation, rating: 5 }).comment).toBeNull();
    expect(() => map(WebhookEvent.ConversationRated, { conversation, rating: 'five' })).toThrow('"rating" must be a number from 1 to 5');
    expect(() => map(WebhookEvent.ConversationRated, { conversation })).toThrow('"rating" must be a number');
  });

  it('tag.added and takeover.requested: the conversation, with the tag for tag.added', () => {
    expect(map(WebhookEvent.TagAdded, { conversation, tag: 'vip' })).toStrictEqual({ ...conversationData, tag: 'vip' });
    expect(map(WebhookEvent.TagAdded, { conversation, tag: { name: 'vip' } }).tag).toBe('vip');
    expect(() => map(WebhookEvent.TagAdded, { conversation })).toThrow('a tag must be');
    expect(map(WebhookEvent.TakeoverRequested, { conversation })).toStrictEqual(conversationData);
    expect(() => map(WebhookEvent.TakeoverRequested, conversation)).toThrow('expected a conversation object, got undefined');
  });
});
