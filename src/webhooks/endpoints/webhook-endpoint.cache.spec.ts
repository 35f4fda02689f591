import { describe, expect, it } from '@jest/globals';
import { resolveEventScope } from '../events/webhook-event.scope.js';
import { indexWebhookEndpoints, matchWebhookEndpoints } from './webhook-endpoint.cache.js';
import type { WebhookEndpoint } from './webhook-endpoint.entity.js';

function webhook(id: string, accountId: string | null, inboxIds: string[] = [], events: string[] = ['*'], enabled = true): WebhookEndpoint {
  return { id, accountId, inboxIds, events, enabled } as WebhookEndpoint;
}

const all = [
  webhook('platform', null),
  webhook('platform-inbox-9', null, ['9']),
  webhook('a-all', 'A'),
  webhook('a-inbox-1', 'A', ['1']),
  webhook('a-inbox-2', 'A', ['2']),
  webhook('a-inbox-1-or-3', 'A', ['3', '1']),
  webhook('a-messages-only', 'A', [], ['message.received']),
  webhook('a-disabled', 'A', [], ['*'], false),
  webhook('b-all', 'B'),
  webhook('b-inbox-1', 'B', ['1']),
];
const index = indexWebhookEndpoints(all);
const match = (event: string, accountId?: string | number | null, inboxId?: string | number | null) =>
  matchWebhookEndpoints(index, event, resolveEventScope({ accountId, inboxId }))
    .map((e) => e.id)
    .sort();

describe('matching an event to webhooks by account and inbox', () => {
  it("sends account A, inbox 1 to A's account-wide and inbox-1 webhooks and the platform-wide one, never inbox 2 or account B", () => {
    expect(match('conversation.started', 'A', '1')).toEqual(['a-all', 'a-inbox-1', 'a-inbox-1-or-3', 'platform']);
  });

  it('sends an event of an account but no inbox to its account-wide webhooks only', () => {
    expect(match('contact.created', 'A')).toEqual(['a-all', 'platform']);
  });

  it('sends an event of no account to the platform-wide webhooks only', () => {
    expect(match('conversation.started')).toEqual(['platform']);
    expect(match('conversation.started', null, '9')).toEqual(['platform', 'platform-inbox-9']);
  });

  it('sends an unknown account to the platform-wide webhooks only', () => {
    expect(match('conversation.started', 'C', '1')).toEqual(['platform']);
  });

  it('keeps the subscription: an account webhook of other events is not sent this one', () => {
    expect(match('message.received', 'A', '2')).toEqual(['a-all', 'a-inbox-2', 'a-messages-only', 'platform']);
  });

  it('leaves disabled webhooks out', () => {
    expect(match('tag.added', 'A', '7')).toEqual(['a-all', 'platform']);
  });

  it('compares numeric ids with the strings webhooks store', () => {
    const numeric = indexWebhookEndpoints([webhook('n', '42', ['7'])]);
    expect(matchWebhookEndpoints(numeric, 'tag.added', resolveEventScope({ accountId: 42, inboxId: 7 })).map((e) => e.id)).toEqual(['n']);
  });

  it('does not confuse an account id with the platform-wide webhooks or with an empty id', () => {
    expect(match('tag.added', '', '1')).toEqual(['platform']);
    expect(match('tag.added', 'null')).toEqual(['platform']);
  });

  it('costs the same for one account among 10,000 as among one: only the own account is walked', () => {
    const many: WebhookEndpoint[] = [];
    for (let a = 0; a < 10_000; a++) for (let w = 0; w < 3; w++) many.push(webhook(`${a}-${w}`, `acct-${a}`, w === 2 ? ['inbox-1'] : []));
    const big = indexWebhookEndpoints(many);
    const seen: string[] = [];
    const spy = new Proxy(big.byAccount, {
      get(target, key, receiver) {
        if (key === 'get') return (k: string) => (seen.push(k), target.get(k));
        return Reflect.get(target, key, receiver);
      },
    });
    const found = matchWebhookEndpoints({ platform: big.platform, byAccount: spy }, 'conversation.started', resolveEventScope({ accountId: 'acct-1234', inboxId: 'inbox-2' }));
    expect(found.map((e) => e.id)).toEqual(['1234-0', '1234-1']);
    expect(seen).toEqual(['acct-1234']);
  });
});
