import { describe, expect, it } from '@jest/globals';
import { NO_EVENT_SCOPE, defaultScopeOf, inboxMatches, resolveEventScope } from './webhook-event.scope.js';
import { withEventScope } from './webhook-format.js';
import type { WebhookPayload } from './webhook-payload.mapper.js';

describe('the built-in scopeOf', () => {
  const conversation = { id: 1, accountId: 'acct-1', inboxId: 'inbox-1' };

  it('reads a conversation emitted alone, or as { conversation }', () => {
    expect(defaultScopeOf('conversation.started', conversation)).toEqual({ accountId: 'acct-1', inboxId: 'inbox-1' });
    expect(defaultScopeOf('conversation.assigned', { conversation, assignee: { name: 'Ann' } })).toEqual({ accountId: 'acct-1', inboxId: 'inbox-1' });
    expect(defaultScopeOf('tag.added', { conversation, tag: 'vip' })).toEqual({ accountId: 'acct-1', inboxId: 'inbox-1' });
  });

  it("gives a message its conversation's scope, also when the conversation hangs off the message", () => {
    expect(defaultScopeOf('message.received', { message: { id: 2 }, conversation })).toEqual({ accountId: 'acct-1', inboxId: 'inbox-1' });
    expect(defaultScopeOf('message.sent', { message: { id: 2, conversation } })).toEqual({ accountId: 'acct-1', inboxId: 'inbox-1' });
  });

  it("reads an offline message's account and inbox, and only a contact's account", () => {
    expect(defaultScopeOf('offline_message.created', { id: 3, accountId: 'acct-2', inboxId: 'w' })).toEqual({ accountId: 'acct-2', inboxId: 'w' });
    expect(defaultScopeOf('contact.created', { id: 4, accountId: 'acct-2', inboxId: 'ignored' })).toEqual({ accountId: 'acct-2' });
  });

  it('finds nothing in a single-tenant object, or in no object', () => {
    expect(resolveEventScope(defaultScopeOf('conversation.started', { id: 1 }))).toBe(NO_EVENT_SCOPE);
    expect(resolveEventScope(defaultScopeOf('conversation.started', null))).toBe(NO_EVENT_SCOPE);
  });
});

describe('resolveEventScope', () => {
  it('keeps strings and numbers, and takes anything else as no id', () => {
    expect(resolveEventScope({ accountId: 7, inboxId: 'x' })).toEqual({ accountId: 7, inboxId: 'x', accountKey: '7', inboxKey: 'x' });
    expect(resolveEventScope({ accountId: '', inboxId: NaN })).toBe(NO_EVENT_SCOPE);
    expect(resolveEventScope({ accountId: { id: 1 } as never, inboxId: ['a'] as never })).toBe(NO_EVENT_SCOPE);
    expect(resolveEventScope(undefined)).toBe(NO_EVENT_SCOPE);
  });

  it('matches an inbox list: empty for every inbox, else the event must name one of them', () => {
    expect(inboxMatches([], null)).toBe(true);
    expect(inboxMatches(['1'], null)).toBe(false);
    expect(inboxMatches(['1', '2'], '2')).toBe(true);
  });
});

describe('the envelope', () => {
  const payload: WebhookPayload = { event: 'contact.created', timestamp: '2025-01-15T10:31:00.000Z', data: { contact_id: 1 } };

  it('is the payload itself when the event has no account or inbox', () => {
    expect(withEventScope(payload, NO_EVENT_SCOPE)).toBe(payload);
  });

  it('puts account_id and inbox_id between timestamp and data, each only when set', () => {
    expect(JSON.stringify(withEventScope(payload, resolveEventScope({ accountId: 'a', inboxId: 5 })))).toBe(
      '{"event":"contact.created","timestamp":"2025-01-15T10:31:00.000Z","account_id":"a","inbox_id":5,"data":{"contact_id":1}}',
    );
    expect(JSON.stringify(withEventScope(payload, resolveEventScope({ accountId: 'a' })))).toBe(
      '{"event":"contact.created","timestamp":"2025-01-15T10:31:00.000Z","account_id":"a","data":{"contact_id":1}}',
    );
  });
});
