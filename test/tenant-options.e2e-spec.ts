import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { WebhookPayloadMappingError } from '../src/webhooks/index.js';
import type { WebhookAdminScope, WebhookAdminScopeResolver } from '../src/webhooks/index.js';
import { WebhookTestTransport } from '../src/webhooks/testing.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

/** A host's resolver class with a dependency: `x-account` names the account, `platform` the platform admin. */
@Injectable()
class HeaderScope implements WebhookAdminScopeResolver {
  constructor(private readonly reflector: Reflector) {}

  async resolve(request: { headers: Record<string, string | undefined> }): Promise<WebhookAdminScope> {
    expect(this.reflector).toBeInstanceOf(Reflector);
    const account = request.headers['x-account'];
    if (account === 'platform') return null;
    return account ? { accountId: account } : (undefined as never);
  }
}

/** The host's own emitted shapes: `tenant` and `site` instead of accountId and inboxId. */
const scopeOf = (_event: string, input: { tenant?: number; site?: string; conversation?: { tenant?: number; site?: string } }) => {
  const owner = input.conversation ?? input;
  if (owner.site === 'explode') throw new Error('no such site');
  return { accountId: owner.tenant, inboxId: owner.site };
};

describe('adminScope as an injectable class, and a host scopeOf', () => {
  let host: WebhooksHost;
  const transport = new WebhookTestTransport();

  beforeAll(async () => {
    host = await bootWebhooksHost({ options: { adminScope: HeaderScope, scopeOf, transport } });
  });

  afterAll(async () => {
    await host?.close();
  });

  it('acts inside the account the class resolves, sees all for null, and answers 403 when it resolves neither', async () => {
    const mine = await host.http
      .post(host.admin)
      .set('x-account', '42')
      .send({ name: 'T42', url: 'https://hooks.example.com/42', events: ['*'], accountId: '7' })
      .expect(201);
    expect(mine.body.accountId).toBe('42');
    await host.http.get(`${host.admin}/${mine.body.id}`).set('x-account', '7').expect(404);
    await host.http.get(`${host.admin}/${mine.body.id}`).set('x-account', 'platform').expect(200);
    const refused = await host.http.get(host.admin).expect(403);
    expect(refused.body.message).toMatch(/adminScope answered neither/);
    // The catalog is the same for everyone and needs no account.
    await host.http.get(`${host.admin}/events`).expect(200);
    await host.http.delete(`${host.admin}/${mine.body.id}`).set('x-account', '42').expect(204);
  });

  it('answers GET /scope with whose admin is calling, even before any webhook exists', async () => {
    expect((await host.http.get(`${host.admin}/scope`).set('x-account', '42').expect(200)).body).toEqual({ accountId: '42', platform: false, multiAccount: true });
    expect((await host.http.get(`${host.admin}/scope`).set('x-account', 'platform').expect(200)).body).toEqual({ accountId: null, platform: true, multiAccount: true });
    await host.http.get(`${host.admin}/scope`).expect(403);
  });

  it("routes by the host's scopeOf, with numeric ids matched as strings and kept numbers in the body", async () => {
    const created = await host.http
      .post(host.admin)
      .set('x-account', 'platform')
      .send({ name: 'Site A of 42', url: 'https://hooks.example.com/a', events: ['conversation.started', 'tag.added'], accountId: '42', inboxIds: ['a'] })
      .expect(201);
    transport.clear();
    const conversation = { id: 1, visitorName: 'Ann', status: 'open', createdAt: new Date('2025-01-15T10:31:00.000Z'), tenant: 42, site: 'a' };
    expect(await host.publisher.publish('conversation.started', { ...conversation, site: 'b' })).toEqual([]);
    expect(await host.publisher.publish('conversation.started', { ...conversation, tenant: 43 })).toEqual([]);
    expect(await host.publisher.publish('tag.added', { conversation, tag: 'vip' })).toHaveLength(1);
    const [sent] = await transport.waitFor(1);
    expect(sent.body.startsWith('{"event":"tag.added","timestamp":')).toBe(true);
    expect(sent.body).toContain(',"account_id":42,"inbox_id":"a","data":{');
    await host.http.delete(`${host.admin}/${created.body.id}`).set('x-account', 'platform').expect(204);
  });

  it('records nothing when scopeOf throws, and says so', async () => {
    const failed = host.publisher.publish('conversation.started', { id: 2, visitorName: 'Bo', status: 'open', createdAt: new Date(), site: 'explode' });
    await expect(failed).rejects.toThrow(WebhookPayloadMappingError);
    await expect(failed).rejects.toThrow(/account and inbox of the "conversation.started" event: no such site/);
  });
});
